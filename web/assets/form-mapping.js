// form-mapping.js - the table mapping section of the task form: the target
// supertable (chosen from the database, or created from a proposal the
// server infers from the samples), the subtable name template, one rule per
// column and tag, and the preview of the mapped values and the SQL. Fills
// ctx.state.parser.mapping.
import { post } from './api.js';
import { field, section, selectInput, setOptions, textInput } from './fields.js';
import { defaultRule, setStableColumns } from './parser-json.js';
import { mappedTable, rowsAfter, sqlBlock, warningsList } from './preview.js';
import { busy, h, notice, replace, setFieldError, table, toast } from './ui.js';
import { previewButton, showPreview } from './form-payload.js';

const RULES = [['mapping', 'Mapping'], ['value', 'Value'], ['now', 'Generator: now'], ['join', 'Join'],
  ['format', 'Format'], ['sum', 'Sum'], ['expr', 'Expression'], ['none', 'Not written']];

const TYPES = ['TIMESTAMP', 'BOOL', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'TINYINT UNSIGNED',
  'SMALLINT UNSIGNED', 'INT UNSIGNED', 'BIGINT UNSIGNED', 'FLOAT', 'DOUBLE', 'VARCHAR', 'NCHAR',
  'VARBINARY', 'GEOMETRY', 'JSON', 'DECIMAL'];
const SIZED = /^(VARCHAR|BINARY|NCHAR|VARBINARY|GEOMETRY)$/;

// Returns a column's type as TDengine writes it: VARCHAR(24), DECIMAL(18, 4).
function typeText(c) {
  if (c.type === 'DECIMAL' && c.precision) return `DECIMAL(${c.precision}, ${c.scale || 0})`;
  return SIZED.test(c.type) && c.length ? `${c.type}(${c.length})` : c.type;
}

// Returns the settings of rule r for column c.
function ruleSettings(c, r) {
  const i = (key, attrs) => textInput(r, key, { 'aria-label': `${c.name} ${attrs.label}`, ...attrs });
  switch (r.rule) {
    case 'mapping':
      return h('div', { class: 'inline wrap' },
        i('source', { label: 'source field', placeholder: 'field', list: 'k2td-fields', class: 'mid' }),
        h('label', { class: 'inline-label' }, 'default', i('def', { label: 'default value', placeholder: 'none (NULL)', class: 'mid' })));
    case 'value': return i('value', { label: 'value', placeholder: 'constant', class: 'grow' });
    case 'now': return h('span', { class: 'muted' }, 'The time the batch was read.');
    case 'join':
      return h('div', { class: 'inline wrap' }, i('fields', { label: 'fields', placeholder: 'a, b', list: 'k2td-fields', class: 'mid' }),
        h('label', { class: 'inline-label' }, 'with', i('sep', { label: 'separator', placeholder: '-', class: 'char' })));
    case 'format': return i('text', { label: 'template', placeholder: '${location}-${id.pad(4, "0")}', class: 'grow mono' });
    case 'sum': return i('fields', { label: 'fields', placeholder: 'a, b', class: 'grow' });
    case 'expr': return i('text', { label: 'expression', placeholder: 'temperature * 1.8 + 32', class: 'grow mono' });
    default: return h('span', { class: 'muted' }, 'Left out: NULL.');
  }
}

