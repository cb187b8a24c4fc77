// form-source.js - the first sections of the task form: basic information
// (name, type, target TDengine and database), the Kafka connection (brokers),
// SASL, SSL, and collection (topics, ids, offset, waits) with the
// connectivity check. They fill ctx.state.name, .target and .source.
import { post, request } from './api.js';
import { generatedId } from './dsn.js';
import {
  field, numberInput, passwordInput, section, segmented, selectInput, setOptions, textInput, toggle,
} from './fields.js';
import { busy, h, notice, replace, setFieldError, toast } from './ui.js';

// The database named in `to` while listing or creating databases: the
// service needs one in the DSN, and TDengine always has this one.
const ANY_DB = 'information_schema';

// Returns the basic information section.
export function basicSection(ctx) {
  const { state } = ctx;
  const t = state.target;
  const dbSelect = h('select', { 'aria-label': 'Target database' });
  const dbField = field('Target database', h('div', { class: 'inline' }, dbSelect,
    h('button', { type: 'button', class: 'btn', title: 'Reload the list', onclick: () => loadDatabases(true) }, '↻'),
    h('button', { type: 'button', class: 'btn link', onclick: () => openCreate() }, '+ Create database')),
  { path: 'to.database', required: true, hint: 'Databases of the TDengine above (system databases are not listed).' });
  const createBox = h('div', { class: 'subpanel', hidden: true });

  dbSelect.addEventListener('change', () => { t.db = dbSelect.value; ctx.emit('database'); });
  dbSelect.addEventListener('focus', () => loadDatabases());
  dbSelect.addEventListener('mousedown', () => loadDatabases());

  let loaded = '';
  // Fills the database list from the server (once per target unless forced).
  async function loadDatabases(force = false) {
    const key = ctx.toDsn(ANY_DB);
    if (!t.host.trim() || !/^\d+$/.test(String(t.port).trim()) || (!force && key === loaded)) return;
    setFieldError(dbSelect, '');
    loaded = key;
    try {
      const ans = await post('/api/target/databases', ctx.draft({ to: key }));
      const names = ans.databases || [];
      setOptions(dbSelect, [['', names.length ? 'Choose a database…' : 'No database yet'], ...names], t.db);
      if (t.db) ctx.emit('database');
    } catch (e) {
      loaded = '';
      setOptions(dbSelect, [['', '—']], t.db);
      setFieldError(dbSelect, `Cannot list databases: ${e.message}`);
    }
  }
  ctx.loadDatabases = loadDatabases;
  setOptions(dbSelect, [['', 'Choose a database…']], t.db);

  const newDb = { name: '', precision: 'ms' };
  function openCreate() {
    createBox.hidden = false;
    const name = textInput(newDb, 'name', { placeholder: 'e.g. power', 'aria-label': 'New database name' });
    const create = h('button', { type: 'button', class: 'btn primary' }, 'Create');
    create.addEventListener('click', busy(create, async () => {
      setFieldError(name, '');
      try {
        const ans = await post('/api/target/databases/create',
          ctx.draft({ to: ctx.toDsn(ANY_DB), name: newDb.name.trim(), precision: newDb.precision }));
        t.db = ans.name;
        createBox.hidden = true;
        toast(`Database ${ans.name} created`, 'ok');
        await loadDatabases(true);
        ctx.emit('database');
      } catch (e) {
        setFieldError(name, e.message);
      }
    }));
    replace(createBox,
      h('div', { class: 'subpanel-title' }, 'New database'),
      field('Name', name, { path: 'name-newdb', required: true }),
      field('Precision', selectInput(newDb, 'precision', [['ms', 'Milliseconds (ms)'], ['us', 'Microseconds (us)'],
        ['ns', 'Nanoseconds (ns)']])),
      h('div', { class: 'actions-row' }, h('button', { type: 'button', class: 'btn', onclick: () => { createBox.hidden = true; } }, 'Cancel'), create));
    name.focus();
  }

  const reload = () => { clearTimeout(reload.t); reload.t = setTimeout(() => loadDatabases(), 500); };
  const content = [
    field('Name', textInput(state, 'name', { placeholder: 'e.g. test_kafka', maxlength: 128 }),
      { path: 'name', required: true }),
    field('Type', h('select', { disabled: true, 'aria-label': 'Type' }, h('option', {}, 'Kafka')),
      { hint: 'Kafka topics into a TDengine supertable.' }),
    h('div', { class: 'field-group' },
      h('div', { class: 'group-title' }, 'Target TDengine (REST, taosAdapter)'),
      field('Address', h('div', { class: 'inline address' },
        selectInput(t, 'scheme', [['taos+http', 'http'], ['taos+https', 'https']], { 'aria-label': 'Protocol', class: 'narrow' }, reload),
        textInput(t, 'host', { placeholder: 'host', 'aria-label': 'TDengine host' }, reload),
        h('span', { class: 'sep' }, ':'),
        textInput(t, 'port', { placeholder: '6041', 'aria-label': 'TDengine port', class: 'port', inputmode: 'numeric' }, reload)),
      { path: 'to', required: true }),
      field('User', textInput(t, 'user', { placeholder: 'root', autocomplete: 'off' }, reload), { path: 'to.user' }),
      field('Password', passwordInput(t, 'password', { 'aria-label': 'TDengine password' }, reload),
        { path: 'to.password', hint: ctx.editing ? '****** keeps the stored password.' : null }),
      dbField, createBox),
  ];
  // An edited task lists its databases at once; a new one when the target
  // is typed or the list opened.
  ctx.on('ready', () => { if (ctx.editing) loadDatabases(); });
  return section(1, 'Basic information', null, content, { id: 'sec-basic' });
}

