// flow.mjs - drives the k2td serve web page in headless Chromium the way a
// user would: logs in, creates a Kafka data source through the form (split
// rule, filter, table mapping), checks each preview, submits, starts the
// task, watches the rows arrive in the list, stops it, opens it for editing
// (its saved password still masked: the page lists the databases and
// previews without it being typed again), and takes
// screenshots (1280x800 and 420x800). Any console error or page error fails
// the run. Exits 0 when every check passed, 1 with the reason otherwise.
//
// With K2TD_FLOW=kinit it checks the GSSAPI kinit command field instead, as
// the operator's `k2td serve --config` decides it (GET /api/config):
// K2TD_KINIT_EDITABLE=0 - read-only, showing the operator's command
// K2TD_KINIT_CMD, and a task sends no command of its own; =1 - editable,
// the operator's command as its placeholder, and a task sends what was
// typed.
//
// With K2TD_FLOW=fields it checks the security fields of each SASL
// mechanism and of SSL (shown only when chosen; the source DSN the form
// sends; a real login through the broker's SASL, SSL, mTLS and SASL_SSL
// listeners), a CSV file of samples, the ByTime start time, the messages
// beside the fields (no database, a missing topic, an unreachable broker,
// a misspelt filter field, a bad subtable name template), and that the
// saved task's secrets come back masked. K2TD_FIELDS (JSON, see
// test_browser.py) gives the listeners, credentials, files and names.
//
// Environment (tests/browser/test_browser.py sets it):
//   K2TD_URL, K2TD_USER, K2TD_PASSWORD      the service and its login
//   K2TD_BOOTSTRAP                          the Kafka broker (host:port)
//   K2TD_STANDIN_HOST, K2TD_STANDIN_PORT    the TDengine REST stand-in
//   K2TD_DB, K2TD_STABLE, K2TD_TOPIC        the target and the source
//   K2TD_TASK_NAME, K2TD_GROUP              what the form is filled with
//   K2TD_EXPECT                             JSON: what the previews and the
//                                           list must show (see the test)
//   K2TD_ARTIFACTS                          screenshot folder
//   K2TD_CHROMIUM                           browser (default /usr/bin/chromium)
//   K2TD_FLOW                               task (default), kinit or fields
//   K2TD_FIELDS                             the fields flow's settings
//   K2TD_KINIT_CMD, K2TD_KINIT_EDITABLE     the kinit flow's expectations
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { chromium } from 'playwright-core';

const env = (name, def) => {
  const v = process.env[name] ?? def;
  if (v === undefined) throw new Error(`${name} is not set`);
  return v;
};
const URL_ = env('K2TD_URL');
const flow = env('K2TD_FLOW', 'task');
const expect = flow === 'task' ? JSON.parse(env('K2TD_EXPECT')) : null;
const taskName = flow === 'task' ? env('K2TD_TASK_NAME') : null;
const artifacts = env('K2TD_ARTIFACTS', path.join(path.dirname(new URL(import.meta.url).pathname), 'artifacts'));
fs.mkdirSync(artifacts, { recursive: true });
for (const f of fs.readdirSync(artifacts)) if (f.endsWith('.png')) fs.rmSync(path.join(artifacts, f));

const problems = [];
// how many more 400 answers the flow provokes on purpose (not problems)
let badRequests = 0;
let shotNo = 0;

// Logs a step.
function step(text) {
  console.log(`flow: ${text}`);
}

// Saves a screenshot of page as NN-name.png in the artefacts folder.
async function shot(page, name, fullPage = true) {
  shotNo += 1;
  const file = path.join(artifacts, `${String(shotNo).padStart(2, '0')}-${name}.png`);
  await page.screenshot({ path: file, fullPage });
  step(`screenshot ${file}`);
}

// Saves a screenshot of the form section with id as section-<name>.png; the
// sticky bars are taken out of the way while it is taken.
async function sectionShot(page, id, name) {
  // through the CSSOM: the page's Content-Security-Policy refuses <style> elements
  const restyle = (on) => page.evaluate((on) => {
    for (const el of document.querySelectorAll('.topbar, .form-footer')) {
      if (on) el.style.setProperty('position', 'static', 'important');
      else el.style.removeProperty('position');
    }
    for (const el of document.querySelectorAll('.toasts')) {
      if (on) el.style.setProperty('display', 'none');
      else el.style.removeProperty('display');
    }
  }, on);
  await restyle(true);
  await page.locator(`#${id}`).screenshot({ path: path.join(artifacts, `section-${name}.png`) });
  await restyle(false);
}

// Returns the rows of the first table under the element matching selector
// as objects {header: cell text}.
async function tableRows(page, selector) {
  return page.$eval(selector, (root) => {
    const t = root.matches('table') ? root : root.querySelector('table');
    const heads = [...t.querySelectorAll('thead th')].map((th) => th.childNodes[0] ? th.childNodes[0].textContent.trim() : '');
    return [...t.querySelectorAll('tbody tr')].filter((tr) => !tr.classList.contains('empty')).map((tr) => {
      const cells = [...tr.children];
      if (cells.length === 2 && cells[1].colSpan > 1) return { '#': cells[0].textContent.trim(), error: cells[1].textContent.trim() };
      return Object.fromEntries(cells.map((td, i) => [heads[i] ?? String(i), td.textContent.trim()]));
    });
  });
}

