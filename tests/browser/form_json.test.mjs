// form_json.test.mjs - the page's pure modules (web/assets/dsn.js and
// parser-json.js) without a browser: the DSNs and the parser JSON the form
// builds, and that reading them back gives the same form value. Run with
// `node --test tests/browser/form_json.test.mjs`.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import test from 'node:test';

const assets = path.join(path.dirname(new URL(import.meta.url).pathname), '..', '..', 'web', 'assets');

// Imports a module of web/assets (they import nothing themselves), whatever
// module type Node gives .js files outside a package.
async function load(name) {
  const src = fs.readFileSync(path.join(assets, name), 'utf8');
  return import(`data:text/javascript;base64,${Buffer.from(src).toString('base64')}`);
}

const dsn = await load('dsn.js');
const pj = await load('parser-json.js');

test('durations read and print as k2td writes them', () => {
  assert.equal(dsn.durationToMs('1500'), 1500);
  assert.equal(dsn.durationToMs('1h30m'), 5400000);
  assert.equal(dsn.durationToMs('250ms'), 250);
  assert.equal(dsn.durationToMs('never'), 0);
  assert.equal(dsn.durationToMs('-1s'), 0);
  assert.equal(dsn.durationToMs('5q'), null);
  assert.equal(dsn.durationToMs('5s junk'), null);
  assert.equal(dsn.msToDuration(0), '0');
  assert.equal(dsn.msToDuration(100), '100ms');
  assert.equal(dsn.msToDuration(5400000), '1h30m');
  assert.equal(dsn.msToDuration(90061001), '1d1h1m1s1ms');
});

test('generated ids follow prefix + [task id] + text', () => {
  assert.equal(dsn.generatedId('taosx', false, 100, 'foo'), 'taosxfoo');
  assert.equal(dsn.generatedId('taosx', true, 100, 'foo'), 'taosx100foo');
  assert.equal(dsn.generatedId('taosx', true, '<id>', 'foo'), 'taosx<id>foo');
  assert.equal(dsn.generatedId('taosx', true, 100, ''), '');
});

test('the source DSN of a plain form keeps k2td defaults out', () => {
  const s = dsn.emptySource();
  s.brokers = [{ host: 'h1', port: '9092' }, { host: 'h2', port: '9093' }];
  s.topics = ' tp1, tp2 ,';
  s.group = 'foo';
  assert.equal(dsn.buildFrom(s),
    'kafka://h1:9092,h2:9093?topics=tp1,tp2&group=foo&fallback_offset=earliest&timeout=0&fetch_max_wait_time=100ms');
});

test('every source field survives build then parse', () => {
  const s = dsn.emptySource();
  Object.assign(s, {
    brokers: [{ host: 'kafka.local', port: '9094' }], topics: 'a,b', group: 'g&1', clientId: 'c 1',
    groupWithTaskId: true, clientIdWithTaskId: false, offset: 'bytime', startTime: '2024-05-01T00:00:00Z', timeout: '6000',
    fetchMaxWait: '250', batchSize: '500', batchTimeout: '200', commitInterval: '1000', charEncoding: 'GBK',
    healthWindow: '30', busyThreshold: '80', maxErrors: '5',
    extra: [['session.timeout.ms', '45000']],
  });
  Object.assign(s.sasl, { enabled: true, mechanism: 'SCRAM-SHA-256', username: 'u', password: 'p@ss=&%' });
  Object.assign(s.ssl, { enabled: true, ca: '@upload:1', keyPassword: 'k' });
  const text = dsn.buildFrom(s);
  assert.match(text, /security\.protocol=sasl_ssl/);
  assert.match(text, /ssl\.ca\.location=upload%3A1|ssl\.ca\.location=upload:1/);
  assert.match(text, /sasl\.password=p@ss%3D%26%25/);
  assert.match(text, /timeout=6s/);
  assert.match(text, /busy_threshold=80%25/);
  assert.deepEqual(dsn.parseFrom(text), s);
});

test('each id has its own task id switch; both on is taosX with_task_id', () => {
  const s = dsn.emptySource();
  Object.assign(s, { brokers: [{ host: 'h', port: '1' }], topics: 't', group: 'g', clientId: 'c' });
  s.clientIdWithTaskId = true;
  assert.match(dsn.buildFrom(s), /&client_id_with_task_id=true/);
  assert.doesNotMatch(dsn.buildFrom(s), /group_with_task_id|&with_task_id/);
  s.groupWithTaskId = true;
  assert.match(dsn.buildFrom(s), /&with_task_id=true/);
  assert.deepEqual(dsn.parseFrom(dsn.buildFrom(s)), s);
  const taosx = dsn.parseFrom('kafka://h:1?topics=t&with_task_id=1');
  assert.equal(taosx.groupWithTaskId && taosx.clientIdWithTaskId, true);
  const one = dsn.parseFrom('kafka://h:1?topics=t&group_with_task_id=true');
  assert.deepEqual([one.groupWithTaskId, one.clientIdWithTaskId], [true, false]);
});

test('GSSAPI keys and a taosX offset alias read back', () => {
  const s = dsn.parseFrom('kafka://h:1?topics=t&fallback_offset=largest&security.protocol=SASL_PLAINTEXT'
    + '&sasl.mechanisms=GSSAPI&sasl.kerberos.principal=kafkaclient&sasl.kerberos.keytab=/k/c.keytab');
  assert.equal(s.offset, 'latest');
  assert.equal(s.sasl.enabled, true);
  assert.equal(s.ssl.enabled, false);
  assert.equal(s.sasl.mechanism, 'GSSAPI');
  assert.equal(s.sasl.keytab, '@/k/c.keytab');
  assert.match(dsn.buildFrom(s), /sasl\.kerberos\.keytab=\/k\/c\.keytab/);
});