// Returns the connection section: the broker list.
export function connectionSection(ctx) {
  const s = ctx.state.source;
  const list = h('div', { class: 'brokers' });
  function render() {
    replace(list, s.brokers.map((b, i) => h('div', { class: 'broker-row' },
      textInput(b, 'host', { placeholder: 'bootstrap-server, e.g. 192.168.1.92', 'aria-label': `Broker ${i + 1} host` }),
      h('span', { class: 'sep' }, ':'),
      textInput(b, 'port', { placeholder: '9092', class: 'port', inputmode: 'numeric', 'aria-label': `Broker ${i + 1} port` }),
      h('button', { type: 'button', class: 'btn icon', title: 'Remove this broker', 'aria-label': `Remove broker ${i + 1}`,
        disabled: s.brokers.length === 1, onclick: () => { s.brokers.splice(i, 1); render(); } }, '✕'))));
  }
  render();
  const add = h('button', { type: 'button', class: 'btn link', onclick: () => { s.brokers.push({ host: '', port: '9092' }); render(); } }, '+ Add broker');
  return section(2, 'Connection', null,
    field('Brokers', h('div', {}, list, add), { path: 'from', required: true,
      hint: 'bootstrap-server and service port of each broker.' }), { id: 'sec-connection' });
}

// Returns an upload control for a file whose reference ("@/path") is kept
// in obj[key].
function uploadControl(obj, key, label) {
  const file = h('input', { type: 'file', hidden: true, 'aria-label': label });
  const shown = h('span', { class: 'upload-name' });
  const show = () => {
    const ref = obj[key];
    replace(shown, ref ? h('code', { title: ref }, ref.split('/').pop()) : h('span', { class: 'muted' }, 'No file'));
    clear.hidden = !ref;
  };
  const pick = h('button', { type: 'button', class: 'btn', onclick: () => file.click() }, 'Upload…');
  const clear = h('button', { type: 'button', class: 'btn link', onclick: () => { obj[key] = ''; show(); } }, 'Remove');
  file.addEventListener('change', busy(pick, async () => {
    const f = file.files[0];
    if (!f) return;
    const name = f.name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'file';
    setFieldError(pick, '');
    try {
      const ans = await request('POST', `/api/uploads?name=${encodeURIComponent(name)}`,
        new Blob([f], { type: 'application/octet-stream' }));
      obj[key] = ans.ref;
      show();
    } catch (e) {
      setFieldError(pick, `Upload failed: ${e.message}`);
    } finally {
      file.value = '';
    }
  }));
  show();
  return h('div', { class: 'upload' }, pick, shown, clear, file);
}

