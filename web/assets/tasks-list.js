// tasks-list.js - the data source list: every task with its state, health,
// rows written, rate and last error, refreshed every 2 s, with start, stop,
// edit, copy and delete. Also the task actions shared with the detail page.
import { del, get, post } from './api.js';
import { badge, confirmDialog, fmtInt, fmtRate, fmtTime, h, notice, replace, toast } from './ui.js';

export const REFRESH_MS = 2000;

// Runs a task action (start, stop, copy, delete) for task t, with the
// confirmation delete needs; resolves true when it was done.
export async function taskAction(action, t) {
  try {
    if (action === 'delete') {
      const ok = await confirmDialog('Delete data source', `Delete "${t.name}"? Its definition and history are removed; data already written stays in TDengine.`, 'Delete', true);
      if (!ok) return false;
      await del(`/api/tasks/${t.id}`);
      toast(`Deleted ${t.name}`, 'ok');
    } else if (action === 'copy') {
      const copy = await post(`/api/tasks/${t.id}/copy`);
      toast(`Copied as ${copy.name}`, 'ok');
    } else {
      await post(`/api/tasks/${t.id}/${action}`);
      toast(`${action === 'start' ? 'Started' : 'Stopped'} ${t.name}`, 'ok');
    }
    return true;
  } catch (e) {
    toast(`${t.name}: ${e.message}`, 'error');
    return false;
  }
}

// Returns the action buttons of task t; after an action, done() runs.
export function taskButtons(t, done, { withEdit = true } = {}) {
  const running = t.state === 'running';
  const act = (action) => async (ev) => {
    const b = ev.currentTarget;
    b.disabled = true;
    b.classList.add('loading');
    await taskAction(action, t);
    b.disabled = false;
    b.classList.remove('loading');
    done(action);
  };
  return h('div', { class: 'row-actions' },
    running
      ? h('button', { type: 'button', class: 'btn small', onclick: act('stop'), 'aria-label': `Stop ${t.name}` }, 'Stop')
      : h('button', { type: 'button', class: 'btn small primary', onclick: act('start'), 'aria-label': `Start ${t.name}` }, 'Start'),
    withEdit ? h('a', { class: `btn small${running ? ' disabled' : ''}`, href: `#/tasks/${t.id}/edit`,
      'aria-disabled': running ? 'true' : null, title: running ? 'Stop the task to edit it' : null,
      'aria-label': `Edit ${t.name}` }, 'Edit') : null,
    h('button', { type: 'button', class: 'btn small', onclick: act('copy'), 'aria-label': `Copy ${t.name}` }, 'Copy'),
    h('button', { type: 'button', class: 'btn small danger-text', onclick: act('delete'), disabled: running,
      title: running ? 'Stop the task to delete it' : null, 'aria-label': `Delete ${t.name}` }, 'Delete'));
}

// Returns the last error of t as a short line (full text on hover).
export function lastError(t) {
  if (!t.last_error) return h('span', { class: 'muted' }, '—');
  return h('span', { class: 'last-error', title: `${fmtTime(t.last_error.time)}: ${t.last_error.message}` },
    t.last_error.message);
}

// Returns the task table.
function taskTable(tasks, refresh) {
  const head = h('tr', {}, ['Name', 'State', 'Health', 'Rows written', 'Rate', 'Last error', ''].map((x, i) =>
    h('th', { class: i === 3 || i === 4 ? 'num' : null, scope: 'col' }, x)));
  const rows = tasks.map((t) => h('tr', { 'data-task-id': String(t.id) },
    h('td', { 'data-label': 'Name', class: 'name-cell' }, h('a', { href: `#/tasks/${t.id}` }, t.name),
      h('div', { class: 'sub' }, `#${t.id} · updated ${fmtTime(t.updated_at)}`)),
    h('td', { 'data-label': 'State', 'data-k': 'state' }, badge(t.state, 'state')),
    h('td', { 'data-label': 'Health', 'data-k': 'health' }, badge(t.health, 'health')),
    h('td', { 'data-label': 'Rows written', class: 'num', 'data-k': 'written' }, fmtInt(t.written_rows)),
    h('td', { 'data-label': 'Rate', class: 'num', 'data-k': 'rate' }, fmtRate(t.rate)),
    h('td', { 'data-label': 'Last error', class: 'error-cell' }, lastError(t)),
    h('td', { class: 'actions-cell' }, taskButtons(t, refresh))));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'grid tasks' }, h('thead', {}, head), h('tbody', {}, rows)));
}

// Returns the little summary above the table.
function summary(tasks) {
  const count = (st) => tasks.filter((t) => t.state === st).length;
  const rate = tasks.reduce((a, t) => a + (t.state === 'running' && typeof t.rate === 'number' ? t.rate : 0), 0);
  const stat = (label, value, cls = '') => h('div', { class: `stat ${cls}` }, h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-label' }, label));
  return h('div', { class: 'stats' }, stat('Data sources', String(tasks.length)), stat('Running', String(count('running')), 'ok'),
    stat('Failed', String(count('failed')), count('failed') ? 'bad' : ''), stat('Rows/s now', fmtRate(rate).replace('/s', '')));
}

// Shows the list in root and keeps it fresh; returns a function that stops
// the refresh.
export function showTaskList(root) {
  const body = h('div', { class: 'list-body' }, h('p', { class: 'muted' }, 'Loading…'));
  replace(root, h('div', { class: 'page-head' }, h('h1', {}, 'Data sources'),
    h('a', { class: 'btn primary', href: '#/tasks/new' }, '+ Add data source')), body);
  let timer = null, stopped = false, inFlight = false;
  async function refresh() {
    clearTimeout(timer);
    if (stopped || inFlight) return;
    inFlight = true;
    try {
      const { tasks } = await get('/api/tasks');
      if (stopped) return;
      if (!root.querySelector('.row-actions .loading')) {
        replace(body, tasks.length ? [summary(tasks), taskTable(tasks, refresh)] : h('div', { class: 'empty-state' },
          h('h2', {}, 'No data source yet'),
          h('p', {}, 'A data source reads Kafka topics, parses each message and writes the rows into a TDengine supertable.'),
          h('a', { class: 'btn primary', href: '#/tasks/new' }, '+ Add data source')));
      }
    } catch (e) {
      if (e.status !== 401) replace(body, notice('error', `Cannot load the data sources: ${e.message}`));
    } finally {
      inFlight = false;
      if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
    }
  }
  refresh();
  return () => { stopped = true; clearTimeout(timer); };
}
