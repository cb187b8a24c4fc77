// fields.js - form controls bound to a plain object: each control shows
// obj[key] and writes it back on input, then calls onChange. A field is a
// label beside (or, in a narrow window, above) its control, with an
// optional hint; its data-path is the JSON path a server error names, so the
// message can be shown beside it (see task-form.js).
import { h } from './ui.js';

let nextId = 0;

// Returns a unique element id.
export function uid(prefix = 'f') {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

// Returns a labelled field. opts: hint (text under the control), path (JSON
// path for server errors), required (a marker after the label), wide (the
// control takes the whole row), extra (nodes after the control).
export function field(label, control, opts = {}) {
  const inputs = control.matches && control.matches('input,select,textarea')
    ? [control] : [...control.querySelectorAll('input,select,textarea')];
  if (inputs.length && !inputs[0].id) inputs[0].id = uid();
  const forId = inputs.length ? inputs[0].id : null;
  return h('div', { class: `field${opts.wide ? ' wide' : ''}`, 'data-path': opts.path || null },
    h('label', { class: 'field-label', for: forId },
      label, opts.required ? h('span', { class: 'req', 'aria-hidden': 'true' }, '*') : null),
    h('div', { class: 'field-body' }, control, opts.extra || null,
      opts.hint ? h('div', { class: 'hint' }, opts.hint) : null));
}

// Returns a text input bound to obj[key]. attrs go to the input.
export function textInput(obj, key, attrs = {}, onChange = () => {}) {
  const el = h('input', { type: 'text', autocomplete: 'off', spellcheck: 'false', ...attrs,
    value: obj[key] ?? '' });
  el.addEventListener('input', () => { obj[key] = el.value; onChange(el.value); });
  return el;
}

// Returns a password input bound to obj[key].
export function passwordInput(obj, key, attrs = {}, onChange = () => {}) {
  return textInput(obj, key, { type: 'password', autocomplete: 'new-password', ...attrs }, onChange);
}

// Returns a number input bound to obj[key] (kept as the text typed, so an
// empty box means "default"). unit: a suffix shown after the box.
export function numberInput(obj, key, attrs = {}, onChange = () => {}, unit = '') {
  const el = textInput(obj, key, { type: 'number', inputmode: 'numeric', ...attrs }, onChange);
  return unit ? h('div', { class: 'with-unit' }, el, h('span', { class: 'unit' }, unit)) : el;
}

// Returns a textarea bound to obj[key].
export function textArea(obj, key, attrs = {}, onChange = () => {}) {
  const el = h('textarea', { spellcheck: 'false', rows: 4, ...attrs });
  el.value = obj[key] ?? '';
  el.addEventListener('input', () => { obj[key] = el.value; onChange(el.value); });
  return el;
}

// Returns a select bound to obj[key]; options: [[value, label], ...] or
// [value, ...].
export function selectInput(obj, key, options, attrs = {}, onChange = () => {}) {
  const el = h('select', attrs);
  setOptions(el, options, obj[key]);
  el.addEventListener('change', () => { obj[key] = el.value; onChange(el.value); });
  return el;
}

// Replaces the options of select el and selects value (added when missing
// and not empty, so an edited task's value stays visible).
export function setOptions(el, options, value) {
  const pairs = options.map((o) => (Array.isArray(o) ? o : [o, o]));
  if (value && !pairs.some(([v]) => v === value)) pairs.push([value, value]);
  el.replaceChildren(...pairs.map(([v, label]) => h('option', { value: v }, label)));
  el.value = value ?? '';
}

// Returns an on/off switch bound to the boolean obj[key].
export function toggle(obj, key, label, onChange = () => {}) {
  const input = h('input', { type: 'checkbox', role: 'switch', checked: !!obj[key] });
  input.addEventListener('change', () => { obj[key] = input.checked; onChange(input.checked); });
  return h('label', { class: 'switch' }, input, h('span', { class: 'slider', 'aria-hidden': 'true' }),
    label ? h('span', { class: 'switch-label' }, label) : null);
}

// Returns a row of segmented radio buttons bound to obj[key]; options:
// [[value, label], ...].
export function segmented(obj, key, options, onChange = () => {}, name = uid('seg')) {
  return h('div', { class: 'segmented', role: 'radiogroup' }, options.map(([value, label]) => {
    const input = h('input', { type: 'radio', name, value, checked: obj[key] === value });
    input.addEventListener('change', () => { if (input.checked) { obj[key] = value; onChange(value); } });
    return h('label', {}, input, h('span', {}, label));
  }));
}

// Returns a form section card: a numbered heading, an optional line under
// it, and the content. opts.collapsed makes it a closed <details>.
export function section(num, title, sub, content, opts = {}) {
  const head = [h('span', { class: 'num' }, String(num)), h('span', { class: 'title' }, title),
    opts.actions ? h('span', { class: 'head-actions' }, opts.actions) : null];
  const body = h('div', { class: 'card-body' }, sub ? h('p', { class: 'section-sub' }, sub) : null, content);
  if (opts.collapsible) {
    const d = h('details', { class: 'card section', id: opts.id || null },
      h('summary', { class: 'card-head' }, head, h('span', { class: 'chevron', 'aria-hidden': 'true' })), body);
    return d;
  }
  return h('section', { class: 'card section', id: opts.id || null },
    h('h2', { class: 'card-head' }, head), body);
}