// Returns the kinit command field: editable only when the operator's
// config allows tasks to set their own (allow_kinit_override); else the
// operator's command, read-only, and the task sends none.
function kinitField(ctx, sasl) {
  const kafka = (ctx.config && ctx.config.kafka) || {};
  if (kafka.allow_kinit_override) {
    return field('kinit command', textInput(sasl, 'kinitCmd', { placeholder: kafka.kinit_cmd || 'optional; the default renews with the keytab' }),
      { path: 'from.sasl.kerberos.kinit.cmd' });
  }
  sasl.kinitCmd = '';
  return field('kinit command', h('input', { type: 'text', readonly: true, value: kafka.kinit_cmd || '' }),
    { path: 'from.sasl.kerberos.kinit.cmd', hint: 'Set by the operator of the service (k2td serve --config).' });
}

// Returns the SASL section.
export function saslSection(ctx) {
  const sasl = ctx.state.source.sasl;
  const body = h('div');
  function render() {
    if (!sasl.enabled) { replace(body); return; }
    const mech = field('Mechanism', segmented(sasl, 'mechanism',
      [['PLAIN', 'PLAIN'], ['SCRAM-SHA-256', 'SCRAM-SHA-256'], ['SCRAM-SHA-512', 'SCRAM-SHA-512'],
        ['GSSAPI', 'GSSAPI']], render));
    if (sasl.mechanism === 'GSSAPI') {
      replace(body, mech,
        field('Service name', textInput(sasl, 'serviceName', { placeholder: 'kafka' }), { path: 'from.sasl.kerberos.service.name', required: true }),
        field('Principal', textInput(sasl, 'principal', { placeholder: 'kafkaclient' }), { path: 'from.sasl.kerberos.principal', required: true }),
        kinitField(ctx, sasl),
        field('Keytab', uploadControl(sasl, 'keytab', 'Keytab file'), { path: 'from.sasl.kerberos.keytab', required: true,
          hint: 'Provided by the Kafka administrator; the server needs a Kerberos client (krb5-user).' }));
    } else {
      replace(body, mech,
        field('User', textInput(sasl, 'username', { autocomplete: 'off' }), { path: 'from.sasl.username', required: true }),
        field('Password', passwordInput(sasl, 'password', { 'aria-label': 'SASL password' }), { path: 'from.sasl.password', required: true,
          hint: ctx.editing ? '****** keeps the stored password.' : null }));
    }
  }
  render();
  return section(3, 'SASL authentication', null,
    [field('Enable SASL', toggle(sasl, 'enabled', '', render)), body], { id: 'sec-sasl' });
}

// Returns the SSL section.
export function sslSection(ctx) {
  const ssl = ctx.state.source.ssl;
  const body = h('div');
  function render() {
    replace(body, ssl.enabled ? [
      field('CA certificate', uploadControl(ssl, 'ca', 'CA certificate'), { path: 'from.ssl.ca.location', required: true }),
      field('Client certificate', uploadControl(ssl, 'cert', 'Client certificate'), { path: 'from.ssl.certificate.location' }),
      field('Client key', uploadControl(ssl, 'certKey', 'Client key'), { path: 'from.ssl.key.location' }),
      field('Key password', passwordInput(ssl, 'keyPassword', { 'aria-label': 'Key password' }), { path: 'from.ssl.key.password' }),
    ] : []);
  }
  render();
  return section(4, 'SSL', null, [field('Enable SSL', toggle(ssl, 'enabled', '', render)), body], { id: 'sec-ssl' });
}

// Returns a text box with its own "with task id" switch (the state key
// switchKey) and the id it gives.
function idControl(ctx, key, switchKey, label) {
  const s = ctx.state.source;
  const out = h('code', { class: 'generated' });
  const show = () => {
    const id = generatedId(s.idPrefix ?? 'taosx', s[switchKey], ctx.taskId ?? '<id>', s[key].trim());
    replace(out, id || h('span', { class: 'muted' }, key === 'clientId' ? 'librdkafka default' : 'not set'));
  };
  const sw = toggle(s, switchKey, 'with task id', show);
  sw.querySelector('input').setAttribute('aria-label', `${label}: with task id`);
  show();
  return h('div', { class: 'id-control' },
    h('div', { class: 'inline' }, textInput(s, key, { placeholder: 'e.g. foo', 'aria-label': label }, show), sw),
    h('div', { class: 'generated-line' }, 'Generated: ', out));
}

