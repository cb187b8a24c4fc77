// parser-json.js - the task's parser JSON (taosX's format, as k2td reads it:
// src/task/parser_config.h, src/transform/pipeline.h) built from the form's
// parts and read back for editing. Pure functions, no DOM.
//
// The form has four parts that become the parser: how the message value is
// parsed (parse.value), the extract/split rules and the filter rules
// (mutate, in that order), and the table mapping (a map stage and model).
// The advanced options' error policies become `global`. Parser keys the
// form does not show (rules, s_model, ...) are kept and written back.

// Returns a fresh parse value: auto JSON.
export function emptyParse() {
  return {
    kind: 'json', jsonMode: 'auto', jsonFields: '', regex: '', csvMode: 'header',
    csvNames: '', csvDelimiter: ',', csvQuote: '"', udt: '', pluginName: '', pluginConfig: '',
  };
}

// Returns a new extract rule of the given kind.
export function newExtract(kind = 'split') {
  return { field: '', kind, separator: '-', count: '2', regex: '', convert: '', };
}

// Returns a fresh mapping value: no supertable chosen, no rules.
export function emptyMapping() {
  return { stable: '', template: '', columns: [], rules: {} };
}

// Returns the mapping rule a column gets when nothing says otherwise: its
// field of the same name.
export function defaultRule(name) {
  return { rule: 'mapping', source: name, def: '', value: '', fields: '', sep: '', text: '' };
}

const NUMERIC = /^(TINYINT|SMALLINT|INT|BIGINT|FLOAT|DOUBLE|DECIMAL)/i;

// Returns text as the JSON value a column of type expects: a number for
// numeric columns when it is one (and safe), a bool for BOOL, else text.
export function typedValue(text, type) {
  const t = String(text);
  if (NUMERIC.test(type || '') && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(t.trim())) {
    const n = Number(t);
    if (Number.isFinite(n) && (!Number.isInteger(n) || Number.isSafeInteger(n))) return n;
  }
  if (/^BOOL/i.test(type || '') && /^(true|false)$/i.test(t.trim())) return t.trim().toLowerCase() === 'true';
  return t;
}

// Returns the list of field names in comma-separated text.
function list(text) {
  return String(text).split(',').map((s) => s.trim()).filter(Boolean);
}

// Returns parse.value for form part p.
export function buildParse(p) {
  switch (p.kind) {
    case 'regex': return { regex: p.regex };
    case 'csv': {
      const csv = { delimiter: p.csvDelimiter || ',', quote: p.csvQuote || '"' };
      if (p.csvMode === 'names') csv.names = list(p.csvNames);
      else csv.header = true;
      return { csv };
    }
    case 'udt': return { udt: p.udt };
    case 'plugin': return { plugin: { name: p.pluginName, config: p.pluginConfig } };
    default: {
      const specs = p.jsonMode === 'fields'
        ? p.jsonFields.split('\n').map((s) => s.trim()).filter(Boolean) : [];
      return { json: specs.length ? specs : '' };
    }
  }
}

// Returns the extract object of rule e ({"<field>": {...}}), or throws an
// Error naming what is wrong with a convert table.
function buildExtract(e) {
  let spec;
  switch (e.kind) {
    case 'regex': spec = { regex: e.regex }; break;
    case 'json': spec = { json: '' }; break;
    case 'convert': {
      let table;
      try {
        table = e.convert.trim() ? JSON.parse(e.convert) : {};
      } catch (err) {
        throw new Error('the lookup table is not valid JSON');
      }
      spec = { convert: table };
      break;
    }
    default: {
      const n = Number(e.count);
      spec = { split: { separator: e.separator, count: Number.isInteger(n) ? n : e.count } };
    }
  }
  return { [e.field.trim()]: spec };
}

