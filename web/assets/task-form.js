// task-form.js - the "Add data source" / edit page: builds the sections in
// the order of the seed walkthrough, holds the form value, turns it into the
// task definition ({name, from, to, parser, options}), checks required
// fields in the browser, and shows every error beside the field it names
// (server errors carry the JSON path in "field").
import { ApiError, get, post, put } from './api.js';
import { buildFrom, buildTo, emptySource, emptyTarget, parseFrom, parseTo } from './dsn.js';
import { advancedSection } from './form-advanced.js';
import { extractSection, filterSection } from './form-rules.js';
import { mappingSection } from './form-mapping.js';
import { payloadSection } from './form-payload.js';
import { basicSection, collectionSection, connectionSection, saslSection, sslSection } from './form-source.js';
import { buildParser, emptyMapping, emptyParse, readParser } from './parser-json.js';
import { fieldNames, rowsAfter } from './preview.js';
import { busy, clearFieldErrors, h, notice, replace, setFieldError, toast } from './ui.js';

// Returns a fresh form value, or the one of task (as GET /api/tasks/{id}
// gives it) with notes on what the form cannot show.
function formValue(task) {
  const state = {
    name: '', target: emptyTarget(), source: emptySource(), samples: '', options: null,
    parser: { parse: emptyParse(), extracts: [], filters: [], mapping: emptyMapping(), policies: {}, extra: {} },
  };
  const notes = [];
  if (!task) return { state, notes };
  state.name = task.name;
  state.target = parseTo(task.to);
  state.source = parseFrom(task.from);
  state.options = task.options || null;
  const read = readParser(typeof task.parser === 'object' ? task.parser : {});
  state.parser = read.form;
  state.samples = read.samples.join('\n');
  if (read.reordered) notes.push('The mutate stages of this task were not in the order extract, filter, map; saving writes them in that order.');
  if (read.models > 1) notes.push(`This task writes to ${read.models} models; the form shows and saves the first only.`);
  if (Object.keys(read.form.extra).length) notes.push(`Parser keys kept as they are: ${Object.keys(read.form.extra).join(', ')}.`);
  return { state, notes };
}

// Returns the JSON paths to try for a server error path, most precise
// first: "from.topics" -> ["from.topics", "from"].
function pathsOf(path) {
  const out = [];
  let p = path;
  while (p) {
    out.push(p);
    const cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
    p = cut > 0 ? p.slice(0, cut) : '';
  }
  return out;
}

// What the form says beside the target database while none is chosen.
const NO_DATABASE = 'Choose the target database.';

