// form-payload.js - the payload parsing section of the task form: sample
// messages (retrieved from Kafka, uploaded from a file, or typed one per
// line), the parser (JSON, regex, CSV, UDT in Lua, plugin) and the preview
// of the parsed rows. Fills ctx.state.samples and ctx.state.parser.parse.
import { post, request } from './api.js';
import { field, numberInput, section, segmented, textArea, textInput } from './fields.js';
import { messageErrors, rowsTable } from './preview.js';
import { busy, h, notice, replace, setFieldError, toast } from './ui.js';

// Returns a sample as one line: JSON is written compactly, other text keeps
// its line breaks (it then counts as several samples).
function oneLine(value) {
  if (!value.includes('\n')) return value;
  try {
    return JSON.stringify(JSON.parse(value));
  } catch (e) {
    return value;
  }
}

// Returns a preview button (magnifier) that runs show() while busy.
export function previewButton(label, show) {
  const b = h('button', { type: 'button', class: 'btn preview-btn' },
    h('span', { class: 'icon-search', 'aria-hidden': 'true' }), label);
  b.addEventListener('click', busy(b, show));
  return b;
}

// Runs the preview (forMapping: the mapping's own, see task-form.js) and
// puts what render(doc) returns into box; a failure is shown in box (and
// beside the field it names).
export async function showPreview(ctx, box, render, forMapping = false) {
  replace(box, h('div', { class: 'muted' }, 'Previewing…'));
  box.hidden = false;
  try {
    const doc = await ctx.preview(forMapping);
    replace(box, render(doc));
  } catch (e) {
    replace(box, notice('error', e.message));
    if (e.field) ctx.showError(e.field, e.message);
  }
}

// Returns the sample sources: retrieve, upload, and the message body box.
function samplesPart(ctx) {
  const { state } = ctx;
  const opts = { count: '10' };
  const body = textArea(state, 'samples', { rows: 6, class: 'mono', 'aria-label': 'Message body',
    placeholder: '{"id": 1, "message": "hello-word"}\n{"id": 2, "message": "hello-word"}' });
  const addSamples = (values) => {
    const lines = values.map(oneLine).filter((v) => v.trim() !== '');
    state.samples = [state.samples.trim(), ...lines].filter(Boolean).join('\n');
    body.value = state.samples;
    toast(`${lines.length} sample${lines.length === 1 ? '' : 's'} added`, 'ok');
  };
  const fetchBtn = h('button', { type: 'button', class: 'btn' }, 'Retrieve from server');
  fetchBtn.addEventListener('click', busy(fetchBtn, async () => {
    setFieldError(body, '');
    try {
      const ans = await post('/api/samples', ctx.draft({ from: ctx.fromDsn(), count: Number(opts.count) || 10, timeout_ms: 5000 }));
      if (!ans.samples.length) { setFieldError(body, 'The topics have no message to read yet.'); return; }
      addSamples(ans.samples.map((x) => x.value));
    } catch (e) {
      setFieldError(body, `Cannot retrieve samples: ${e.message}`);
      if (e.field) ctx.showError(e.field, e.message);
    }
  }));
  const file = h('input', { type: 'file', accept: '.csv,.txt,.json,.log,text/*', hidden: true, 'aria-label': 'Sample file' });
  const uploadBtn = h('button', { type: 'button', class: 'btn', onclick: () => file.click() }, 'File upload');
  file.addEventListener('change', busy(uploadBtn, async () => {
    const f = file.files[0];
    if (!f) return;
    setFieldError(body, '');
    try {
      const type = /\.csv$/i.test(f.name) ? 'text/csv' : 'text/plain';
      const ans = await request('POST', '/api/samples/upload', new Blob([f], { type }));
      addSamples(ans.samples.map((x) => x.value));
    } catch (e) {
      setFieldError(body, `Cannot read the file: ${e.message}`);
    } finally {
      file.value = '';
    }
  }));
  const clear = h('button', { type: 'button', class: 'btn link', onclick: () => { state.samples = ''; body.value = ''; } }, 'Clear');
  return [
    field('Samples', h('div', { class: 'inline wrap' }, fetchBtn,
      h('label', { class: 'inline-label' }, 'count', numberInput(opts, 'count', { min: 1, max: 1000, class: 'count', 'aria-label': 'Sample count' })),
      uploadBtn, file, clear), { hint: 'Retrieve reads from the start of each partition without committing; a CSV file gives its "value" column, other files one sample per line.' }),
    field('Message body', body, { path: 'samples', hint: 'One sample message per line.' }),
  ];
}