// Returns the local "YYYY-MM-DDTHH:MM" of an RFC 3339 time or epoch ms.
function localInput(text) {
  const d = new Date(/^\d+$/.test(text) ? Number(text) : text);
  if (!text || Number.isNaN(d.getTime())) return '';
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

// Returns the collection section with the connectivity check.
export function collectionSection(ctx) {
  const s = ctx.state.source;
  const when = h('input', { type: 'datetime-local', 'aria-label': 'Start time', value: localInput(s.startTime) });
  when.addEventListener('input', () => {
    const d = new Date(when.value);
    s.startTime = Number.isNaN(d.getTime()) ? '' : d.toISOString().replace('.000Z', 'Z');
  });
  const whenField = field('Start time', when, { path: 'from.start_time', required: true,
    hint: 'Your local time; partitions without a committed offset start at the first message at or after it.' });
  const showWhen = () => { whenField.hidden = s.offset !== 'bytime'; };
  showWhen();
  const result = h('div', { class: 'check-result', 'aria-live': 'polite' });
  const check = h('button', { type: 'button', class: 'btn' }, 'Connectivity check');
  check.addEventListener('click', busy(check, async () => {
    if (!ctx.databaseChosen()) {
      replace(result, notice('error', 'Choose the target database before the check.'));
      return;
    }
    replace(result, h('span', { class: 'muted' }, 'Checking Kafka and TDengine…'));
    let ans;
    try {
      ans = await post('/api/check', ctx.draft({ from: ctx.fromDsn(), to: ctx.toDsn() }));
    } catch (e) {
      replace(result, notice('error', e.message));
      if (e.field) ctx.markField(e.field, e.message);
      return;
    }
    const k = ans.kafka || {}, td = ans.tdengine || {};
    if (!k.ok && k.field) ctx.markField(k.field, k.error);
    replace(result,
      notice(k.ok ? 'ok' : 'error', h('strong', {}, k.ok ? 'Kafka: connected. ' : 'Kafka: failed. '),
        k.ok ? (k.topics || []).map((x) => `${x.name} (${x.partitions} partition${x.partitions === 1 ? '' : 's'})`).join(', ')
          : k.error),
      notice(td.ok ? 'ok' : 'error', h('strong', {}, td.ok ? 'TDengine: connected. ' : 'TDengine: failed. '),
        td.ok ? `Database ${td.database}, precision ${td.precision}.` : `${td.error}${td.code ? ` (${td.code})` : ''}`));
  }));
  return section(5, 'Collection', null, [
    field('Timeout', numberInput(s, 'timeout', { min: 0, step: 1, 'aria-label': 'Timeout' }, () => {}, 'ms'),
      { path: 'from.timeout', hint: 'Stop the task when no message arrives for this long; 0 waits forever.' }),
    field('Topics', textInput(s, 'topics', { placeholder: 'tp1,tp2' }), { path: 'from.topics', required: true,
      hint: 'Comma-separated; each topic must exist.' }),
    field('Client ID', idControl(ctx, 'clientId', 'clientIdWithTaskId', 'Client ID'), { path: 'from.client_id' }),
    field('Consumer group ID', idControl(ctx, 'group', 'groupWithTaskId', 'Consumer group ID'), { path: 'from.group',
      hint: 'The id is taosx + [task id] + your text. k2td has one "with task id" setting for both ids. '
        + 'Tasks with the same group share the partitions.' }),
    field('Offset', selectInput(s, 'offset', [['earliest', 'Earliest'], ['latest', 'Latest'], ['bytime', 'ByTime']],
      { 'aria-label': 'Offset' }, showWhen), { path: 'from.fallback_offset',
      hint: 'Where a partition without a committed offset starts.' }),
    whenField,
    field('Max fetch wait', numberInput(s, 'fetchMaxWait', { min: 0, max: 300000, 'aria-label': 'Max fetch wait' }, () => {}, 'ms'),
      { path: 'from.fetch_max_wait_time', hint: 'How long the broker waits to fill a fetch (default 100 ms).' }),
    h('div', { class: 'actions-row left' }, check), result,
  ], { id: 'sec-collection' });
}