// Returns the map entry for column rule r (of a column named name and of
// type type), or null when the column is filled by its own field unchanged.
function buildMapEntry(name, type, r) {
  let entry;
  switch (r.rule) {
    case 'value': entry = { value: typedValue(r.value, type) }; break;
    case 'now': entry = { generator: 'now' }; break;
    case 'join': entry = { join: list(r.fields), with: r.sep }; break;
    case 'format': entry = { format: r.text }; break;
    case 'sum': entry = { sum: list(r.fields) }; break;
    case 'expr': entry = { expr: r.text }; break;
    case 'mapping': {
      const source = r.source.trim() || name;
      if (source === name && r.def === '' && !r.as) return null;
      entry = { cast: source };
      if (r.def !== '') entry.default = typedValue(r.def, type);
      break;
    }
    default: return null;
  }
  if (r.as) entry.as = r.as;
  return entry;
}

// Returns the model and map stage entries for mapping m, or {model: null}
// when no supertable is chosen. Rules of fields that are not columns (kept
// from an edited task) are written too: a name template may use them.
function buildModel(m) {
  if (!m.stable) return { model: null, map: {} };
  const map = {};
  const columns = [], tags = [];
  for (const col of m.columns) {
    const r = m.rules[col.name] || defaultRule(col.name);
    if (r.rule === 'none') continue;
    (col.tag ? tags : columns).push(col.name);
    const entry = buildMapEntry(col.name, col.type, r);
    if (entry) map[col.name] = entry;
  }
  const known = new Set(m.columns.map((c) => c.name));
  for (const [name, r] of Object.entries(m.rules)) {
    if (known.has(name) || !m.columns.length) continue;
    const entry = buildMapEntry(name, '', r);
    if (entry) map[name] = entry;
  }
  const model = { name: m.template, using: m.stable };
  if (m.columns.length) {
    model.columns = columns;
    if (tags.length) model.tags = tags;
  }
  return { model, map };
}

// Returns {parser, owners}: the parser JSON for the form value f ({parse,
// extracts, filters, mapping, policies, extra}) and, for each mutate stage,
// which form part made it ({part: "extract", index} | {part: "filter"} |
// {part: "map"}) so server errors can be shown beside the right rule.
// withModel false leaves the model (and the map stage) out. Throws an Error
// with .part/.index for a rule that cannot be written as JSON.
export function buildParser(f, withModel = true) {
  const parser = { ...f.extra, parse: { value: buildParse(f.parse) } };
  const mutate = [], owners = [];
  f.extracts.forEach((e, index) => {
    try {
      mutate.push({ extract: buildExtract(e) });
    } catch (err) {
      err.part = 'extract';
      err.index = index;
      throw err;
    }
    owners.push({ part: 'extract', index });
  });
  const filters = f.filters.map((x) => x.trim()).filter(Boolean);
  if (filters.length) {
    mutate.push({ filter: filters });
    owners.push({ part: 'filter' });
  }
  const { model, map } = withModel ? buildModel(f.mapping) : { model: null, map: {} };
  if (Object.keys(map).length) {
    mutate.push({ map });
    owners.push({ part: 'map' });
  }
  if (mutate.length) parser.mutate = mutate;
  if (model) parser.model = model;
  if (f.policies && Object.keys(f.policies).length) parser.global = f.policies;
  return { parser, owners };
}

// Returns the form part for parse.value v.
function readParse(v) {
  const p = emptyParse();
  if (!v || typeof v !== 'object') return p;
  if ('regex' in v) { p.kind = 'regex'; p.regex = String(v.regex); }
  else if ('csv' in v) {
    const c = v.csv || {};
    p.kind = 'csv';
    p.csvMode = Array.isArray(c.names) ? 'names' : 'header';
    p.csvNames = (c.names || []).join(', ');
    p.csvDelimiter = c.delimiter || ',';
    p.csvQuote = c.quote || '"';
  } else if ('udt' in v) { p.kind = 'udt'; p.udt = String(v.udt); }
  else if ('plugin' in v) {
    p.kind = 'plugin';
    p.pluginName = (v.plugin && v.plugin.name) || '';
    p.pluginConfig = (v.plugin && v.plugin.config) || '';
  } else if (Array.isArray(v.json) && v.json.length && !(v.json.length === 1 && v.json[0] === '')) {
    p.jsonMode = 'fields';
    p.jsonFields = v.json.join('\n');
  }
  return p;
}