// Waits until the preview box of part shows a result (not "Previewing…")
// and returns its text; fails when it shows an error notice.
async function previewDone(page, part) {
  const box = page.locator(`[data-preview="${part}"]`);
  await box.locator('.preview-body, .notice-error, table').first().waitFor();
  const err = box.locator(':scope > .notice-error');
  if (await err.count()) throw new Error(`the ${part} preview failed: ${await err.textContent()}`);
  return box.textContent();
}

// Returns the number in a cell text like "1,234".
const num = (text) => Number(String(text).replace(/[^0-9.-]/g, ''));

async function fillForm(page) {
  step('open the form');
  await page.getByRole('link', { name: '+ Add data source' }).first().click();
  await page.getByRole('heading', { name: 'Add data source' }).waitFor();

  step('submit the empty form: messages beside the required fields');
  await page.getByRole('button', { name: 'Submit' }).click();
  const nameErr = page.locator('[data-path="name"] .field-error');
  await nameErr.waitFor();
  assert.match(await nameErr.textContent(), /name/i);
  assert.ok(await page.locator('[data-path="from.topics"] .field-error').count(), 'no message beside Topics');
  await shot(page, 'form-validation', false);

  step('basic information');
  await page.locator('[data-path="name"] input').fill(taskName);
  await page.getByLabel('TDengine host', { exact: true }).fill(env('K2TD_STANDIN_HOST'));
  await page.getByLabel('TDengine port', { exact: true }).fill(env('K2TD_STANDIN_PORT'));
  await page.locator('[data-path="to.user"] input').fill(env('K2TD_STANDIN_USER', 'root'));
  await page.getByLabel('TDengine password', { exact: true }).fill(env('K2TD_STANDIN_PASSWORD', 'taosdata'));
  const db = env('K2TD_DB');
  await page.locator(`select[aria-label="Target database"] option[value="${db}"]`).waitFor({ state: 'attached' });
  await page.getByLabel('Target database', { exact: true }).selectOption(db);

  step('connection and collection');
  const [bhost, bport] = env('K2TD_BOOTSTRAP').split(',')[0].split(':');
  await page.getByLabel('Broker 1 host', { exact: true }).fill(bhost);
  await page.getByLabel('Broker 1 port', { exact: true }).fill(bport);
  await page.locator('[data-path="from.topics"] input').fill(env('K2TD_TOPIC'));
  await page.getByLabel('Consumer group ID', { exact: true }).fill(env('K2TD_GROUP'));
  const generated = await page.locator('[data-path="from.group"] code.generated').textContent();
  assert.equal(generated, `taosx${env('K2TD_GROUP')}`);
  await page.locator('[data-path="from.group"] .switch').click();
  assert.equal(await page.locator('[data-path="from.group"] code.generated').textContent(), `taosx<id>${env('K2TD_GROUP')}`);
  await page.locator('[data-path="from.group"] .switch').click();
  await page.getByLabel('Offset', { exact: true }).selectOption('earliest');

  step('connectivity check');
  await page.getByRole('button', { name: 'Connectivity check' }).click();
  await page.locator('.check-result .notice').nth(1).waitFor();
  const checks = await page.locator('.check-result .notice').allTextContents();
  assert.match(checks[0], /Kafka: connected/, checks[0]);
  assert.ok(checks[0].includes(env('K2TD_TOPIC')), checks[0]);
  assert.match(checks[1], /TDengine: connected/, checks[1]);

  step('samples from the server, parse preview');
  await page.getByRole('button', { name: 'Retrieve from server' }).click();
  const body = page.getByLabel('Message body', { exact: true });
  await page.waitForFunction(() => document.querySelector('textarea[aria-label="Message body"]').value.trim() !== '');
  const lines = (await body.inputValue()).split('\n').filter((l) => l.trim());
  assert.equal(lines.length, expect.messages, `samples retrieved: ${lines.length}`);
  retrievedSamples = lines;
  await page.getByRole('button', { name: 'Preview parsing' }).click();
  await previewDone(page, 'parse');
  const parsed = await tableRows(page, '[data-preview="parse"]');
  assert.equal(parsed.length, expect.messages);
  for (const f of expect.parsed_fields) assert.ok(f in parsed[0], `parsed field ${f} missing: ${JSON.stringify(parsed[0])}`);
  await sectionShot(page, 'sec-payload', 'payload');

  step('split rule and its preview');
  await page.locator('#sec-extract').getByRole('button', { name: '+ Add' }).click();
  await page.getByLabel('Rule 1 field', { exact: true }).fill(expect.split.field);
  await page.getByLabel('Rule 1 kind', { exact: true }).selectOption('split');
  await page.getByLabel('Separator', { exact: true }).fill(expect.split.separator);
  await page.getByLabel('Number of parts', { exact: true }).fill(String(expect.split.count));
  await page.locator('#sec-extract').getByRole('button', { name: 'Preview' }).click();
  await previewDone(page, 'extract');
  const split = await tableRows(page, '[data-preview="extract"]');
  assert.equal(split.length, expect.messages);
  for (const [k, v] of Object.entries(expect.split.example)) {
    assert.ok(split.some((r) => r[k] === v), `no split row with ${k} = ${v}: ${JSON.stringify(split[0])}`);
  }
  await sectionShot(page, 'sec-extract', 'extract');

  step('filter and its preview (the dropped row and why)');
  await page.locator('#sec-filter').getByRole('button', { name: '+ Add' }).click();
  await page.getByLabel('Filter 1', { exact: true }).fill(expect.filter.expr);
  await page.locator('#sec-filter').getByRole('button', { name: 'Preview' }).click();
  await previewDone(page, 'filter');
  const kept = await tableRows(page, '[data-preview="filter"] .preview-body > .table-wrap');
  assert.equal(kept.length, expect.rows);
  const dropped = await tableRows(page, '[data-preview="filter"] .dropped');
  assert.equal(dropped.length, expect.messages - expect.rows);
  assert.ok(dropped[0].Row.split(', ').includes(expect.filter.dropped_row), `dropped: ${dropped[0].Row}`);
  assert.ok(dropped[0].Reason.includes(expect.filter.expr), `reason: ${dropped[0].Reason}`);
  await sectionShot(page, 'sec-filter', 'filter');

  step('table mapping and its preview');
  const stable = env('K2TD_STABLE');
  await page.locator(`select[aria-label="Target supertable"] option[value="${stable}"]`).waitFor({ state: 'attached' });
  await page.getByLabel('Target supertable', { exact: true }).selectOption(stable);
  await page.locator('[data-path="parser.model.name"] input').fill(expect.template);
  for (const [col, r] of Object.entries(expect.rules)) {
    await page.getByLabel(`${col} rule`, { exact: true }).selectOption(r.rule);
    if (r.source !== undefined) await page.getByLabel(`${col} source field`, { exact: true }).fill(r.source);
    if (r.default !== undefined) await page.getByLabel(`${col} default value`, { exact: true }).fill(r.default);
    if (r.text !== undefined) await page.getByLabel(`${col} ${r.rule === 'format' ? 'template' : 'expression'}`, { exact: true }).fill(r.text);
  }
  await page.locator('#sec-mapping').getByRole('button', { name: 'Preview' }).click();
  await previewDone(page, 'mapping');
  const mapped = await tableRows(page, '[data-preview="mapping"] table.mapped');
  assert.equal(mapped.filter((r) => !r.error).length, expect.rows, JSON.stringify(mapped));
  for (const want of expect.mapped) {
    const row = mapped.find((r) => r.Subtable === want.Subtable);
    assert.ok(row, `no mapped row for ${want.Subtable}`);
    for (const [k, v] of Object.entries(want)) assert.equal(row[k], v, `mapped ${want.Subtable}.${k}`);
  }
  const sql = await page.locator('[data-preview="mapping"] pre.sql').textContent();
  assert.match(sql, /INSERT INTO/);
  for (const t of expect.mapped) assert.ok(sql.includes(t.Subtable), `SQL lacks ${t.Subtable}`);
  await sectionShot(page, 'sec-mapping', 'mapping');

  step('advanced options open and close');
  await page.locator('#sec-advanced > summary').click();
  await page.getByLabel('Character encoding', { exact: true }).waitFor();
  await sectionShot(page, 'sec-advanced', 'advanced');
  await page.locator('#sec-advanced > summary').click();
  await shot(page, 'form-filled');
}