// Returns what a required check finds missing: [[element, message], ...].
function missing(root, state) {
  const out = [];
  const need = (selector, ok, message) => {
    const el = root.querySelector(selector);
    if (el && !ok) out.push([el, message]);
  };
  const { source: s, target: t, parser: p } = state;
  need('[data-path="name"] input', state.name.trim(), 'Give the task a name.');
  need('[data-path="to"] input', t.host.trim() && /^\d+$/.test(String(t.port).trim()), 'Give the TDengine host and port.');
  need('[data-path="to.database"] select', t.db, NO_DATABASE);
  need('[data-path="from"] input', s.brokers.every((b) => b.host.trim() && /^\d+$/.test(String(b.port).trim())),
    'Every broker needs a host and a port.');
  need('[data-path="from.topics"] input', s.topics.split(',').some((x) => x.trim()), 'Give at least one topic.');
  need('[data-path="from.start_time"] input', s.offset !== 'bytime' || s.startTime, 'Choose the start time.');
  if (s.sasl.enabled && s.sasl.mechanism !== 'GSSAPI') {
    need('[data-path="from.sasl.username"] input', s.sasl.username, 'Give the SASL user.');
    need('[data-path="from.sasl.password"] input', s.sasl.password, 'Give the SASL password.');
  }
  if (s.sasl.enabled && s.sasl.mechanism === 'GSSAPI') {
    need('[data-path="from.sasl.kerberos.principal"] input', s.sasl.principal, 'Give the Kerberos principal.');
    need('[data-path="from.sasl.kerberos.keytab"] button', s.sasl.keytab, 'Upload the keytab.');
  }
  if (s.ssl.enabled) need('[data-path="from.ssl.ca.location"] button', s.ssl.ca, 'Upload the CA certificate.');
  const kind = p.parse.kind;
  need('[data-path="parser.parse.value.regex"] input', kind !== 'regex' || p.parse.regex.trim(), 'Give the pattern.');
  need('[data-path="parser.parse.value.udt"] textarea', kind !== 'udt' || p.parse.udt.trim(), 'Write the script.');
  need('[data-path="parser.parse.value.csv.names"] input', kind !== 'csv' || p.parse.csvMode !== 'names' || p.parse.csvNames.trim(), 'Name the columns.');
  need('[data-path="parser.parse.value.plugin.name"] input', kind !== 'plugin' || p.parse.pluginName.trim(), 'Name the plugin.');
  p.extracts.forEach((e, i) => need(`[data-path="extract:${i}"] input`, e.field.trim(), 'Name the field this rule reads.'));
  need('[data-path="parser.model.using"] select', p.mapping.stable, 'Choose or create the target supertable.');
  need('[data-path="parser.model.name"] input', p.mapping.template.trim(), 'Give the subtable name template, e.g. t_{id}.');
  return out;
}

