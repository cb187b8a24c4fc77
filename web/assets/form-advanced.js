// form-advanced.js - the advanced options of the task form, collapsed by
// default: batching, commit interval, character encoding, other source keys,
// and the error policies (the parser's `global`, src/task/write_policy.h).
// Options of the taosX form that k2td has no key for are shown disabled with
// the reason, and never sent. Only policies the user changed are sent.
import { field, numberInput, section, selectInput, textArea, textInput, toggle, uid } from './fields.js';
import { h, replace } from './ui.js';

// [key, label, allowed actions, default]; "replace_to" stands for
// {"replace_to": text}.
const POLICIES = [
  ['database_connection_error', 'Target database unreachable', ['cache', 'break'], 'cache'],
  ['database_not_exist', 'Target database missing', ['archive', 'skip', 'break'], 'break'],
  ['table_not_exist', 'Table missing', ['archive', 'skip', 'break', 'retry'], 'retry'],
  ['primary_timestamp_overflow', 'Timestamp out of range', ['archive', 'skip', 'break'], 'archive'],
  ['primary_timestamp_null', 'Timestamp NULL', ['archive', 'skip', 'break', 'use_current_time'], 'archive'],
  ['primary_key_null', 'Composite key NULL', ['archive', 'skip', 'break'], 'archive'],
  ['table_name_length_overflow', 'Table name too long', ['archive', 'skip', 'break', 'truncate', 'truncate_and_archive'], 'archive'],
  ['table_name_contains_illegal_char', 'Illegal character in table name', ['archive', 'skip', 'break', 'replace_to'], 'replace_to', '_'],
  ['variable_not_exist_in_table_name_template', 'Name template variable missing', ['archive', 'skip', 'leave_blank', 'replace_to'], 'archive'],
  ['field_name_not_found', 'Column does not exist', ['archive', 'skip', 'break', 'add_field', 'ignore'], 'ignore'],
  ['field_name_length_overflow', 'Column name too long', ['archive', 'skip', 'break'], 'archive'],
  ['field_length_overflow', 'Value too long for its column', ['archive', 'skip', 'break', 'truncate', 'truncate_and_archive'], 'archive'],
  ['ingesting_error', 'Other data error', ['archive', 'skip', 'break'], 'archive'],
];

const NOT_IN_K2TD = [
  ['Read concurrency', 'k2td reads with one consumer per task; copy the task (same group) to add consumers that share the partitions.'],
  ['Write concurrency', 'k2td writes one statement at a time per task, in order (at-least-once).'],
  ['Max write queue length', 'k2td holds one batch (batch size) between Kafka and TDengine.'],
];

// Returns the text form of policy value v ("replace_to" for an object).
function actionOf(v) {
  return v && typeof v === 'object' ? 'replace_to' : v;
}

// Returns the error policy table bound to the object policies (keys set only
// when they differ from the default).
function policyTable(policies) {
  const rows = POLICIES.map(([key, label, actions, def, defText]) => {
    const cur = { action: actionOf(policies[key] ?? (def === 'replace_to' ? { replace_to: defText } : def)),
      text: policies[key] && typeof policies[key] === 'object' ? policies[key].replace_to : (defText ?? '_') };
    const text = textInput(cur, 'text', { class: 'mid mono', 'aria-label': `${label}: replace with`, placeholder: 'replacement' }, () => store());
    const store = () => {
      text.hidden = cur.action !== 'replace_to';
      const isDefault = cur.action === def && (def !== 'replace_to' || cur.text === defText);
      if (isDefault) delete policies[key];
      else policies[key] = cur.action === 'replace_to' ? { replace_to: cur.text } : cur.action;
    };
    const sel = selectInput(cur, 'action', actions.map((a) => [a, a === def ? `${a} (default)` : a]),
      { 'aria-label': label, id: uid() }, () => store());
    text.hidden = cur.action !== 'replace_to';
    return h('div', { class: 'field policy', 'data-path': `parser.global.${key}` },
      h('label', { class: 'field-label', for: sel.id }, label),
      h('div', { class: 'field-body' }, h('div', { class: 'inline' }, sel, text)));
  });
  const ext = { on: policies.field_length_extend === true };
  const timeout = { v: policies.connection_timeout_in_second !== undefined ? String(policies.connection_timeout_in_second) : '' };
  rows.push(
    field('Widen var-length columns', toggle(ext, 'on', 'ALTER the column when a value is too long', (on) => {
      if (on) policies.field_length_extend = true; else delete policies.field_length_extend;
    }), { path: 'parser.global.field_length_extend' }),
    field('Request timeout', numberInput(timeout, 'v', { min: 1, max: 600, placeholder: '30', 'aria-label': 'Request timeout' }, (v) => {
      if (v === '') delete policies.connection_timeout_in_second; else policies.connection_timeout_in_second = Number(v);
    }, 's'), { path: 'parser.global.connection_timeout_in_second' }));
  return rows;
}

