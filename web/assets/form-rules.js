// form-rules.js - the extract/split and filter sections of the task form:
// lists of rules with add and delete, each with a preview of the rows after
// it and the rows it dropped (with the reason). Fills
// ctx.state.parser.extracts and .filters; each rule's field carries the
// data-path "extract:<i>" or "filter:<i>" that server errors are mapped to.
import { field, numberInput, section, selectInput, textArea, textInput } from './fields.js';
import { newExtract } from './parser-json.js';
import { droppedTable, stagesView, warningsList } from './preview.js';
import { h, replace } from './ui.js';
import { previewButton, showPreview } from './form-payload.js';

const KINDS = [['split', 'Split'], ['regex', 'Regex'], ['convert', 'Convert'], ['json', 'JSON']];

// Returns the settings of extract rule e (they depend on its kind).
function extractSettings(e) {
  switch (e.kind) {
    case 'regex':
      return field('Pattern', textInput(e, 'regex', { class: 'mono', placeholder: '^(?<voltage>[0-9]+)(?<unit>[a-zA-Z]+)$' }),
        { hint: 'Each named group becomes a string field.' });
    case 'convert':
      return field('Lookup table', textArea(e, 'convert', { rows: 3, class: 'mono', placeholder: '{"bj": "beijing", "sh": "shanghai"}' }),
        { hint: 'JSON object: a value found on the left is replaced by the one on the right.' });
    case 'json':
      return h('p', { class: 'hint' }, 'The field holds JSON text: its keys become fields (nested ones joined with _).');
    default: {
      const out = h('code', { class: 'generated' });
      const show = () => {
        const n = Number(e.count);
        const f = e.field.trim() || 'field';
        out.textContent = Number.isInteger(n) && n > 0
          ? (n <= 3 ? [...Array(n).keys()].map((i) => `${f}_${i}`).join(', ') : `${f}_0 … ${f}_${n - 1}`) : '—';
      };
      show();
      e.showSplit = show;
      return h('div', { class: 'inline wrap' },
        h('label', { class: 'inline-label' }, 'separator', textInput(e, 'separator', { class: 'char', 'aria-label': 'Separator' })),
        h('label', { class: 'inline-label' }, 'number', numberInput(e, 'count', { min: 1, class: 'count', 'aria-label': 'Number of parts' }, show)),
        h('span', { class: 'muted' }, 'gives '), out);
    }
  }
}

// Returns the extract/split section.
export function extractSection(ctx) {
  const rules = ctx.state.parser.extracts;
  const list = h('div', { class: 'rules' });
  function render() {
    replace(list, rules.length ? rules.map((e, i) => {
      const settings = h('div', { class: 'rule-settings' }, extractSettings(e));
      const kind = selectInput(e, 'kind', KINDS, { 'aria-label': `Rule ${i + 1} kind` }, () => replace(settings, extractSettings(e)));
      const src = textInput(e, 'field', { placeholder: 'field', list: 'k2td-fields', 'aria-label': `Rule ${i + 1} field` },
        () => e.showSplit && e.showSplit());
      return h('div', { class: 'rule field', 'data-path': `extract:${i}` },
        h('div', { class: 'rule-head' }, h('span', { class: 'rule-num' }, String(i + 1)), src, kind,
          h('button', { type: 'button', class: 'btn link danger', onclick: () => { rules.splice(i, 1); render(); } }, 'Delete')),
        h('div', { class: 'field-body' }, settings));
    }) : h('p', { class: 'muted empty-rules' }, 'No rule: fields go on as parsed.'));
  }
  render();
  const box = h('div', { class: 'preview-box', hidden: true, 'data-preview': 'extract' });
  const preview = previewButton('Preview', () => showPreview(ctx, box, (doc) =>
    stagesView(doc, doc.owners.flatMap((o, k) => (o.part === 'extract' ? [k] : [])), 'No row.')));
  const add = h('button', { type: 'button', class: 'btn link', onclick: () => { rules.push(newExtract()); render(); } }, '+ Add');
  return section(7, 'Extract or split from columns', 'Split a field on a separator (message → message_0, message_1), pick parts with a regex, replace values through a lookup table, or parse a field holding JSON.',
    [list, h('div', { class: 'actions-row left' }, add, preview), box], { id: 'sec-extract' });
}

// Returns the filter section.
export function filterSection(ctx) {
  const rules = ctx.state.parser.filters;
  const list = h('div', { class: 'rules' });
  function render() {
    replace(list, rules.length ? rules.map((_, i) => h('div', { class: 'rule field', 'data-path': `filter:${i}` },
      h('div', { class: 'rule-head' }, h('span', { class: 'rule-num' }, String(i + 1)),
        textInput(rules, i, { class: 'mono grow', placeholder: 'id != 1', 'aria-label': `Filter ${i + 1}` }),
        h('button', { type: 'button', class: 'btn link danger', onclick: () => { rules.splice(i, 1); render(); } }, 'Delete')),
      h('div', { class: 'field-body' }))) : h('p', { class: 'muted empty-rules' }, 'No filter: every row is written.'));
  }
  render();
  const box = h('div', { class: 'preview-box', hidden: true, 'data-preview': 'filter' });
  const preview = previewButton('Preview', () => showPreview(ctx, box, (doc) => {
    const k = doc.owners.findIndex((o) => o.part === 'filter');
    if (k < 0) return h('p', { class: 'muted' }, 'No filter rule.');
    const kept = doc.stages[k] ? doc.stages[k].rows.length : 0;
    return h('div', {}, warningsList(doc, [`parser.mutate[${k}].`]),
      stagesView(doc, [k], 'Every row was filtered out.'),
      droppedTable([doc.stages[k]]) ? null : h('p', { class: 'muted' }, `No row dropped; ${kept} kept.`));
  }));
  const add = h('button', { type: 'button', class: 'btn link', onclick: () => { rules.push(''); render(); } }, '+ Add');
  return section(8, 'Filter', h('span', {}, 'Only rows for which every expression is true are written, e.g. ',
    h('code', {}, 'id != 1'), ' or ', h('code', {}, 'location.starts_with("beijing") && voltage > 200'), '.'),
  [list, h('div', { class: 'actions-row left' }, add, preview), box], { id: 'sec-filter' });
}
