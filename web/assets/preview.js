// preview.js - shows parts of a preview document (POST /api/preview, the
// layout of src/engine/preview.h) as tables: parsed rows, the rows after a
// mutate stage with the rows it dropped and why, messages that did not
// parse, the mapped values (with why a value is NULL or a row refused),
// the subtables and the SQL.
import { h, table } from './ui.js';

// Returns the node showing one FIELD value.
function valueCell(f) {
  if (!f) return h('span', { class: 'v-missing', title: 'no such field in this row' }, '—');
  if (f.value === null || f.type === 'null') return h('span', { class: 'v-null' }, 'NULL');
  return h('span', { class: `v v-${f.type}`, title: f.type }, String(f.value));
}

// Returns the field names of rows in first-seen order.
export function fieldNames(rows) {
  const names = [];
  for (const r of rows) for (const f of r.fields) if (!names.includes(f.name)) names.push(f.name);
  return names;
}

// Returns a table of ROWs: the sample number, then one column per field.
export function rowsTable(rows, empty = 'No rows.') {
  const names = fieldNames(rows);
  const cols = [{ title: '#', class: 'num-col', cell: (r) => String(r.message + 1) },
    ...names.map((n) => ({ title: n, cell: (r) => valueCell(r.fields.find((f) => f.name === n)) }))];
  return table(cols, rows, empty);
}

// Returns the preview's warnings (names no sample row has, subtables that
// already exist under another supertable or with other tags) whose path
// starts with one of prefixes, as a list; null when there is none.
export function warningsList(doc, prefixes) {
  const ws = (doc.warnings || []).filter((w) => prefixes.some((p) => w.path.startsWith(p)));
  if (!ws.length) return null;
  return h('ul', { class: 'problems warnings' }, ws.map((w) => h('li', {}, w.message)));
}

// Returns a list of the samples that did not parse (nothing when all did).
export function messageErrors(doc) {
  const bad = (doc.messages || []).filter((m) => m.error);
  if (!bad.length) return null;
  return h('ul', { class: 'problems' }, bad.map((m) => h('li', {},
    h('strong', {}, `Sample ${m.message + 1} did not parse: `), m.error)));
}

// Returns the rows dropped by stages (a list of stage objects) with the
// reason, or null when none was dropped.
export function droppedTable(stages) {
  const rows = stages.flatMap((s) => (s.dropped || []).map((d) => ({ ...d, stage: s })));
  if (!rows.length) return null;
  return h('div', { class: 'dropped' },
    h('h4', {}, `Dropped rows (${rows.length})`),
    table([
      { title: '#', class: 'num-col', cell: (d) => String(d.message + 1) },
      { title: 'Stage', cell: (d) => `${d.stage.kind} ${d.stage.stage + 1}` },
      { title: 'Reason', class: 'reason', cell: (d) => d.reason },
      { title: 'Row', class: 'row-text', cell: (d) => (d.fields || []).map((f) =>
        `${f.name}=${f.value === null ? 'NULL' : f.value}`).join(', ') },
    ], rows));
}

// Returns the rows after stage index i of doc (the parsed rows for i < 0).
export function rowsAfter(doc, i) {
  if (i < 0) return doc.parsed || [];
  return (doc.stages && doc.stages[i] && doc.stages[i].rows) || [];
}

// Returns a view of doc's stages owned by indexes (stage numbers): the rows
// after the last of them and what each dropped.
export function stagesView(doc, indexes, emptyText) {
  const stages = indexes.map((i) => doc.stages[i]).filter(Boolean);
  const last = indexes.length ? indexes[indexes.length - 1] : -1;
  const rows = rowsAfter(doc, last);
  return h('div', { class: 'preview-body' },
    h('h4', {}, `Rows after this step (${rows.length})`),
    rowsTable(rows, emptyText),
    droppedTable(stages));
}

// Returns the mapped values of doc as a table: sample, subtable, each
// column and tag; a refused row shows its error across the row. explain(col,
// message) returns why a NULL value is NULL (or "").
export function mappedTable(doc, explain = () => '') {
  const mapped = doc.mapped || [];
  const okRow = mapped.find((m) => !m.error);
  const cols = okRow ? [...okRow.columns.map((c) => ({ ...c, tag: false })),
    ...(okRow.tags || []).map((c) => ({ ...c, tag: true }))] : [];
  const head = h('tr', {}, h('th', { class: 'num-col' }, '#'), h('th', {}, 'Subtable'),
    cols.map((c) => h('th', { class: c.tag ? 'tag-col' : null },
      c.name, h('span', { class: 'col-type' }, c.type), c.tag ? h('span', { class: 'tag-mark' }, 'tag') : null)));
  const body = h('tbody');
  if (!mapped.length) body.append(h('tr', { class: 'empty' }, h('td', { colspan: cols.length + 2 }, 'No row reaches the table.')));
  for (const m of mapped) {
    if (m.error) {
      body.append(h('tr', { class: 'row-error' }, h('td', { class: 'num-col' }, String(m.message + 1)),
        h('td', { colspan: cols.length + 1 }, h('strong', {}, 'Not written: '), m.error)));
      continue;
    }
    const values = [...m.columns, ...(m.tags || [])];
    body.append(h('tr', {}, h('td', { class: 'num-col' }, String(m.message + 1)),
      h('td', { class: 'mono' }, m.subtable || ''),
      cols.map((c) => {
        const v = values.find((x) => x.name === c.name);
        const isNull = !v || v.value === null || v.value === 'NULL';
        if (!isNull) return h('td', { class: 'mono' }, String(v.value));
        const why = explain(c, m.message);
        return h('td', { class: 'mono' }, h('span', { class: 'v-null', title: why || null }, 'NULL'),
          why ? h('div', { class: 'null-why' }, why) : null);
      })));
  }
  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid mapped' }, h('thead', {}, head), body));
}

// Returns the SQL statements as a code block.
export function sqlBlock(sql) {
  if (!sql || !sql.length) return h('p', { class: 'muted' }, 'No SQL: no row would be written.');
  return h('pre', { class: 'sql' }, sql.join(';\n\n') + ';');
}