// Returns the form rule for map entry e.
function readMapEntry(e) {
  const r = defaultRule('');
  if ('cast' in e) { r.source = String(e.cast); r.def = 'default' in e ? String(e.default) : ''; }
  else if ('value' in e) { r.rule = 'value'; r.value = String(e.value); }
  else if ('generator' in e) r.rule = 'now';
  else if ('join' in e) { r.rule = 'join'; r.fields = (e.join || []).join(', '); r.sep = e.with || ''; }
  else if ('format' in e) { r.rule = 'format'; r.text = String(e.format); }
  else if ('sum' in e) { r.rule = 'sum'; r.fields = (e.sum || []).join(', '); }
  else if ('expr' in e) { r.rule = 'expr'; r.text = String(e.expr); }
  if (e.as) r.as = e.as;
  return r;
}

// Returns {form, samples, reordered, models} for a parser JSON: the form
// value, the samples an Explorer wrapper carried, whether mutate's stages
// were in an order the form does not keep (extract, then filter, then map),
// and how many models it had (the form shows the first).
export function readParser(json) {
  let root = json || {};
  const samples = [];
  if (root.parser && typeof root.parser === 'object') {
    for (const i of root.input || []) if (i && i.value !== undefined) samples.push(String(i.value));
    root = root.parser;
  }
  const { parse, mutate, model, global: policies, ...extra } = root;
  const form = {
    parse: readParse(parse && parse.value), extracts: [], filters: [], mapping: emptyMapping(),
    policies: policies ? JSON.parse(JSON.stringify(policies)) : {}, extra,
  };
  let reordered = false, last = 0;
  const rank = { extract: 1, filter: 2, map: 3 };
  for (const stage of mutate || []) {
    const kind = Object.keys(stage)[0];
    if (rank[kind] < last) reordered = true;
    last = Math.max(last, rank[kind] || 0);
    if (kind === 'extract') {
      for (const [field, spec] of Object.entries(stage.extract)) {
        const kindOf = Object.keys(spec)[0];
        const e = newExtract(kindOf);
        e.field = field;
        if (kindOf === 'split') { e.separator = spec.split.separator ?? ''; e.count = String(spec.split.count ?? ''); }
        if (kindOf === 'regex') e.regex = String(spec.regex);
        if (kindOf === 'convert') e.convert = JSON.stringify(spec.convert, null, 1);
        form.extracts.push(e);
      }
    } else if (kind === 'filter') {
      form.filters.push(...(Array.isArray(stage.filter) ? stage.filter : [stage.filter]));
    } else if (kind === 'map') {
      for (const [target, e] of Object.entries(stage.map)) form.mapping.rules[target] = readMapEntry(e);
    }
  }
  const m = Array.isArray(model) ? model[0] : model;
  const models = Array.isArray(model) ? model.length : (model ? 1 : 0);
  if (m) {
    form.mapping.stable = m.using || '';
    form.mapping.template = m.name || '';
    form.mapping.listed = [...(m.columns || []), ...(m.tags || [])];
    form.mapping.hasList = Array.isArray(m.columns);
  }
  return { form, samples, reordered, models };
}

// Sets the columns of mapping m from a supertable ({columns, tags} as
// /api/target/stables gives them) and gives each column without a rule its
// default: its own field, or none when an edited task's model did not list
// it.
export function setStableColumns(m, stable) {
  m.columns = [...stable.columns.map((c) => ({ ...c, tag: false })),
    ...stable.tags.map((c) => ({ ...c, tag: true }))];
  for (const c of m.columns) {
    if (m.rules[c.name]) continue;
    m.rules[c.name] = defaultRule(c.name);
    if (m.hasList && !m.listed.includes(c.name)) m.rules[c.name].rule = 'none';
  }
  m.hasList = false;
}
