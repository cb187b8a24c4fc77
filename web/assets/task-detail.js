// task-detail.js - one data source: its definition, state and health, the
// metrics of this run or cumulative (tabs), the lag per partition, the last
// errors with topic/partition/offset, and the activity log; refreshed every
// 2 s while shown.
import { get } from './api.js';
import { REFRESH_MS, lastError, taskButtons } from './tasks-list.js';
import { badge, fmtInt, fmtTime, h, notice, replace, table } from './ui.js';

// [metric name, label, kind]
const METRICS = [
  ['kafka_consumed_messages', 'Messages consumed'], ['parsed_rows', 'Rows parsed'],
  ['filter_skipped_rows', 'Rows filtered out'], ['written_rows', 'Rows written'],
  ['written_points', 'Points written'], ['failed_rows', 'Rows failed', 'bad'],
  ['archived_rows', 'Rows archived'], ['malformed_messages', 'Malformed messages', 'bad'],
  ['invalid_rows', 'Invalid rows', 'bad'], ['inserted_sqls', 'SQL statements'],
  ['failed_sqls', 'Failed statements', 'bad'], ['processed_batches', 'Batches'],
];

// Returns seconds as "1h 02m 03s" style text.
function fmtSeconds(s) {
  if (typeof s !== 'number' || !Number.isFinite(s)) return '–';
  const t = Math.round(s);
  const hh = Math.floor(t / 3600), mm = Math.floor((t % 3600) / 60), ss = t % 60;
  return hh ? `${hh}h ${String(mm).padStart(2, '0')}m` : mm ? `${mm}m ${String(ss).padStart(2, '0')}s` : `${ss}s`;
}

// Returns the metric tiles of one set (run, or total with "total_" names).
function tiles(set, prefix) {
  const v = (name) => (set ? set[prefix + name] : undefined);
  const list = METRICS.map(([name, label, kind]) => {
    const value = v(name);
    return h('div', { class: `metric${kind === 'bad' && value > 0 ? ' bad' : ''}`, 'data-metric': name },
      h('div', { class: 'metric-value' }, fmtInt(value)), h('div', { class: 'metric-label' }, label));
  });
  list.push(h('div', { class: 'metric' }, h('div', { class: 'metric-value' }, fmtSeconds(v('execute_time'))),
    h('div', { class: 'metric-label' }, 'Run time')));
  if (prefix === '') {
    list.push(h('div', { class: 'metric' }, h('div', { class: 'metric-value small' }, fmtTime(v('start_time'))),
      h('div', { class: 'metric-label' }, 'Started')));
  }
  return h('div', { class: 'metrics' }, list);
}

// Returns the definition summary of task t.
function definition(t) {
  const row = (k, v) => [h('dt', {}, k), h('dd', {}, v)];
  const model = t.parser && t.parser.model && !Array.isArray(t.parser.model) ? t.parser.model : null;
  return h('dl', { class: 'definition' },
    row('Source', h('code', {}, t.from)), row('Target', h('code', {}, t.to)),
    model ? row('Supertable', h('code', {}, `${model.using} (subtables ${model.name})`)) : null,
    row('Created', fmtTime(t.created_at)), row('Updated', fmtTime(t.updated_at)),
    row('Last error', lastError(t)));
}