// Opens the page and signs in; ends on the list of data sources.
async function signIn(page) {
  step(`open ${URL_}`);
  await page.goto(URL_);
  await page.locator('input[name="password"]').waitFor();
  await shot(page, 'login', false);
  await page.locator('input[name="user"]').fill(env('K2TD_USER'));
  await page.locator('input[name="password"]').fill(env('K2TD_PASSWORD'));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Data sources' }).waitFor();
}

// The sample messages the form retrieved from the server (fillForm).
let retrievedSamples = [];

// The task flow: a data source made through the form, run, stopped, edited.
async function taskFlow(page) {
  await signIn(page);
  await shot(page, 'list-empty', false);

  await fillForm(page);

  step('submit waits for a confirmation while the preview writes no row');
  const template = page.locator('[data-path="parser.model.name"] input');
  await template.fill('t_{nosuch}');
  await page.locator('#sec-mapping').getByRole('button', { name: 'Preview' }).click();
  await previewDone(page, 'mapping');
  assert.match(await page.locator('[data-preview="mapping"] ul.warnings').textContent(),
    /placeholder `nosuch` is in none of the sample rows/);
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  const warning = page.locator('.form-banner .notice-warn');
  await warning.waitFor();
  assert.match(await warning.textContent(),
    /writes no row \(subtable name: template variable `nosuch` is missing\)/);
  await page.getByRole('button', { name: 'Submit anyway', exact: true }).waitFor();
  await shot(page, 'submit-writes-nothing');
  await template.fill(expect.template);

  step('submit');
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  const row = page.locator('tr[data-task-id]', { has: page.getByRole('link', { name: taskName, exact: true }) });
  await row.waitFor();
  assert.equal((await row.locator('[data-k="state"]').textContent()).trim(), 'created');

  step('start; wait for the rows in the list');
  const id = await row.getAttribute('data-task-id');
  await row.getByRole('button', { name: `Start ${taskName}` }).click();
  await page.waitForFunction(([sel, want]) => {
    const cell = document.querySelector(sel);
    return cell && Number(cell.textContent.replace(/[^0-9]/g, '')) >= want;
  }, [`tr[data-task-id="${id}"] [data-k="written"]`, expect.rows], { timeout: 120000, polling: 500 });
  const written = num(await row.locator('[data-k="written"]').textContent());
  assert.equal(written, expect.rows, `rows written ${written}`);
  assert.equal((await row.locator('[data-k="state"]').textContent()).trim(), 'running');
  await shot(page, 'list-running', false);

  step('detail view');
  await row.getByRole('link', { name: taskName, exact: true }).click();
  await page.locator('[data-metric="written_rows"] .metric-value').waitFor();
  await page.waitForFunction((want) => {
    const el = document.querySelector('[data-metric="written_rows"] .metric-value');
    return el && Number(el.textContent.replace(/[^0-9]/g, '')) === want;
  }, expect.rows);
  await page.getByRole('tab', { name: 'Cumulative' }).click();
  await shot(page, 'detail');

  step('stop');
  await page.getByRole('button', { name: `Stop ${taskName}` }).click();
  await page.locator('h1 .badge.state-stopped').waitFor();
  await page.getByRole('link', { name: '← Data sources' }).click();
  await row.locator('[data-k="state"]:has-text("stopped")').waitFor();
  assert.equal(num(await row.locator('[data-k="written"]').textContent()), expect.rows);
  await shot(page, 'list-stopped', false);

  step('edit: the saved password (shown masked) still lists databases and previews');
  await page.goto(`${URL_}#/tasks/${id}/edit`);
  assert.equal(await page.getByLabel('TDengine password', { exact: true }).inputValue(), '******');
  await page.locator(`select[aria-label="Target database"] option[value="${env('K2TD_DB')}"]`)
    .waitFor({ state: 'attached' });
  // the samples were saved with the task
  const kept = (await page.getByLabel('Message body', { exact: true }).inputValue())
    .split('\n').filter((l) => l.trim());
  assert.deepEqual(kept, retrievedSamples, 'the samples of the saved task');
  await page.getByLabel('Message body', { exact: true })
    .fill('{"id": 7, "ts": 1764000000000, "message": "m7-x7", "v": 70}');
  await page.getByRole('button', { name: 'Preview parsing' }).click();
  await previewDone(page, 'parse');
  assert.equal((await tableRows(page, '[data-preview="parse"]')).length, 1);
  await page.locator('#sec-mapping').getByRole('button', { name: 'Preview' }).click();
  await previewDone(page, 'mapping');
  const edited = await tableRows(page, '[data-preview="mapping"] table.mapped');
  assert.equal(edited.length, 1);
  assert.equal(edited[0].Subtable, 't_7');
  await page.goto(`${URL_}#/tasks`);
  await page.getByRole('heading', { name: 'Data sources' }).waitFor();

  step('narrow window');
  await page.setViewportSize({ width: 420, height: 800 });
  await page.waitForFunction(() => window.matchMedia('(max-width: 720px)').matches);
  await shot(page, 'narrow-list');
  await page.getByRole('link', { name: '+ Add data source' }).first().click();
  await page.getByRole('heading', { name: 'Add data source' }).waitFor();
  await shot(page, 'narrow-form', false);
  await shot(page, 'narrow-form-full');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `the narrow page scrolls sideways by ${overflow}px`);

  step('log out');
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.locator('input[name="password"]').waitFor();
}

