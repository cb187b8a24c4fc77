// dsn.js - the two DSNs of a task as the form sees them: builds the Kafka
// source DSN (kafka://brokers?key=value...) and the TDengine target DSN
// (taos+http://user:pass@host:6041/db) from form values, and reads them back
// for editing. Pure functions, no DOM.
//
// Source keys are those `k2td keys` lists. SASL and SSL go through
// librdkafka's own properties (k2td passes every key holding a '.' to
// librdkafka), since k2td does not read taosX's sasl_* / ca keys. Keys the
// form does not know are kept in `extra` and written back unchanged.

// Characters left as they are in a DSN query value (as k2td prints them).
const PLAIN = /[A-Za-z0-9\-._~,:/@*]/;

// Returns s with every other byte percent-encoded (UTF-8).
export function encodeValue(s) {
  let out = '';
  for (const ch of String(s)) {
    if (PLAIN.test(ch)) { out += ch; continue; }
    for (const b of new TextEncoder().encode(ch)) out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

// Returns s percent-decoded, or s itself when it holds a bad escape.
export function decodeValue(s) {
  try {
    return decodeURIComponent(s);
  } catch (e) {
    return s;
  }
}

const UNITS = [['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000], ['ms', 1]];

// Returns a duration text ("100ms", "5s", "1h30m", "1500") in milliseconds,
// 0 for "never"/"-1...", or null when it does not parse.
export function durationToMs(text) {
  const t = String(text).trim().toLowerCase();
  if (t === 'never' || /^-1(ms|s|m|h|d)?$/.test(t)) return 0;
  if (/^\d+$/.test(t)) return Number(t);
  const re = /(\d+)(ms|s|m|h|d)/g;
  let ms = 0, at = 0, m;
  while ((m = re.exec(t)) !== null) {
    if (m.index !== at) return null;
    ms += Number(m[1]) * UNITS.find((u) => u[0] === m[2])[1];
    at = re.lastIndex;
  }
  return at === t.length && at > 0 ? ms : null;
}

// Returns ms (an integer >= 0) as the shortest duration text: "0", "250ms",
// "5s", "1h30m".
export function msToDuration(ms) {
  let left = Math.max(0, Math.floor(Number(ms) || 0));
  if (left === 0) return '0';
  let out = '';
  for (const [unit, size] of UNITS) {
    if (left >= size) {
      out += Math.floor(left / size) + unit;
      left %= size;
    }
  }
  return out;
}

// Returns the group or client id k2td generates: prefix, then the task id
// when withTaskId (that id's switch), then text; "" when text is empty (the
// id is unset).
export function generatedId(prefix, withTaskId, taskId, text) {
  if (!text) return '';
  return `${prefix}${withTaskId ? taskId : ''}${text}`;
}

// Defaults of the source form (as k2td's key table gives them).
export const SOURCE_DEFAULTS = Object.freeze({
  idPrefix: 'taosx', offset: 'earliest', timeout: '0', fetchMaxWait: '100',
  batchSize: '10000', batchTimeout: '1000', commitInterval: '5000', charEncoding: 'UTF_8',
});

// Returns a fresh source form value.
export function emptySource() {
  return {
    brokers: [{ host: '', port: '9092' }],
    topics: '', group: '', clientId: '', groupWithTaskId: false, clientIdWithTaskId: false,
    idPrefix: null,
    offset: 'earliest', startTime: '', timeout: '0', fetchMaxWait: '100',
    batchSize: '', batchTimeout: '', commitInterval: '', charEncoding: 'UTF_8',
    healthWindow: '', busyThreshold: '', maxErrors: '',
    sasl: { enabled: false, mechanism: 'PLAIN', username: '', password: '', serviceName: 'kafka',
      principal: '', kinitCmd: '', keytab: '' },
    ssl: { enabled: false, ca: '', cert: '', certKey: '', keyPassword: '' },
    extra: [],
  };
}

// Returns an upload reference ("@upload:7", from /api/uploads) as the
// value of a librdkafka file property ("upload:7"); the service resolves it.
function refPath(ref) {
  return ref.startsWith('@') ? ref.slice(1) : ref;
}

// Returns the source DSN for form value s. Durations are in milliseconds
// (text as typed); empty optional values are left out so k2td's defaults
// apply.
export function buildFrom(s) {
  const brokers = s.brokers.map((b) => `${b.host.trim()}:${String(b.port).trim()}`).join(',');
  const q = [];
  const add = (k, v) => q.push(`${k}=${encodeValue(v)}`);
  add('topics', s.topics.split(',').map((t) => t.trim()).filter(Boolean).join(','));
  if (s.group.trim()) add('group', s.group.trim());
  if (s.clientId.trim()) add('client_id', s.clientId.trim());
  if (s.idPrefix !== null) add('id_prefix', s.idPrefix);
  // one switch per id; both on is taosX's with_task_id
  if (s.groupWithTaskId && s.clientIdWithTaskId) add('with_task_id', 'true');
  else if (s.groupWithTaskId) add('group_with_task_id', 'true');
  else if (s.clientIdWithTaskId) add('client_id_with_task_id', 'true');
  add('fallback_offset', s.offset);
  if (s.offset === 'bytime' && s.startTime) add('start_time', s.startTime);
  const dur = (k, v) => { if (String(v).trim() !== '') add(k, msToDuration(v)); };
  dur('timeout', s.timeout === '' ? '0' : s.timeout);
  dur('fetch_max_wait_time', s.fetchMaxWait);
  if (String(s.batchSize).trim()) add('batch_size', String(s.batchSize).trim());
  dur('batch_timeout', s.batchTimeout);
  dur('commit_interval', s.commitInterval);
  if (s.charEncoding && s.charEncoding !== 'UTF_8') add('char_encoding', s.charEncoding);
  if (String(s.healthWindow).trim()) add('health_check_window_in_second', String(s.healthWindow).trim());
  if (String(s.busyThreshold).trim()) add('busy_threshold', `${String(s.busyThreshold).trim()}%`);
  if (String(s.maxErrors).trim()) add('max_errors_in_window', String(s.maxErrors).trim());
  const { sasl, ssl } = s;
  if (sasl.enabled || ssl.enabled) {
    add('security.protocol', sasl.enabled ? (ssl.enabled ? 'sasl_ssl' : 'sasl_plaintext') : 'ssl');
  }
  if (sasl.enabled) {
    add('sasl.mechanisms', sasl.mechanism);
    if (sasl.mechanism === 'GSSAPI') {
      if (sasl.serviceName) add('sasl.kerberos.service.name', sasl.serviceName);
      if (sasl.principal) add('sasl.kerberos.principal', sasl.principal);
      if (sasl.kinitCmd) add('sasl.kerberos.kinit.cmd', sasl.kinitCmd);
      if (sasl.keytab) add('sasl.kerberos.keytab', refPath(sasl.keytab));
    } else {
      add('sasl.username', sasl.username);
      add('sasl.password', sasl.password);
    }
  }
  if (ssl.enabled) {
    if (ssl.ca) add('ssl.ca.location', refPath(ssl.ca));
    if (ssl.cert) add('ssl.certificate.location', refPath(ssl.cert));
    if (ssl.certKey) add('ssl.key.location', refPath(ssl.certKey));
    if (ssl.keyPassword) add('ssl.key.password', ssl.keyPassword);
  }
  for (const [k, v] of s.extra) add(k, v);
  return `kafka://${brokers}?${q.join('&')}`;
}

// Returns the form value of source DSN text (what the form cannot show
// stays in .extra, in order).
export function parseFrom(dsn) {
  const s = emptySource();
  const m = /^kafka:\/\/([^/?]*)\/?(?:\?(.*))?$/i.exec(dsn || '');
  if (!m) return s;
  s.brokers = m[1].split(',').filter(Boolean).map((b) => {
    const at = b.lastIndexOf(':');
    return at > 0 ? { host: b.slice(0, at), port: b.slice(at + 1) } : { host: b, port: '' };
  });
  if (!s.brokers.length) s.brokers = [{ host: '', port: '9092' }];
  const ms = (v) => { const n = durationToMs(v); return n === null ? v : String(n); };
  let protocol = '';
  for (const part of (m[2] || '').split('&').filter(Boolean)) {
    const eq = part.indexOf('=');
    const k = decodeValue(eq < 0 ? part : part.slice(0, eq));
    const v = eq < 0 ? '' : decodeValue(part.slice(eq + 1));
    switch (k) {
      case 'topics': s.topics = v; break;
      case 'group': s.group = v; break;
      case 'client_id': s.clientId = v; break;
      case 'id_prefix': s.idPrefix = v; break;
      case 'with_task_id':
        if (isTrue(v)) s.groupWithTaskId = s.clientIdWithTaskId = true;
        break;
      case 'group_with_task_id': s.groupWithTaskId ||= isTrue(v); break;
      case 'client_id_with_task_id': s.clientIdWithTaskId ||= isTrue(v); break;
      case 'fallback_offset': s.offset = normalOffset(v); break;
      case 'start_time': s.startTime = v; s.offset = 'bytime'; break;
      case 'timeout': s.timeout = ms(v); break;
      case 'fetch_max_wait_time': s.fetchMaxWait = ms(v); break;
      case 'batch_size': s.batchSize = v; break;
      case 'batch_timeout': s.batchTimeout = ms(v); break;
      case 'commit_interval': s.commitInterval = ms(v); break;
      case 'char_encoding': s.charEncoding = v.toUpperCase(); break;
      case 'health_check_window_in_second': s.healthWindow = v; break;
      case 'busy_threshold': s.busyThreshold = v.replace(/%$/, ''); break;
      case 'max_errors_in_window': s.maxErrors = v; break;
      case 'security.protocol': protocol = v.toLowerCase(); break;
      case 'sasl.mechanisms': case 'sasl.mechanism': s.sasl.mechanism = v.toUpperCase(); break;
      case 'sasl.username': s.sasl.username = v; break;
      case 'sasl.password': s.sasl.password = v; break;
      case 'sasl.kerberos.service.name': s.sasl.serviceName = v; break;
      case 'sasl.kerberos.principal': s.sasl.principal = v; break;
      case 'sasl.kerberos.kinit.cmd': s.sasl.kinitCmd = v; break;
      case 'sasl.kerberos.keytab': s.sasl.keytab = '@' + v; break;
      case 'ssl.ca.location': s.ssl.ca = '@' + v; break;
      case 'ssl.certificate.location': s.ssl.cert = '@' + v; break;
      case 'ssl.key.location': s.ssl.certKey = '@' + v; break;
      case 'ssl.key.password': s.ssl.keyPassword = v; break;
      default: s.extra.push([k, v]);
    }
  }
  s.sasl.enabled = protocol.startsWith('sasl');
  s.ssl.enabled = protocol === 'ssl' || protocol === 'sasl_ssl';
  return s;
}

// Returns whether a DSN boolean is true (as k2td reads them).
function isTrue(v) {
  return /^(true|yes|on|1)$/i.test(v);
}

// Returns k2td's canonical name of a fallback_offset value (taosX's aliases
// included).
function normalOffset(v) {
  const t = v.toLowerCase();
  if (['smallest', 'beginning', 'earliest'].includes(t)) return 'earliest';
  if (['largest', 'end', 'latest'].includes(t)) return 'latest';
  return t;
}

// Returns a fresh target form value.
export function emptyTarget() {
  return { scheme: 'taos+http', host: '127.0.0.1', port: '6041', user: 'root', password: '', db: '' };
}

// Returns the target DSN for t; the database is left out when db is
// omitted or empty (for listing databases before one is chosen).
export function buildTo(t, db = t.db) {
  const host = t.host.includes(':') && !t.host.startsWith('[') ? `[${t.host}]` : t.host;
  const cred = `${encodeURIComponent(t.user)}:${encodeURIComponent(t.password)}@`;
  return `${t.scheme}://${cred}${host.trim()}:${String(t.port).trim() || '6041'}` +
    (db ? `/${db}` : '');
}

// Returns the form value of target DSN text (password as the server gave
// it, "******" when redacted).
export function parseTo(dsn) {
  const t = emptyTarget();
  const m = /^((?:taos\+)?https?):\/\/(?:(.*)@)?(\[[^\]]*\]|[^:/]*)(?::(\d+))?(?:\/([^/?]*))?/i
    .exec(dsn || '');
  if (!m) return t;
  t.scheme = m[1].toLowerCase().startsWith('taos+') ? m[1].toLowerCase() : `taos+${m[1].toLowerCase()}`;
  if (m[2] !== undefined) {
    const colon = m[2].indexOf(':');
    t.user = decodeValue(colon < 0 ? m[2] : m[2].slice(0, colon));
    t.password = colon < 0 ? '' : decodeValue(m[2].slice(colon + 1));
  }
  t.host = m[3].replace(/^\[|\]$/g, '');
  t.port = m[4] || '6041';
  t.db = m[5] || '';
  return t;
}
