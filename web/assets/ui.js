// ui.js - small DOM helpers shared by every view: element building, number
// and time formatting, badges, tables, toasts, a confirm dialog, and the
// messages shown beside form fields.

// Returns a new element. attrs: "class", "text", "html" is not supported on
// purpose (no markup from data); "on<event>" adds a listener; "dataset" an
// object; any other key is set as an attribute (false/null/undefined skip
// it, true sets it empty). children: nodes, strings, arrays, null (skipped).
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === false || value === null || value === undefined) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else if (key === 'value') el.value = value;
    else if (key === 'checked' || key === 'disabled' || key === 'selected') el[key] = !!value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

// Appends children (nested arrays, strings, nodes; null skipped) to el.
export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Replaces el's children with children.
export function replace(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

const intFmt = new Intl.NumberFormat('en-US');

// Returns n with thousands separators, or "–" when n is not a number.
export function fmtInt(n) {
  return typeof n === 'number' && Number.isFinite(n) ? intFmt.format(n) : '–';
}

// Returns a rate (rows/s) with at most one decimal, or "–".
export function fmtRate(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return '–';
  return (n >= 100 ? intFmt.format(Math.round(n)) : n.toFixed(n % 1 ? 1 : 0)) + '/s';
}

// Returns an RFC 3339 time as local "YYYY-MM-DD HH:MM:SS", or the text as
// given when it does not parse, or "–" when empty.
export function fmtTime(s) {
  if (!s) return '–';
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return String(s);
  const p = (x) => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

// Returns a coloured pill for a task state or health (class by value), or
// a dash when there is none.
export function badge(value, kind) {
  if (value === null || value === undefined || value === '') return h('span', { class: 'muted' }, '—');
  const text = String(value);
  return h('span', { class: `badge ${kind}-${text.toLowerCase()}`, text });
}

// Returns a table. columns: [{title, cell(row) -> node|string, class}],
// rows: array. empty: text shown when there are no rows.
export function table(columns, rows, empty = 'Nothing to show.') {
  const head = h('thead', {}, h('tr', {}, columns.map((c) =>
    h('th', { class: c.class || null, scope: 'col' }, c.title))));
  const body = h('tbody');
  if (!rows.length) {
    body.append(h('tr', { class: 'empty' },
      h('td', { colspan: columns.length }, empty)));
  }
  for (const row of rows) {
    body.append(h('tr', {}, columns.map((c) =>
      h('td', { class: c.class || null, 'data-label': c.title }, c.cell(row)))));
  }
  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid' }, head, body));
}

let toastBox = null;

// Shows a short message in the corner for a few seconds. kind: "ok",
// "error" or "info".
export function toast(message, kind = 'info') {
  if (!toastBox) {
    toastBox = h('div', { class: 'toasts', role: 'status', 'aria-live': 'polite' });
    document.body.append(toastBox);
  }
  const t = h('div', { class: `toast toast-${kind}` }, message);
  toastBox.append(t);
  setTimeout(() => t.remove(), kind === 'error' ? 8000 : 4000);
}

// Opens a modal asking to confirm; resolves true (confirmed) or false.
export function confirmDialog(title, text, confirmLabel = 'Confirm', danger = false) {
  return new Promise((resolve) => {
    const close = (answer) => { overlay.remove(); resolve(answer); };
    const ok = h('button', { class: danger ? 'btn danger' : 'btn primary', onclick: () => close(true) },
      confirmLabel);
    const overlay = h('div', { class: 'overlay', onclick: (e) => { if (e.target === overlay) close(false); } },
      h('div', { class: 'dialog', role: 'dialog', 'aria-modal': 'true', 'aria-label': title },
        h('h2', {}, title), h('p', {}, text),
        h('div', { class: 'dialog-actions' },
          h('button', { class: 'btn', onclick: () => close(false) }, 'Cancel'), ok)));
    overlay.addEventListener('keydown', (e) => { if (e.key === 'Escape') close(false); });
    document.body.append(overlay);
    ok.focus();
  });
}

// Shows message beside the form field holding el (its closest .field), or
// clears it when message is empty. Returns the field element.
export function setFieldError(el, message) {
  const field = el.closest('.field') || el;
  let note = field.querySelector(':scope > .field-body > .field-error, :scope > .field-error');
  if (!message) {
    field.classList.remove('invalid');
    if (note) note.remove();
    return field;
  }
  field.classList.add('invalid');
  if (!note) {
    note = h('div', { class: 'field-error', role: 'alert' });
    (field.querySelector(':scope > .field-body') || field).append(note);
  }
  note.textContent = message;
  return field;
}

// Clears every field message under root.
export function clearFieldErrors(root) {
  for (const f of root.querySelectorAll('.field.invalid')) f.classList.remove('invalid');
  for (const n of root.querySelectorAll('.field-error')) n.remove();
}

// Returns a "busy" wrapper for async button handlers: the button is disabled
// and shows a spinner while fn runs; errors are shown as a toast unless fn
// handles them.
export function busy(button, fn) {
  return async (...args) => {
    if (button.disabled) return;
    button.disabled = true;
    button.classList.add('loading');
    try {
      return await fn(...args);
    } catch (e) {
      toast(e.message || String(e), 'error');
    } finally {
      button.disabled = false;
      button.classList.remove('loading');
    }
  };
}

// Returns an inline notice box. kind: "info", "warn", "error", "ok".
export function notice(kind, ...children) {
  return h('div', { class: `notice notice-${kind}` }, children);
}