// Returns the source DSN the page sends to /api/check (answered here, not
// by the service) when the Connectivity check button is pressed.
async function checkedSource(page) {
  let sent = null;
  await page.route('**/api/check', async (route) => {
    sent = route.request().postDataJSON();
    const no = { ok: false, error: 'not checked by this test' };
    await route.fulfill({ status: 200, contentType: 'application/json',
      body: JSON.stringify({ kafka: no, tdengine: no }) });
  });
  await page.getByRole('button', { name: 'Connectivity check' }).click();
  await page.locator('.check-result .notice').nth(1).waitFor();
  await page.unroute('**/api/check');
  assert.ok(sent && typeof sent.from === 'string', `no check request: ${JSON.stringify(sent)}`);
  return sent.from;
}

// The kinit flow: the GSSAPI kinit command field as the operator's config
// decides it.
async function kinitFlow(page) {
  const operatorCmd = env('K2TD_KINIT_CMD');
  const editable = env('K2TD_KINIT_EDITABLE') === '1';
  await signIn(page);
  await page.getByRole('link', { name: '+ Add data source' }).first().click();
  await page.getByRole('heading', { name: 'Add data source' }).waitFor();

  step('SASL with GSSAPI');
  await page.locator('#sec-sasl label.switch').first().click();
  await page.locator('#sec-sasl').getByText('GSSAPI', { exact: true }).click();
  const kinit = page.getByLabel('kinit command', { exact: true });
  await kinit.waitFor();
  const hint = page.locator('[data-path="from.sasl.kerberos.kinit.cmd"] .hint');
  const clientCmd = 'kinit -k -t /var/lib/k2td/client.keytab client@EXAMPLE.COM';
  if (editable) {
    step('the field is editable, the operator\'s command its placeholder');
    assert.equal(await kinit.isEditable(), true, 'the kinit field is read-only');
    assert.equal(await kinit.getAttribute('placeholder'), operatorCmd);
    assert.equal(await kinit.inputValue(), '');
    assert.equal(await hint.count(), 0);
    await kinit.fill(clientCmd);
  } else {
    step('the field is read-only and shows the operator\'s command');
    assert.equal(await kinit.isEditable(), false, 'the kinit field is editable');
    assert.equal(await kinit.inputValue(), operatorCmd);
    assert.match(await hint.textContent(), /Set by the operator of the service/);
  }
  await sectionShot(page, 'sec-sasl', editable ? 'kinit-editable' : 'kinit-read-only');

  step('what a task sends');
  // the check needs a target database: one listed here (and no supertable
  // in it), not by a TDengine
  const answer = (doc) => (route) => route.fulfill({ status: 200, contentType: 'application/json',
    body: JSON.stringify(doc) });
  await page.route('**/api/target/databases', answer({ databases: ['kdb'] }));
  await page.route('**/api/target/stables', answer({ stables: [] }));
  const dbSelect = page.getByLabel('Target database', { exact: true });
  await dbSelect.focus();
  await dbSelect.locator('option[value="kdb"]').waitFor({ state: 'attached' });
  await dbSelect.selectOption('kdb');
  const from = await checkedSource(page);
  const query = new URLSearchParams(from.slice(from.indexOf('?') + 1));
  assert.equal(query.get('sasl.mechanisms') ?? query.get('sasl_mechanism'), 'GSSAPI', from);
  const sent = query.get('sasl.kerberos.kinit.cmd') ?? query.get('sasl_kerberos_kinit_cmd');
  assert.equal(sent, editable ? clientCmd : null, `the kinit command sent: ${from}`);
}