// Returns the archive settings bound to policies.archive (kept only when
// something is set).
function archivePart(policies) {
  const a = { location: '', max_size: '', rotate_count: '', keep_days: '', on_fail: 'wait', ...(policies.archive || {}) };
  for (const k of ['max_size', 'rotate_count', 'keep_days']) a[k] = a[k] === '' ? '' : String(a[k]);
  const store = () => {
    const out = {};
    if (a.location.trim()) out.location = a.location.trim();
    if (a.max_size !== '') out.max_size = /^\d+$/.test(a.max_size) ? Number(a.max_size) : a.max_size;
    if (a.rotate_count !== '') out.rotate_count = Number(a.rotate_count);
    if (a.keep_days !== '') out.keep_days = Number(a.keep_days);
    if (a.on_fail !== 'wait') out.on_fail = a.on_fail;
    if (Object.keys(out).length) policies.archive = out; else delete policies.archive;
  };
  return h('div', { class: 'field-group' }, h('div', { class: 'group-title' }, 'Archive (rows set aside by "archive")'),
    field('Folder', textInput(a, 'location', { placeholder: 'archived' }, store), { path: 'parser.global.archive.location',
      hint: 'Relative to the task\'s data folder.' }),
    field('Max size', textInput(a, 'max_size', { placeholder: '1', class: 'mid' }, store), { path: 'parser.global.archive.max_size',
      hint: 'A number in GiB, or a size such as 512MB; 0 = unlimited.' }),
    field('Rotated files kept', numberInput(a, 'rotate_count', { min: 1, max: 1000, placeholder: '10' }, store), { path: 'parser.global.archive.rotate_count' }),
    field('Keep days', numberInput(a, 'keep_days', { min: 0, placeholder: '30' }, store), { path: 'parser.global.archive.keep_days' }),
    field('When archiving fails', selectInput(a, 'on_fail', [['wait', 'wait (default)'], ['rotate', 'rotate'], ['skip', 'skip'], ['break', 'break']], {}, store),
      { path: 'parser.global.archive.on_fail',
        hint: 'wait: pause and retry until the disk has room; rotate: delete the rotated files, then stop.' }));
}

// Returns the "other source keys" box: the DSN keys the form has no field
// for, one key=value per line (librdkafka properties hold a '.').
function extraKeys(source) {
  const box = { text: source.extra.map(([k, v]) => `${k}=${v}`).join('\n') };
  return field('Other source keys', textArea(box, 'text', { rows: 3, class: 'mono', placeholder: 'session.timeout.ms=45000' }, () => {
    source.extra = box.text.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
      const eq = l.indexOf('=');
      return eq < 0 ? [l, ''] : [l.slice(0, eq).trim(), l.slice(eq + 1).trim()];
    });
  }), { path: 'from.extra', hint: 'One key=value per line: k2td keys (k2td keys lists them) or librdkafka properties.' });
}

// Returns the advanced options section (collapsed).
export function advancedSection(ctx) {
  const s = ctx.state.source;
  const policies = ctx.state.parser.policies;
  const disabled = NOT_IN_K2TD.map(([label, why]) => field(label,
    h('input', { type: 'text', disabled: true, placeholder: 'not in k2td', 'aria-label': label }), { hint: why }));
  const policyBox = h('div');
  replace(policyBox, policyTable(policies), archivePart(policies));
  const sec = section(10, 'Advanced options', null, [
    h('div', { class: 'field-group' }, h('div', { class: 'group-title' }, 'Reading and writing'),
      field('Batch size', numberInput(s, 'batchSize', { min: 1, max: 1000000, placeholder: '10000' }, () => {}, 'messages'),
        { path: 'from.batch_size', hint: 'Most messages in one batch.' }),
      field('Batch timeout', numberInput(s, 'batchTimeout', { min: 1, placeholder: '1000' }, () => {}, 'ms'),
        { path: 'from.batch_timeout', hint: 'A batch that is not full is written after this long.' }),
      field('Commit interval', numberInput(s, 'commitInterval', { min: 1, placeholder: '5000' }, () => {}, 'ms'),
        { path: 'from.commit_interval', hint: 'How often written offsets are committed.' }),
      field('Character encoding', selectInput(s, 'charEncoding', ['UTF_8', 'GBK', 'GB18030', 'BIG5'], { 'aria-label': 'Character encoding' }),
        { path: 'from.char_encoding', hint: 'Message values are converted to UTF-8 before parsing.' }),
      extraKeys(s)),
    h('div', { class: 'field-group' }, h('div', { class: 'group-title' }, 'Health'),
      field('Health check window', numberInput(s, 'healthWindow', { min: 0, max: 600, placeholder: '10' }, () => {}, 's'),
        { path: 'from.health_check_window_in_second', hint: 'How far back the health (Ready, Idle, Busy, Bounce, ...) looks; 0 = 10 s.' }),
      field('Busy threshold', numberInput(s, 'busyThreshold', { min: 1, max: 100, placeholder: '100' }, () => {}, '%'),
        { path: 'from.busy_threshold', hint: 'Busy when the open batch fills this share of the batch size while the consumer lags.' }),
      field('Write error threshold', numberInput(s, 'maxErrors', { min: 0, placeholder: '0' }, () => {}, 'rows'),
        { path: 'from.max_errors_in_window', hint: 'Bounce when more rows than this were refused in the window.' })),
    h('details', { class: 'field-group sub' }, h('summary', { class: 'group-title' }, 'taosX options k2td does not have'), disabled),
    h('div', { class: 'field-group', 'data-path': 'parser.global' }, h('div', { class: 'group-title' }, 'Error policies'),
      h('p', { class: 'hint' }, 'What happens to a row that cannot be written as it is: archive it, skip it, stop the task (break), or repair it. Only changed policies are saved.'),
      policyBox),
  ], { collapsible: true, id: 'sec-advanced' });
  return sec;
}