// Returns the panel that proposes and creates a supertable; done(name) is
// called after it was created.
function createPanel(ctx, done) {
  const panel = h('div', { class: 'subpanel' });
  const draft = { name: '', columns: [], tags: [] };
  const rowsBox = h('div');
  const err = h('div');
  function render() {
    const all = [...draft.columns.map((c) => ({ c, list: draft.columns })), ...draft.tags.map((c) => ({ c, list: draft.tags }))];
    replace(rowsBox, table([
      { title: 'Name', cell: ({ c }) => textInput(c, 'name', { 'aria-label': 'Column name', class: 'mid' }) },
      { title: 'Type', cell: ({ c }) => {
        const len = textInput(c, 'length', { 'aria-label': 'Length', class: 'count', type: 'number', min: 1, placeholder: 'length' });
        const prec = textInput(c, 'precision', { 'aria-label': 'Precision', class: 'count', type: 'number', min: 1, max: 38, placeholder: 'digits' });
        const scale = textInput(c, 'scale', { 'aria-label': 'Scale', class: 'count', type: 'number', min: 0, max: 38, placeholder: 'scale' });
        const show = () => {
          len.hidden = !SIZED.test(c.type);
          prec.hidden = scale.hidden = c.type !== 'DECIMAL';
        };
        show();
        return h('div', { class: 'inline' }, selectInput(c, 'type', TYPES, { 'aria-label': 'Column type' }, () => {
          show();
          if (!len.hidden && !c.length) { c.length = 32; len.value = '32'; }
          if (!prec.hidden && !c.precision) { c.precision = 18; prec.value = '18'; c.scale = 4; scale.value = '4'; }
        }), len, prec, scale);
      } },
      { title: 'Kind', cell: ({ c, list }) => {
        const s = h('select', { 'aria-label': 'Column or tag' }, h('option', { value: 'column' }, 'Column'), h('option', { value: 'tag' }, 'Tag'));
        s.value = list === draft.tags ? 'tag' : 'column';
        s.addEventListener('change', () => {
          list.splice(list.indexOf(c), 1);
          (s.value === 'tag' ? draft.tags : draft.columns).push(c);
          render();
        });
        return s;
      } },
      { title: '', cell: ({ c, list }) => h('button', { type: 'button', class: 'btn icon', 'aria-label': `Remove ${c.name}`,
        onclick: () => { list.splice(list.indexOf(c), 1); render(); } }, '✕') },
    ], all, 'No column.'));
  }
  const create = h('button', { type: 'button', class: 'btn primary' }, 'Create supertable');
  create.addEventListener('click', busy(create, async () => {
    replace(err);
    const clean = (c) => {
      const o = { name: c.name.trim(), type: c.type };
      if (SIZED.test(c.type)) o.length = Number(c.length) || 0;
      if (c.type === 'DECIMAL') { o.precision = Number(c.precision) || 0; o.scale = Number(c.scale) || 0; }
      return o;
    };
    try {
      await post('/api/target/stables/create', ctx.draft({ to: ctx.toDsn(), name: draft.name.trim(),
        columns: draft.columns.map(clean), tags: draft.tags.map(clean) }));
      toast(`Supertable ${draft.name.trim()} created`, 'ok');
      panel.remove();
      done(draft.name.trim());
    } catch (e) {
      replace(err, notice('error', e.field ? `${e.field}: ${e.message}` : e.message));
    }
  }));
  const name = textInput(draft, 'name', { placeholder: 'e.g. meters', 'aria-label': 'Supertable name' });
  (async () => {
    replace(rowsBox, h('p', { class: 'muted' }, 'Inferring columns from the samples…'));
    try {
      const ans = await post('/api/target/stables/propose',
        ctx.draft({ to: ctx.toDsn(), parser: ctx.parserJson(false), samples: ctx.samples() }));
      draft.name = draft.name || ans.name || '';
      name.value = draft.name;
      draft.columns = ans.columns || [];
      draft.tags = ans.tags || [];
    } catch (e) {
      replace(err, notice('warn', `No proposal (${e.message}); add the columns by hand.`));
      draft.columns = [{ name: 'ts', type: 'TIMESTAMP' }];
    }
    render();
  })();
  const addCol = h('button', { type: 'button', class: 'btn link', onclick: () => { draft.columns.push({ name: '', type: 'DOUBLE' }); render(); } }, '+ Column');
  const addTag = h('button', { type: 'button', class: 'btn link', onclick: () => { draft.tags.push({ name: '', type: 'VARCHAR', length: 32 }); render(); } }, '+ Tag');
  return replace(panel, h('div', { class: 'subpanel-title' }, 'New supertable'),
    h('p', { class: 'hint' }, 'Names and types come from the previewed rows; the first column must be the TIMESTAMP. A supertable needs at least one tag.'),
    field('Name', name, { required: true }), rowsBox, err,
    h('div', { class: 'actions-row' }, addCol, addTag, h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'btn', onclick: () => panel.remove() }, 'Cancel'), create));
}