// Returns the query of source DSN from as a Map (keys and values decoded).
function dsnQuery(from) {
  return new Map([...new URLSearchParams(from.slice(from.indexOf('?') + 1))]);
}

// Returns the field messages shown beside the fields, as {data-path: text}.
async function fieldErrors(page) {
  return page.$$eval('.field .field-error', (els) => Object.fromEntries(els.map((el) =>
    [el.closest('[data-path]') ? el.closest('[data-path]').dataset.path : '', el.textContent])));
}

// Presses Connectivity check and returns the texts of its two notices.
async function connectivity(page) {
  const box = page.locator('.check-result');
  const button = page.getByRole('button', { name: 'Connectivity check' });
  await button.click();
  await page.waitForFunction(() => {
    const b = [...document.querySelectorAll('button')].find((x) => x.textContent.includes('Connectivity check'));
    return b && !b.disabled;
  });
  return box.locator('.notice').allTextContents();
}

// Asserts which of the fields with data-paths `paths` are in the page.
async function shown(page, want) {
  for (const [p, on] of Object.entries(want)) {
    const n = await page.locator(`[data-path="${p}"]`).count();
    assert.equal(n > 0, on, `field ${p} is ${n ? 'shown' : 'not shown'}`);
  }
}

// Uploads a file of name with content through the hidden file input
// labelled label; waits until the control shows its name.
async function upload(page, label, name, content) {
  const input = page.getByLabel(label, { exact: true });
  await input.setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(content) });
  await input.locator('xpath=..').locator('.upload-name code').waitFor();
}