// Shows the task with id in root and keeps it fresh; returns a function that
// stops the refresh.
export function showTaskDetail(root, id) {
  let tab = 'run', stopped = false, timer = null, task = null, status = null;
  const head = h('div', { class: 'page-head' });
  const defBox = h('div', { class: 'card' });
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const metricsBox = h('div', { role: 'tabpanel' });
  const lagBox = h('div'), errBox = h('div'), logBox = h('div');
  const errorLine = h('div');

  function renderTabs() {
    replace(tabs, [['run', 'This run'], ['total', 'Cumulative']].map(([key, label]) =>
      h('button', { type: 'button', role: 'tab', class: `tab${tab === key ? ' active' : ''}`, 'aria-selected': String(tab === key),
        onclick: () => { tab = key; renderTabs(); renderStatus(); } }, label)));
  }

  function renderHead() {
    replace(head, h('div', {}, h('a', { class: 'crumb', href: '#/tasks' }, '← Data sources'),
      h('h1', {}, task.name, ' ', badge(task.state, 'state'), ' ', badge(task.health, 'health'))),
    taskButtons(task, (action) => { if (action === 'delete') location.hash = '#/tasks'; else refresh(); }));
    replace(defBox, h('div', { class: 'card-body' }, definition(task)));
  }

  function renderStatus() {
    if (!status) return;
    replace(metricsBox, tiles(tab === 'run' ? status.run : status.total, tab === 'run' ? '' : 'total_'));
    const lag = status.lag || [];
    const totalLag = lag.reduce((a, l) => a + (typeof l.lag === 'number' ? l.lag : 0), 0);
    replace(lagBox, h('h3', {}, 'Lag per partition ', h('span', { class: 'count' }, lag.length ? `total ${fmtInt(totalLag)}` : '')),
      table([
        { title: 'Topic', class: 'wrap', cell: (l) => l.topic }, { title: 'Partition', class: 'num', cell: (l) => String(l.partition) },
        { title: 'Committed', class: 'num', cell: (l) => fmtInt(l.committed) }, { title: 'End', class: 'num', cell: (l) => fmtInt(l.end) },
        { title: 'Lag', class: 'num', cell: (l) => fmtInt(l.lag) },
      ], lag, 'No partition assigned (the task is not running).'));
    const errors = status.errors || [];
    replace(errBox, h('h3', {}, 'Errors ', h('span', { class: 'count' }, errors.length ? String(errors.length) : '')),
      table([
        { title: 'Time', class: 'nowrap', cell: (e) => fmtTime(e.time) }, { title: 'Topic', class: 'wrap', cell: (e) => e.topic ?? '–' },
        { title: 'Partition', class: 'num', cell: (e) => (e.partition ?? '–').toString() },
        { title: 'Offset', class: 'num', cell: (e) => (e.offset ?? '–').toString() },
        { title: 'Message', class: 'wrap', cell: (e) => e.message },
      ], errors, 'No error.'));
    const log = status.activity || [];
    replace(logBox, h('h3', {}, 'Activity'),
      log.length ? h('div', { class: 'log', role: 'log' }, log.map((l) => h('div', { class: `log-line lvl-${String(l.level).toLowerCase()}` },
        h('span', { class: 'log-time' }, fmtTime(l.time)), h('span', { class: 'log-level' }, l.level), h('span', { class: 'log-msg' }, l.message))))
        : h('p', { class: 'muted' }, 'Nothing logged yet.'));
  }

  async function refresh() {
    clearTimeout(timer);
    if (stopped) return;
    try {
      const [t, st] = await Promise.all([get(`/api/tasks/${id}`), get(`/api/tasks/${id}/status`)]);
      if (stopped) return;
      task = t;
      status = st;
      replace(errorLine);
      if (!head.querySelector('.loading')) renderHead();
      renderStatus();
    } catch (e) {
      if (e.status === 404) { replace(root, notice('error', `No data source #${id}.`), h('a', { href: '#/tasks' }, '← Data sources')); stopped = true; return; }
      if (e.status !== 401) replace(errorLine, notice('error', `Cannot refresh: ${e.message}`));
    }
    if (!stopped) timer = setTimeout(refresh, REFRESH_MS);
  }

  renderTabs();
  replace(root, head, errorLine, defBox,
    h('section', { class: 'card' }, h('div', { class: 'card-head metrics-head' }, h('span', { class: 'title' }, 'Metrics'), tabs,
      h('span', { class: 'muted small' }, 'refreshed every 2 s')), h('div', { class: 'card-body' }, metricsBox)),
    h('div', { class: 'two-col' }, h('section', { class: 'card' }, h('div', { class: 'card-body' }, lagBox)),
      h('section', { class: 'card' }, h('div', { class: 'card-body' }, errBox))),
    h('section', { class: 'card' }, h('div', { class: 'card-body' }, logBox)));
  replace(head, h('p', { class: 'muted' }, 'Loading…'));
  refresh();
  return () => { stopped = true; clearTimeout(timer); };
}