// Returns the parser choice and its settings.
function parserPart(ctx) {
  const p = ctx.state.parser.parse;
  const settings = h('div', { class: 'parser-settings' });
  function render() {
    switch (p.kind) {
      case 'regex':
        replace(settings, field('Pattern', textInput(p, 'regex', { class: 'mono', placeholder: '^(?<id>[0-9]+) (?<message>.*)$' }),
          { path: 'parser.parse.value.regex', required: true, hint: 'Named groups (?<name>…) become string fields.' }));
        break;
      case 'csv': {
        const names = field('Column names', textInput(p, 'csvNames', { placeholder: 'id, ts, message' }),
          { path: 'parser.parse.value.csv.names', required: true });
        const showNames = () => { names.hidden = p.csvMode !== 'names'; };
        replace(settings,
          field('Columns', segmented(p, 'csvMode', [['header', 'From the first line'], ['names', 'Named here']], showNames)),
          names,
          field('Delimiter', textInput(p, 'csvDelimiter', { maxlength: 1, class: 'char' }), { path: 'parser.parse.value.csv.delimiter' }),
          field('Quote', textInput(p, 'csvQuote', { maxlength: 1, class: 'char' }), { path: 'parser.parse.value.csv.quote' }));
        showNames();
        break;
      }
      case 'udt':
        replace(settings, field('Lua script', textArea(p, 'udt', { rows: 8, class: 'mono',
          placeholder: '-- data is the message parsed as JSON; return an array of rows\nlocal rows = {}\nfor v in string.gmatch(data.values, "[^,]+") do\n  rows[#rows + 1] = {id = data.id, value = tonumber(v)}\nend\nreturn rows' }),
        { path: 'parser.parse.value.udt', required: true, hint: 'Lua 5.4 in a sandbox; the script gets the message as the table `data` and returns an array of rows.' }));
        break;
      case 'plugin':
        replace(settings,
          field('Plugin name', textInput(p, 'pluginName', { placeholder: 'kv' }), { path: 'parser.parse.value.plugin.name', required: true,
            hint: 'Loaded from <plugins_home>/parsers/lib<name>.so' }),
          field('Configuration', textInput(p, 'pluginConfig', {}), { path: 'parser.parse.value.plugin.config' }));
        break;
      default: {
        const list = field('Fields', textArea(p, 'jsonFields', { rows: 4, class: 'mono',
          placeholder: 'id\nts::timestamp(ms)\n$.data.voltage=voltage::int' }),
        { path: 'parser.parse.value.json', hint: 'One per line: name, name::type, or $.json.path=alias::type.' });
        const showList = () => { list.hidden = p.jsonMode !== 'fields'; };
        replace(settings, field('Fields to keep', segmented(p, 'jsonMode', [['auto', 'All (auto)'], ['fields', 'Field list']], showList)), list);
        showList();
      }
    }
  }
  render();
  return [field('Parser', segmented(p, 'kind', [['json', 'JSON'], ['regex', 'Regex'], ['csv', 'CSV'], ['udt', 'UDT (Lua)'], ['plugin', 'Plugin']], render),
    { path: 'parser.parse' }), settings];
}

// Returns the payload parsing section.
export function payloadSection(ctx) {
  const box = h('div', { class: 'preview-box', hidden: true, 'data-preview': 'parse' });
  const btn = previewButton('Preview parsing', () => showPreview(ctx, box, (doc) => h('div', { class: 'preview-body' },
    messageErrors(doc),
    h('h4', {}, `Parsed rows (${(doc.parsed || []).length})`),
    rowsTable(doc.parsed || [], 'No sample gave a row.'))));
  return section(6, 'Payload parsing', 'How each message value becomes rows. A JSON array gives one row per element; nested objects are flattened with _.',
    [...samplesPart(ctx), ...parserPart(ctx), h('div', { class: 'actions-row left' }, btn), box], { id: 'sec-payload' });
}