// The fields flow: the security fields of each SASL mechanism and of SSL
// (what they show, what the form sends, a real login through each listener
// of the broker), a CSV sample upload, the ByTime start offset, and errors
// beside the field they are about. Ends with a saved task (SASL_SSL with a
// client certificate, ByTime) whose secrets the page shows masked.
async function fieldsFlow(page) {
  const x = JSON.parse(env('K2TD_FIELDS'));
  await signIn(page);
  await page.getByRole('link', { name: '+ Add data source' }).first().click();
  await page.getByRole('heading', { name: 'Add data source' }).waitFor();
  await page.locator('[data-path="name"] input').fill(x.name);
  await page.getByLabel('TDengine host', { exact: true }).fill(env('K2TD_STANDIN_HOST'));
  await page.getByLabel('TDengine port', { exact: true }).fill(env('K2TD_STANDIN_PORT'));
  await page.getByLabel('TDengine password', { exact: true }).fill(env('K2TD_STANDIN_PASSWORD'));
  const broker = async (address) => {
    const [host, port] = address.split(':');
    await page.getByLabel('Broker 1 host', { exact: true }).fill(host);
    await page.getByLabel('Broker 1 port', { exact: true }).fill(port);
  };
  const topics = page.locator('[data-path="from.topics"] input');
  await broker(x.plain);
  await topics.fill(x.topic);

  step('no target database: the check says so beside the database, in plain words');
  const dbOption = page.locator(`select[aria-label="Target database"] option[value="${x.db}"]`);
  await dbOption.waitFor({ state: 'attached' });  // the list is loaded, none chosen
  let notes = await connectivity(page);
  let errs = await fieldErrors(page);
  assert.ok(errs['to.database'], `no message beside Target database: ${JSON.stringify(errs)} ${notes}`);
  assert.match(errs['to.database'], /database/i);
  assert.doesNotMatch(errs['to.database'], /DSN|to:|expected/, errs['to.database']);
  assert.equal(errs.to, undefined, `a message beside the address: ${errs.to}`);
  await page.getByLabel('Target database', { exact: true }).selectOption(x.db);

  step('a missing topic: beside Topics, not Brokers');
  await topics.fill(`${x.topic}_nosuch`);
  notes = await connectivity(page);
  errs = await fieldErrors(page);
  assert.match(notes[0], /Kafka: failed/, notes[0]);
  step(`  beside Topics: ${errs['from.topics']}`);
  assert.ok(errs['from.topics'] && errs['from.topics'].includes(`${x.topic}_nosuch`),
    `Topics: ${JSON.stringify(errs)}`);
  assert.equal(errs.from, undefined, `a message beside Brokers: ${errs.from}`);
  await topics.fill(x.topic);

  step('an unreachable broker: beside Brokers, not Topics');
  await broker(x.closed);
  notes = await connectivity(page);
  errs = await fieldErrors(page);
  assert.match(notes[0], /Kafka: failed/, notes[0]);
  step(`  beside Brokers: ${errs.from}`);
  assert.ok(errs.from, `Brokers: ${JSON.stringify(errs)}`);
  assert.equal(errs['from.topics'], undefined, `a message beside Topics: ${errs['from.topics']}`);

  step('SASL: each mechanism shows its own fields');
  const sasl = page.locator('#sec-sasl');
  const userPass = { 'from.sasl.username': true, 'from.sasl.password': true };
  const kerberos = { 'from.sasl.kerberos.principal': true, 'from.sasl.kerberos.service.name': true,
    'from.sasl.kerberos.keytab': true, 'from.sasl.kerberos.kinit.cmd': true };
  const off = (o) => Object.fromEntries(Object.keys(o).map((k) => [k, false]));
  await shown(page, { ...off(userPass), ...off(kerberos) });
  await sasl.locator('label.switch').first().click();
  await shown(page, { ...userPass, ...off(kerberos) });
  const mechanism = async (m) => { await sasl.getByText(m, { exact: true }).click(); };
  for (const m of ['SCRAM-SHA-256', 'SCRAM-SHA-512', 'PLAIN']) {
    await mechanism(m);
    await shown(page, { ...userPass, ...off(kerberos) });
    await page.locator('[data-path="from.sasl.username"] input').fill(`${m}-user`);
    await page.getByLabel('SASL password', { exact: true }).fill(`${m}-Pa55`);
    const q = dsnQuery(await checkedSource(page));
    assert.equal(q.get('security.protocol'), 'sasl_plaintext');
    assert.equal(q.get('sasl.mechanisms'), m);
    assert.equal(q.get('sasl.username'), `${m}-user`);
    assert.equal(q.get('sasl.password'), `${m}-Pa55`);
    assert.ok(![...q.keys()].some((k) => k.startsWith('sasl.kerberos') || k.startsWith('ssl.')), [...q.keys()].join());
  }
  await mechanism('GSSAPI');
  await shown(page, { ...off(userPass), ...kerberos });
  await page.locator('[data-path="from.sasl.kerberos.principal"] input').fill(x.principal);
  await page.locator('[data-path="from.sasl.kerberos.service.name"] input').fill('kafka-svc');
  await upload(page, 'Keytab file', 'client.keytab', 'not really a keytab');
  let q = dsnQuery(await checkedSource(page));
  assert.equal(q.get('sasl.mechanisms'), 'GSSAPI');
  assert.equal(q.get('sasl.kerberos.principal'), x.principal);
  assert.equal(q.get('sasl.kerberos.service.name'), 'kafka-svc');
  assert.match(q.get('sasl.kerberos.keytab') || '', /^upload:\d+$/);
  assert.ok(!q.has('sasl.username') && !q.has('sasl.password'), [...q.keys()].join());
  await sectionShot(page, 'sec-sasl', 'sasl-gssapi');

  step('a wrong SASL password: beside the password, naming the mechanism and user');
  await mechanism('PLAIN');
  await page.locator('[data-path="from.sasl.username"] input').fill(x.user);
  await page.getByLabel('SASL password', { exact: true }).fill('Wrong-Pa55word');
  await broker(x.sasl);
  notes = await connectivity(page);
  errs = await fieldErrors(page);
  step(`  beside Password: ${errs['from.sasl.password']}`);
  assert.ok(errs['from.sasl.password'] && errs['from.sasl.password'].includes(`(SASL PLAIN as user \`${x.user}\`)`),
    `Password: ${JSON.stringify(errs)}`);
  assert.equal(errs.from, undefined, `a message beside Brokers: ${errs.from}`);
  assert.ok(!errs['from.sasl.password'].includes('Wrong-Pa55word'), errs['from.sasl.password']);

  step('SASL PLAIN logs in through the SASL listener');
  await page.getByLabel('SASL password', { exact: true }).fill(x.password);
  notes = await connectivity(page);
  assert.match(notes[0], /Kafka: connected/, notes[0]);
  assert.deepEqual(await fieldErrors(page), {});

  step('SASL off: its fields go, and so do its settings');
  await sasl.locator('label.switch').first().click();
  await shown(page, { ...off(userPass), ...off(kerberos) });
  q = dsnQuery(await checkedSource(page));
  assert.ok(![...q.keys()].some((k) => k.startsWith('sasl') || k === 'security.protocol'), [...q.keys()].join());

  step('SSL: its fields show only when it is on');
  const sslSec = page.locator('#sec-ssl');
  const sslFields = { 'from.ssl.ca.location': true, 'from.ssl.certificate.location': true,
    'from.ssl.key.location': true, 'from.ssl.key.password': true };
  await shown(page, off(sslFields));
  await sslSec.locator('label.switch').first().click();
  await shown(page, sslFields);
  await upload(page, 'CA certificate', 'ca.pem', fs.readFileSync(x.ca));
  await broker(x.ssl);
  q = dsnQuery(await checkedSource(page));
  assert.equal(q.get('security.protocol'), 'ssl');
  assert.match(q.get('ssl.ca.location') || '', /^upload:\d+$/);
  assert.ok(!q.has('ssl.certificate.location') && !q.has('ssl.key.location'), [...q.keys()].join());
  notes = await connectivity(page);
  assert.match(notes[0], /Kafka: connected/, `SSL with the uploaded CA: ${notes[0]}`);

  step('a client certificate and its key log in through the mTLS listener');
  await upload(page, 'Client certificate', 'client.pem', fs.readFileSync(x.cert));
  await upload(page, 'Client key', 'client.key', fs.readFileSync(x.key));
  await page.getByLabel('Key password', { exact: true }).fill(x.keyPassword);
  await broker(x.mtls);
  q = dsnQuery(await checkedSource(page));
  assert.match(q.get('ssl.certificate.location') || '', /^upload:\d+$/);
  assert.match(q.get('ssl.key.location') || '', /^upload:\d+$/);
  assert.equal(q.get('ssl.key.password'), x.keyPassword);
  notes = await connectivity(page);
  assert.match(notes[0], /Kafka: connected/, `mTLS: ${notes[0]}`);
  await sectionShot(page, 'sec-ssl', 'ssl');

  step('SSL off: its fields go, and so do its settings');
  await sslSec.locator('label.switch').first().click();
  await shown(page, off(sslFields));
  q = dsnQuery(await checkedSource(page));
  assert.ok(![...q.keys()].some((k) => k.startsWith('ssl') || k === 'security.protocol'), [...q.keys()].join());
  await sslSec.locator('label.switch').first().click();
  await shown(page, sslFields);

  step('SASL PLAIN over SSL with the client certificate (what is saved)');
  await sasl.locator('label.switch').first().click();
  await mechanism('PLAIN');
  await page.locator('[data-path="from.sasl.username"] input').fill(x.user);
  await page.getByLabel('SASL password', { exact: true }).fill(x.password);
  await broker(x.saslSsl);

  step('ByTime: the start time appears and goes with the check');
  const startTime = page.locator('[data-path="from.start_time"]');
  assert.equal(await startTime.isVisible(), false, 'the start time shows with Earliest');
  await page.getByLabel('Offset', { exact: true }).selectOption('bytime');
  await startTime.waitFor();
  await page.getByLabel('Start time', { exact: true }).fill(x.startLocal);
  const startIso = await page.evaluate((t) => new Date(t).toISOString().replace('.000Z', 'Z'), x.startLocal);
  q = dsnQuery(await checkedSource(page));
  assert.equal(q.get('fallback_offset'), 'bytime');
  assert.equal(q.get('start_time'), startIso);
  notes = await connectivity(page);
  assert.match(notes[0], /Kafka: connected/, `SASL_SSL, ByTime: ${notes[0]}`);
  assert.match(notes[1], /TDengine: connected/, notes[1]);

  step('CSV upload of sample messages, and the parse preview of them');
  const csv = ['key,value', ...x.csv.map((v, i) => `k${i},"${v.replace(/"/g, '""')}"`)].join('\n');
  await page.getByLabel('Sample file', { exact: true }).setInputFiles({ name: 'samples.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.waitForFunction((n) => document.querySelector('textarea[aria-label="Message body"]').value
    .split('\n').filter((l) => l.trim()).length === n, x.csv.length);
  assert.deepEqual((await page.getByLabel('Message body', { exact: true }).inputValue()).split('\n'), x.csv);
  await page.getByRole('button', { name: 'Preview parsing' }).click();
  await previewDone(page, 'parse');
  const parsed = await tableRows(page, '[data-preview="parse"]');
  assert.deepEqual(parsed.map((r) => r.id), x.csv.map((v) => String(JSON.parse(v).id)));

  step('a misspelt field in a filter: a warning under the filter');
  await page.locator('#sec-filter').getByRole('button', { name: '+ Add' }).click();
  await page.getByLabel('Filter 1', { exact: true }).fill('idd > 0');
  await page.locator('#sec-filter').getByRole('button', { name: 'Preview' }).click();
  await previewDone(page, 'filter');
  assert.match(await page.locator('#sec-filter [data-preview="filter"] ul.warnings').textContent(),
    /`idd` is in none of the sample rows.*did you mean `id`/);
  await page.getByLabel('Filter 1', { exact: true }).fill('id > 0');

  step('a bad subtable name template: beside the subtable name');
  await page.locator(`select[aria-label="Target supertable"] option[value="${x.stable}"]`).waitFor({ state: 'attached' });
  await page.getByLabel('Target supertable', { exact: true }).selectOption(x.stable);
  const template = page.locator('[data-path="parser.model.name"] input');
  await template.fill('t_{id');
  badRequests += 1;
  await page.locator('#sec-mapping').getByRole('button', { name: 'Preview' }).click();
  const templateErr = page.locator('[data-path="parser.model.name"] .field-error');
  await templateErr.waitFor();
  step(`  beside the subtable name: ${await templateErr.textContent()}`);
  assert.match(await templateErr.textContent(), /placeholder opened at offset 2 is not closed/);
  errs = await fieldErrors(page);
  assert.deepEqual(Object.keys(errs), ['parser.model.name'], JSON.stringify(errs));
  await template.fill('t_{id}');
  await page.locator('#sec-mapping').getByRole('button', { name: 'Preview' }).click();
  await previewDone(page, 'mapping');

  step('submit; the saved secrets come back masked');
  await page.getByRole('button', { name: 'Submit', exact: true }).click();
  const row = page.locator('tr[data-task-id]', { has: page.getByRole('link', { name: x.name, exact: true }) });
  await row.waitFor();
  const id = await row.getAttribute('data-task-id');
  const saved = await (await page.request.get(`${URL_}api/tasks/${id}`)).json();
  assert.ok(!JSON.stringify(saved).includes(x.password), 'the SASL password in the API answer');
  assert.ok(!JSON.stringify(saved).includes(x.keyPassword), 'the key password in the API answer');
  await page.goto(`${URL_}#/tasks/${id}/edit`);
  await page.getByRole('heading', { name: `Edit data source: ${x.name}` }).waitFor();
  assert.equal(await page.getByLabel('SASL password', { exact: true }).inputValue(), '******');
  assert.equal(await page.getByLabel('Key password', { exact: true }).inputValue(), '******');
  assert.equal(await page.locator('[data-path="from.sasl.username"] input').inputValue(), x.user);
  assert.equal(await page.getByLabel('Offset', { exact: true }).inputValue(), 'bytime');
  assert.equal(await page.getByLabel('Start time', { exact: true }).inputValue(), x.startLocal);
  const html = await page.content();
  assert.ok(!html.includes(x.password) && !html.includes(x.keyPassword), 'a secret in the page');
  step('the edited task still logs in with its saved (masked) secrets');
  notes = await connectivity(page);
  assert.match(notes[0], /Kafka: connected/, `edit: ${notes[0]}`);
  await shot(page, 'fields-edit');
}

const browser = await chromium.launch({
  executablePath: env('K2TD_CHROMIUM', '/usr/bin/chromium'),
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking'],
});
let failed = null;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  // generous: every wait ends as soon as its state is reached, and a loaded
  // machine may take long for one
  page.setDefaultTimeout(60000);
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    // the browser logs every 400 answer; those a step provokes are expected
    if (badRequests > 0 && /status of 400/.test(m.text())) badRequests -= 1;
    else problems.push(`console error: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  try {
    await ({ kinit: kinitFlow, fields: fieldsFlow, task: taskFlow })[flow](page);
  } catch (e) {
    failed = e;
    await shot(page, 'failure').catch(() => {});
  }
} finally {
  await browser.close();
}
if (failed) {
  console.error(`flow: FAILED: ${failed.stack || failed}`);
}
for (const p of problems) console.error(`flow: ${p}`);
if (failed || problems.length) process.exit(1);
console.log('flow: all checks passed');