// Returns the table mapping section.
export function mappingSection(ctx) {
  const m = ctx.state.parser.mapping;
  let stables = [];
  const stableSelect = h('select', { 'aria-label': 'Target supertable' });
  const createBox = h('div');
  const rulesBox = h('div', { class: 'mapping-rules' });
  setOptions(stableSelect, [['', 'Choose a supertable…']], m.stable);

  // Shows one row per column and tag of the chosen supertable.
  function renderRules() {
    if (!m.stable || !m.columns.length) {
      replace(rulesBox, h('p', { class: 'muted' }, m.stable ? 'Loading the supertable…' : 'Choose or create a supertable to map its columns.'));
      return;
    }
    replace(rulesBox, table([
      { title: 'Column', cell: (c) => h('div', { class: 'col-name' }, h('strong', {}, c.name),
        h('span', { class: 'col-type' }, typeText(c)), c.tag ? h('span', { class: 'tag-mark' }, 'tag') : null) },
      { title: 'Rule', cell: (c) => {
        const r = m.rules[c.name];
        const box = h('div', { class: 'rule-cell field', 'data-path': `map:${c.name}` }, h('div', { class: 'field-body' }, ruleSettings(c, r)));
        const sel = selectInput(r, 'rule', RULES, { 'aria-label': `${c.name} rule` }, () => replace(box.firstChild, ruleSettings(c, r)));
        return h('div', { class: 'rule-line' }, sel, box);
      } },
    ], m.columns));
  }

  // Loads the supertables of the chosen database.
  async function loadStables() {
    setFieldError(stableSelect, '');
    if (!ctx.state.target.db) { setOptions(stableSelect, [['', 'Choose the database first']], m.stable); return; }
    try {
      const ans = await post('/api/target/stables', ctx.draft({ to: ctx.toDsn() }));
      stables = ans.stables || [];
      setOptions(stableSelect, [['', stables.length ? 'Choose a supertable…' : 'No supertable yet'],
        ...stables.map((s) => s.name)], m.stable);
      useStable(false);
    } catch (e) {
      setFieldError(stableSelect, `Cannot list supertables: ${e.message}`);
    }
  }

  // Takes the columns of the supertable named m.stable; fresh rules when the
  // user picked another one.
  function useStable(picked) {
    const s = stables.find((x) => x.name === m.stable);
    if (picked) m.rules = {};
    if (s) setStableColumns(m, s);
    else if (picked || !m.stable) m.columns = [];
    renderRules();
  }

  stableSelect.addEventListener('change', () => { m.stable = stableSelect.value; useStable(true); });
  ctx.on('database', loadStables);

  const createBtn = h('button', { type: 'button', class: 'btn link', onclick: () => {
    if (!ctx.state.target.db) { setFieldError(stableSelect, 'Choose the target database first.'); return; }
    replace(createBox, createPanel(ctx, async (name) => { m.stable = name; m.rules = {}; await loadStables(); }));
  } }, '+ Create supertable');

  // Why the value of column c is NULL for sample message (from the rows the
  // last stage gave and the column's rule).
  let lastDoc = null;
  const explain = (c, message) => {
    const r = m.rules[c.name] || defaultRule(c.name);
    const last = lastDoc.stages && lastDoc.stages.length ? lastDoc.stages.length - 1 : -1;
    const rows = rowsAfter(lastDoc, last).filter((x) => x.message === message);
    if (r.rule === 'none') return 'not mapped';
    if (r.rule !== 'mapping') return rows.length ? 'the rule gave no value' : '';
    const src = (r.source || c.name).toLowerCase();
    const found = rows.flatMap((x) => x.fields).filter((f) => f.name.toLowerCase() === src);
    if (!found.length) return `no field "${r.source || c.name}" in the row${r.def === '' ? ' and no default' : ''}`;
    if (found.every((f) => f.value === null)) return `field "${r.source || c.name}" is null`;
    return '';
  };
  const box = h('div', { class: 'preview-box', hidden: true, 'data-preview': 'mapping' });
  const preview = previewButton('Preview', () => showPreview(ctx, box, (doc) => {
    lastDoc = doc;
    const m = doc.owners.findIndex((o) => o.part === 'map');
    return h('div', { class: 'preview-body' },
      // names no row has, subtables that exist elsewhere or with other tags
      // (parser.model.name), and why that was not checked (to)
      warningsList(doc, ['parser.model', 'to', ...(m < 0 ? [] : [`parser.mutate[${m}].`])]),
      h('h4', {}, `Mapped rows (${(doc.mapped || []).length})`), mappedTable(doc, explain),
      h('h4', {}, 'Subtables'), h('p', { class: 'mono' }, (doc.subtables || []).join(', ') || '—'),
      h('h4', {}, 'SQL'), sqlBlock(doc.sql));
  }, true));

  renderRules();
  return section(9, 'Table mapping', 'Each row becomes one row of a subtable of the target supertable.', [
    field('Target supertable', h('div', { class: 'inline' }, stableSelect,
      h('button', { type: 'button', class: 'btn', title: 'Reload the list', onclick: loadStables }, '↻'), createBtn),
    { path: 'parser.model.using', required: true }),
    createBox,
    field('Subtable name', textInput(m, 'template', { placeholder: 't_{id}', class: 'mono' }),
      { path: 'parser.model.name', required: true, hint: 'A template over the row\'s fields: {field} or ${field}, e.g. t_{id}.' }),
    field('Mapping', rulesBox, { path: 'parser.model', wide: true }),
    h('div', { class: 'actions-row left' }, preview), box,
  ], { id: 'sec-mapping' });
}