// Shows the form page in root: a new task, or the task with id (edit).
export async function showTaskForm(root, id = null) {
  let task = null;
  if (id !== null) {
    replace(root, h('p', { class: 'muted' }, 'Loading…'));
    try {
      task = await get(`/api/tasks/${id}`);
    } catch (e) {
      replace(root, notice('error', `Cannot load task ${id}: ${e.message}`));
      return;
    }
  }
  // what the operator's config decides (the kinit command); the form
  // still works without it
  const config = await get('/api/config').catch(() => ({ kafka: {} }));
  const { state, notes } = formValue(task);
  const listeners = {};
  let owners = [];
  const datalist = h('datalist', { id: 'k2td-fields' });
  const ctx = {
    state, config, editing: !!task, taskId: task ? task.id : null,
    on: (ev, fn) => { (listeners[ev] = listeners[ev] || []).push(fn); },
    emit: (ev) => { for (const fn of listeners[ev] || []) fn(); },
    fromDsn: () => buildFrom(state.source),
    toDsn: (db = state.target.db) => buildTo(state.target, db),
    samples: () => state.samples.split('\n').filter((l) => l.trim() !== ''),
    parserJson: (withModel = true) => parserOrShow(withModel).parser,
    // Returns the body of a draft request: an edited task's draft names
    // the task, so the service puts its saved secrets where the form still
    // shows ****** (the page never receives them).
    draft: (body) => (task ? { ...body, task_id: task.id } : body),
    // Returns whether a target database is chosen; else says so beside its
    // field (the check and the previews need one).
    databaseChosen: () => {
      if (state.target.db) return true;
      setFieldError(root.querySelector('[data-path="to.database"] select'), NO_DATABASE);
      return false;
    },
    // Runs the preview of the form. forMapping: the mapping's own preview,
    // which needs the supertable and the name template; the other previews
    // go without a model until one is chosen (the service then shows
    // parsing and the mutate stages only).
    preview: async (forMapping = false) => {
      if (!ctx.databaseChosen()) throw new Error(NO_DATABASE);
      const samples = ctx.samples();
      if (!samples.length) {
        const box = root.querySelector('[data-path="samples"] textarea');
        setFieldError(box, 'Add sample messages first (one per line).');
        throw new Error('No sample messages: add some in Payload parsing.');
      }
      const built = parserOrShow(true);
      let { parser } = built;
      const model = parser.model;
      if (forMapping && (!model || !model.name.trim())) {
        const [sel, msg] = model ? ['[data-path="parser.model.name"] input', 'Give the subtable name template, e.g. t_{id}.']
          : ['[data-path="parser.model.using"] select', 'Choose or create the target supertable.'];
        setFieldError(root.querySelector(sel), msg);
        throw new Error(msg);
      }
      if (model && !model.name.trim()) parser = { ...parser, model: { ...model, name: 'preview' } };
      const doc = await post('/api/preview', ctx.draft({ to: ctx.toDsn(), from: ctx.fromDsn(), parser, samples }));
      doc.owners = built.owners;
      const last = doc.stages && doc.stages.length ? doc.stages.length - 1 : -1;
      const names = [...new Set([...fieldNames(doc.parsed || []), ...fieldNames(rowsAfter(doc, last))])];
      replace(datalist, names.map((n) => h('option', { value: n })));
      return doc;
    },
    showError: (path, message) => showError(path, message),
    markField: (path, message) => markField(path, message),
  };

  // Builds the parser; a rule that cannot be written is shown beside it.
  function parserOrShow(withModel) {
    try {
      const built = buildParser(state.parser, withModel);
      owners = built.owners;
      return built;
    } catch (e) {
      const el = root.querySelector(`[data-path="${e.part}:${e.index}"]`);
      if (el) setFieldError(el, e.message);
      throw e;
    }
  }

  // Returns the element a server error path names, or null.
  function elementFor(path, message) {
    const m = /^parser\.mutate\[(\d+)\](?:\.(filter)\[(\d+)\]|\.map\.([^.[]+))?/.exec(path);
    const tries = [];
    if (m && owners[Number(m[1])]) {
      const o = owners[Number(m[1])];
      if (o.part === 'extract') tries.push(`extract:${o.index}`);
      if (o.part === 'filter') tries.push(`filter:${m[3] || 0}`);
      if (o.part === 'map' && m[4]) tries.push(`map:${m[4]}`);
      if (o.part === 'map') tries.push('parser.model');
    }
    const key = /key `([^`]+)`/.exec(message || '');
    if (key && (path === 'from' || path.startsWith('from.'))) tries.push(`from.${key[1]}`);
    tries.push(...pathsOf(path));
    for (const p of tries) {
      const el = root.querySelector(`[data-path="${CSS.escape(p)}"]`);
      if (el) return el;
    }
    return null;
  }

  const banner = h('div', { class: 'form-banner', 'aria-live': 'assertive' });

  // Returns why the task would write no row of its samples (the preview
  // mapped none: every one refused, dropped or unparsable), or null when it
  // writes some, has no samples, or the preview cannot run (that is for the
  // service to say when the task starts).
  async function writesNothing(parser, samples) {
    if (!samples.length) return null;
    let doc;
    try {
      doc = await post('/api/preview', ctx.draft({ to: ctx.toDsn(), from: ctx.fromDsn(), parser, samples }));
    } catch (e) {
      if (e instanceof ApiError) return null;
      throw e;
    }
    const mapped = doc.mapped || [];
    if (mapped.some((m) => !m.error)) return null;
    const dropped = (doc.stages || []).flatMap((s) => s.dropped || []);
    const why = (mapped.find((m) => m.error) || {}).error
      || (dropped[0] || {}).reason
      || ((doc.messages || []).find((m) => m.error) || {}).error
      || 'no row is left';
    return `The preview of the ${samples.length} sample message${samples.length === 1 ? '' : 's'} writes no row`
      + ` (${why}): every message like them would be archived or dropped, not written.`;
  }
  let confirmedNothing = false;

  // Shows message beside the field path names; returns that field's
  // element, or null when no field of the form has the path.
  function markField(path, message) {
    // a task saved with its samples is Explorer's wrapper {"parser", "input"}
    const formPath = path && path.replace(/^parser\.parser(?=\.|$)/, 'parser');
    const el = formPath ? elementFor(formPath, message) : null;
    if (el) setFieldError(el, message);
    return el;
  }

  // Shows message beside the field path names (and in the banner) and
  // scrolls there.
  function showError(path, message) {
    replace(banner, notice('error', h('strong', {}, 'Not saved. '), message));
    const el = markField(path, message);
    if (!el) return;
    for (let d = el.closest('details'); d; d = d.parentElement.closest('details')) d.open = true;
    el.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }

  const title = task ? `Edit data source: ${task.name}` : 'Add data source';
  const submit = h('button', { type: 'submit', class: 'btn primary' }, task ? 'Save' : 'Submit');
  const form = h('form', { class: 'task-form', novalidate: true },
    notes.map((n) => notice('warn', n)),
    task && task.state === 'running' ? notice('warn', 'This task is running: stop it before saving changes.') : null,
    basicSection(ctx), connectionSection(ctx), saslSection(ctx), sslSection(ctx), collectionSection(ctx),
    payloadSection(ctx), extractSection(ctx), filterSection(ctx), mappingSection(ctx), advancedSection(ctx),
    datalist, banner,
    h('div', { class: 'form-footer' },
      h('a', { class: 'btn', href: task ? `#/tasks/${task.id}` : '#/tasks' }, 'Cancel'), submit));

  form.addEventListener('submit', (ev) => ev.preventDefault());
  // A message beside a field goes when the field is changed.
  const clearNear = (ev) => {
    const f = ev.target.closest && ev.target.closest('.field.invalid');
    if (f) setFieldError(f, '');
  };
  form.addEventListener('input', clearNear);
  form.addEventListener('change', clearNear);
  submit.addEventListener('click', busy(submit, async (ev) => {
    ev.preventDefault();
    clearFieldErrors(form);
    replace(banner);
    const gaps = missing(form, state);
    if (gaps.length) {
      for (const [el, msg] of gaps) setFieldError(el, msg);
      replace(banner, notice('error', h('strong', {}, 'Not saved. '), `${gaps.length} field${gaps.length === 1 ? ' needs' : 's need'} attention.`));
      gaps[0][0].scrollIntoView({ block: 'center', behavior: 'smooth' });
      return;
    }
    let def;
    try {
      const parser = parserOrShow(true).parser;
      const samples = ctx.samples();
      // the samples travel with the task (Explorer's wrapper), so Edit shows them again
      def = { name: state.name.trim(), from: ctx.fromDsn(), to: ctx.toDsn(),
        parser: samples.length ? { parser, input: samples.map((value) => ({ value })) } : parser };
    } catch (e) {
      replace(banner, notice('error', h('strong', {}, 'Not saved. '), e.message));
      return;
    }
    if (state.options) def.options = state.options;
    if (!confirmedNothing) {
      const nothing = await writesNothing(def.parser.parser || def.parser, ctx.samples());
      if (nothing) {
        const anyway = h('button', { type: 'button', class: 'btn' }, task ? 'Save anyway' : 'Submit anyway');
        anyway.addEventListener('click', () => { confirmedNothing = true; submit.click(); });
        replace(banner, notice('warn', h('strong', {}, 'Not saved yet. '), nothing, ' ', anyway));
        return;
      }
    }
    confirmedNothing = false;
    try {
      const saved = task ? await put(`/api/tasks/${task.id}`, def) : await post('/api/tasks', def);
      toast(task ? `Saved ${saved.name}` : `Created ${saved.name}`, 'ok');
      location.hash = task ? `#/tasks/${saved.id}` : '#/tasks';
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      showError(e.field, e.message);
    }
  }));

  replace(root, h('div', { class: 'page-head' },
    h('div', {}, h('a', { class: 'crumb', href: '#/tasks' }, '← Data sources'), h('h1', {}, title))), form);
  ctx.emit('ready');
}