test('the target DSN encodes the credentials and reads back', () => {
  const t = { scheme: 'taos+https', host: 'td.example', port: '6041', user: 'ro ot', password: 'a:b@c/%', db: 'power' };
  const text = dsn.buildTo(t);
  assert.equal(text, 'taos+https://ro%20ot:a%3Ab%40c%2F%25@td.example:6041/power');
  assert.deepEqual(dsn.parseTo(text), t);
  assert.equal(dsn.buildTo(t, 'information_schema'), 'taos+https://ro%20ot:a%3Ab%40c%2F%25@td.example:6041/information_schema');
  assert.equal(dsn.parseTo('taos+http://root:******@127.0.0.1:6041/kdb').password, '******');
});

// Returns the parser form of the seed walkthrough, mapped onto
// seed(ts, message_0, message_1, label, volt) TAGS (id).
function seedForm() {
  const f = { parse: pj.emptyParse(), extracts: [], filters: ['id != 1', ''], mapping: pj.emptyMapping(), policies: {}, extra: {} };
  const e = pj.newExtract('split');
  e.field = 'message';
  f.extracts.push(e);
  f.mapping.stable = 'seed';
  f.mapping.template = 't_{id}';
  pj.setStableColumns(f.mapping, {
    columns: [{ name: 'ts', type: 'TIMESTAMP' }, { name: 'message_0', type: 'VARCHAR', length: 16 },
      { name: 'message_1', type: 'VARCHAR', length: 16 }, { name: 'label', type: 'VARCHAR', length: 32 },
      { name: 'volt', type: 'INT' }],
    tags: [{ name: 'id', type: 'INT' }],
  });
  Object.assign(f.mapping.rules.label, { rule: 'format', text: '${message_0.to_upper()}#${id}' });
  Object.assign(f.mapping.rules.volt, { source: 'v', def: '-1' });
  f.mapping.rules.message_1.rule = 'none';
  return f;
}

test('the seed form becomes the parser JSON k2td reads', () => {
  const { parser, owners } = pj.buildParser(seedForm());
  assert.deepEqual(parser, {
    parse: { value: { json: '' } },
    mutate: [
      { extract: { message: { split: { separator: '-', count: 2 } } } },
      { filter: ['id != 1'] },
      { map: { label: { format: '${message_0.to_upper()}#${id}' }, volt: { cast: 'v', default: -1 } } },
    ],
    model: { name: 't_{id}', using: 'seed', columns: ['ts', 'message_0', 'label', 'volt'], tags: ['id'] },
  });
  assert.deepEqual(owners, [{ part: 'extract', index: 0 }, { part: 'filter' }, { part: 'map' }]);
  assert.equal(pj.buildParser(seedForm(), false).parser.model, undefined);
});

test('a parser read back builds the same JSON', () => {
  const { parser } = pj.buildParser(seedForm());
  const read = pj.readParser(JSON.parse(JSON.stringify(parser)));
  assert.equal(read.reordered, false);
  pj.setStableColumns(read.form.mapping, {
    columns: [{ name: 'ts', type: 'TIMESTAMP' }, { name: 'message_0', type: 'VARCHAR' }, { name: 'message_1', type: 'VARCHAR' },
      { name: 'label', type: 'VARCHAR' }, { name: 'volt', type: 'INT' }],
    tags: [{ name: 'id', type: 'INT' }],
  });
  assert.deepEqual(pj.buildParser(read.form).parser, parser);
});

test('other parsers, policies and unknown keys round-trip', () => {
  const parsers = [
    { parse: { value: { regex: '^(?<id>\\d+) (?<v>.*)$' } }, model: { name: 'a', using: 's' } },
    { parse: { value: { csv: { delimiter: ';', quote: '"', names: ['id', 'v'] } } }, model: { name: 'a', using: 's' } },
    { parse: { value: { udt: 'return {data}' } }, model: { name: 'a', using: 's' } },
    { parse: { value: { json: ['id', '$.a.b=ab::int'] } }, model: { name: 'a', using: 's' },
      global: { ingesting_error: 'skip', table_name_contains_illegal_char: { replace_to: '-' } }, rules: [{ x: 1 }] },
    { parse: { value: { json: '' } }, mutate: [{ extract: { city: { convert: { bj: 'beijing' } } } }, { extract: { p: { json: '' } } }],
      model: { name: 'a', using: 's' } },
  ];
  for (const p of parsers) assert.deepEqual(pj.buildParser(pj.readParser(p).form).parser, p);
});

test('an Explorer wrapper gives its samples; stage order is reported', () => {
  const read = pj.readParser({ parser: { parse: { value: { json: '' } }, mutate: [{ filter: ['a'] }, { extract: { m: { json: '' } } }],
    model: { name: 'a', using: 's' } }, input: [{ value: '{"a":1}' }, { value: '{"a":2}' }] });
  assert.deepEqual(read.samples, ['{"a":1}', '{"a":2}']);
  assert.equal(read.reordered, true);
});

test('values take the JSON type of their column', () => {
  assert.equal(pj.typedValue('12', 'INT'), 12);
  assert.equal(pj.typedValue('1.5', 'DOUBLE'), 1.5);
  assert.equal(pj.typedValue('12345678901234567890', 'BIGINT UNSIGNED'), '12345678901234567890');
  assert.equal(pj.typedValue('true', 'BOOL'), true);
  assert.equal(pj.typedValue('12', 'VARCHAR'), '12');
});

test('a convert table that is not JSON names its rule', () => {
  const f = seedForm();
  f.extracts.push(Object.assign(pj.newExtract('convert'), { field: 'city', convert: '{bad' }));
  assert.throws(() => pj.buildParser(f), (e) => e.part === 'extract' && e.index === 1);
});
