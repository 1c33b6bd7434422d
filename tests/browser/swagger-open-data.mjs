// Real-browser walk of the anonymous open-data API (/open/v1) through Swagger UI, as a data user
// would try it out, without authorizing:
//   GET /status (the feed's head and the counts); GET /programmes with a limit; GET /programmes/{code}
//   with a code read from that list; GET /changes after a cursor a few entries before the head, as
//   merge patches (view=patch); then a cursor that is not a number (after=abc), which Swagger UI
//   itself refuses to send (the contract's pattern), and a cursor beyond the head, which it sends and
//   the service answers with a 400 problem document.
// Every request is made by filling in and executing operations in Swagger UI (Debian's Chromium,
// driven by playwright-core); cursors and codes are read from the rendered responses.
// Usage: node swagger-open-data.mjs [baseUrl]   (default http://127.0.0.1:5080)
// Env:   SCREENSHOT_DIR where screenshots go (default .): swagger-open-data-problem.png (the 400
//                       response) and swagger-open-data.png (the whole page on exit)
//        CHROMIUM_PATH  (default /usr/bin/chromium)
// Prints one PASS/FAIL line per step (SKIP for steps after a failure) and exits 1 on any failure
// (2 on the overall timeout). Steps, timeouts, the browser and the Swagger UI helpers all walks
// share are in swagger-walk.mjs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createWalk } from './swagger-walk.mjs';

const base = (process.argv[2] || 'http://127.0.0.1:5080').replace(/\/+$/, '');
const shotDir = process.env.SCREENSHOT_DIR || '.';
const problemShot = join(shotDir, 'swagger-open-data-problem.png');
const pageShot = join(shotDir, 'swagger-open-data.png');
mkdirSync(shotDir, { recursive: true });
const OVERALL_MS = 120_000;
const STEP_MS = 25_000; // one whole step (open, fill, execute, read)
const ACTION_MS = 10_000; // one click, fill or wait inside a step
const LIMIT = 5; // page size asked of the programme list
const BACK = 3; // how many entries before the head the feed is read from

const walk = createWalk({ overallMs: OVERALL_MS, stepMs: STEP_MS, actionMs: ACTION_MS, pageShot });
const { check, step, must, sleep, until, operation, open, collapse, shootResponse } = walk;
let page; // Swagger UI's page, once the browser runs

const isCursor = (v) => typeof v === 'string' && /^[0-9]+$/.test(v); // feed cursors are decimal strings

// ---- Swagger UI, the way a person uses it --------------------------------------------------------
// operation(), open(), collapse() and shootResponse() come from swagger-walk.mjs; every element is a
// locator, so each use looks it up again in whatever Swagger UI has re-rendered by then.

async function fill(op, inputs) {
  for (const [name, value] of Object.entries(inputs)) {
    const row = op.locator(`tr[data-param-name="${name}"]`).first();
    const select = row.locator('select');
    if (await select.count()) { await select.first().selectOption(value); continue; }
    const input = row.locator('input').first();
    await input.fill(value);
    await input.press('Tab'); // the parameter inputs are debounced; leaving the field commits them
  }
  await sleep(600); // let the debounced editors hand their values to Swagger UI's state
  // A response from an earlier run of this operation would stay on screen: clear it first.
  const clear = op.locator('button.btn-clear');
  if (await clear.count()) {
    await clear.first().click();
    await op.locator('.live-responses-table').waitFor({ state: 'detached' });
  }
}

// Fills the operation's inputs, executes it and reads what Swagger UI renders: status code, body,
// headers, the request URL and the curl command it sent (to prove the inputs were taken and that
// no credentials went with them). path: path inputs; query: query inputs, typed in or, for a
// parameter with an enum, chosen from its drop-down.
async function execute(op, { path = {}, query = {}, expect }) {
  await open(op);
  await fill(op, { ...path, ...query });
  if (expect >= 400) expectedErrors.push(String(expect));
  await op.locator('.btn.execute').first().click();

  const status = op.locator('.live-responses-table .response .response-col_status').first();
  const invalid = op.locator('.validation-errors, input.invalid, textarea.invalid, select.invalid');
  await until('a rendered response (or Swagger UI refusing the inputs)', async () =>
    (await status.count()) > 0 || (await invalid.count()) > 0, 20_000);
  if (!(await status.count())) {
    const errs = (await invalid.first().innerText().catch(() => '')) || 'an input is marked invalid';
    throw new Error(`Swagger UI did not send the request: ${errs.replace(/\s+/g, ' ').trim()}`);
  }

  const detail = op.locator('.live-responses-table .response .response-col_description').first();
  const section = (title) => detail.locator(':scope > div').filter({ has: page.locator('h5', { hasText: title }) })
    .locator('pre').first();
  const code = (await status.innerText()).trim().match(/^\d{3}/)?.[0] ?? '';
  const text = (await section('Response body').count()) ? await section('Response body').textContent() : '';
  const headerText = (await section('Response headers').count()) ? await section('Response headers').textContent() : '';
  const url = (await op.locator('.request-url pre').first().textContent().catch(() => '')).trim();
  const curl = (await op.locator('.curl-command pre').first().textContent().catch(() => '')) || '';
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  const contentType = headerText.match(/\bcontent-type:\s*([^\s;]+)/i)?.[1];

  must(code === String(expect),
    `rendered status ${code || '(none)'}, expected ${expect}: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
  must(curl && !/authorization:/i.test(curl), 'the request was sent with an Authorization header (open data is anonymous)');
  const sentPath = new URL(url, base).pathname;
  for (const [name, value] of Object.entries(path)) {
    must(sentPath.split('/').includes(encodeURIComponent(value)), `request URL ${url} lacks the ${name} ${value}`);
  }
  const sent = new URL(url, base).searchParams;
  for (const [name, value] of Object.entries(query)) {
    // An emptied input is left out of the request.
    const expected = value === '' ? [] : [String(value)];
    must(JSON.stringify(sent.getAll(name)) === JSON.stringify(expected),
      `request URL ${url} has ${name}=${JSON.stringify(sent.getAll(name))}, expected ${JSON.stringify(expected)}`);
  }
  must(json !== undefined, `the rendered response body is not JSON: ${text.slice(0, 200)}`);
  return { code, json, url, contentType };
}

// Fills the operation's inputs and presses Execute expecting Swagger UI to refuse: the named input
// is marked invalid and no response is rendered. Answers with what Swagger UI says of the input.
async function refused(op, query, name) {
  await open(op);
  await fill(op, query);
  await op.locator('.btn.execute').first().click();
  const input = op.locator(`tr[data-param-name="${name}"] input.invalid`);
  await until(`the ${name} input to be marked invalid`, async () => (await input.count()) > 0);
  await sleep(1_000); // time enough for a request, had one been sent, to be rendered
  must(!(await op.locator('.live-responses-table').count()), 'a response was rendered: the request was sent');
  const said = (await input.first().getAttribute('title')) ||
    (await op.locator(`tr[data-param-name="${name}"] .validation-errors, tr[data-param-name="${name}"] .errors`)
      .first().innerText().catch(() => '')) || 'marked invalid';
  return said.replace(/\s+/g, ' ').trim();
}

// ---- the walk -------------------------------------------------------------------------------------
const expectedErrors = []; // HTTP statuses >= 400 the walk asks for: the browser logs each as a console error
const seen = { head: undefined, code: undefined, registered: undefined };
const O = '/open/v1';
try {
  page = await walk.launch();

  await step('Swagger UI opens with the open-data operations, nobody authorized', async () => {
    const nav = await page.goto(`${base}/swagger`, { waitUntil: 'domcontentloaded' });
    must(nav?.status() === 200, `GET /swagger answered ${nav?.status()}`);
    await operation('get', `${O}/status`).waitFor({ timeout: 20_000 }); // the first one waits for the document
    for (const path of [`${O}/status`, `${O}/programmes`, `${O}/programmes/{code}`, `${O}/changes`]) {
      await operation('get', path).waitFor();
    }
    const authorized = page.locator('.auth-wrapper .btn.authorize.locked');
    must(!(await authorized.count()), 'the Authorize button shows a token already given');
    return `${await page.locator('.opblock').count()} operations rendered`;
  });

  await step('GET /open/v1/status shows the feed head and the published counts (200)', async () => {
    const op = operation('get', `${O}/status`);
    const r = await execute(op, { expect: 200 });
    must(isCursor(r.json.head), `head ${JSON.stringify(r.json.head)} is not a feed cursor`);
    must(Number(r.json.head) > BACK, `head ${r.json.head}: the feed has no more than ${BACK} entries`);
    must(r.json.oldestCursor === '0', `oldestCursor ${JSON.stringify(r.json.oldestCursor)}, expected "0"`);
    const counts = r.json.counts?.programme;
    must(Number.isInteger(counts?.registered) && counts.registered >= LIMIT,
      `counts.programme ${JSON.stringify(counts)}: fewer than ${LIMIT} registered programmes`);
    must(counts.total === counts.registered + counts.deregistered, `counts.programme ${JSON.stringify(counts)} do not add up`);
    must(!Number.isNaN(Date.parse(r.json.lastChangeAt ?? '')), `lastChangeAt ${JSON.stringify(r.json.lastChangeAt)} is not a time`);
    Object.assign(seen, { head: r.json.head, registered: counts.registered });
    await collapse(op);
    return `head ${r.json.head}, programmes ${JSON.stringify(counts)}, last change ${r.json.lastChangeAt}`;
  });

  await step(`GET /open/v1/programmes?limit=${LIMIT} lists a page of published programmes`, async () => {
    const op = operation('get', `${O}/programmes`);
    // Try it out fills q with its documented example: empty it, for the plain list by code.
    const r = await execute(op, { query: { q: '', limit: String(LIMIT) }, expect: 200 });
    must(!/[?&]q=/.test(r.url), `the request still carries a search text: ${r.url}`);
    const items = r.json.items;
    must(Array.isArray(items), `no items array: ${JSON.stringify(r.json).slice(0, 200)}`);
    must(items.length === LIMIT, `${items.length} items, expected ${LIMIT} (limit=${LIMIT}) from ${r.url}`);
    must(items.every((i) => typeof i.code === 'string' && i.code), 'an item has no code');
    const codes = items.map((i) => i.code);
    must(JSON.stringify(codes) === JSON.stringify([...codes].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))),
      `codes ${codes.join(', ')} are not in code order`);
    must(typeof r.json.next === 'string' && /[?&]cursor=/.test(r.json.next),
      `next ${JSON.stringify(r.json.next)} has no cursor, with more than ${LIMIT} registered programmes`);
    seen.code = codes[0];
    await collapse(op);
    return `${r.url.replace(base, '')} → ${codes.join(', ')}; next ${r.json.next.replace(base, '')}`;
  });

  await step('GET /open/v1/programmes/{code} answers with the record read from the list', async () => {
    const op = operation('get', `${O}/programmes/{code}`);
    const r = await execute(op, { path: { code: seen.code }, expect: 200 });
    must(r.json.code === seen.code, `code ${JSON.stringify(r.json.code)}, expected ${seen.code}`);
    must(['registered', 'deregistered'].includes(r.json.status), `status ${JSON.stringify(r.json.status)} is not a published one`);
    must(typeof r.json.name?.lt === 'string' || typeof r.json.data?.name?.lt === 'string',
      `no Lithuanian name: ${JSON.stringify(r.json).slice(0, 200)}`);
    await collapse(op);
    return `${r.url.replace(base, '')} → ${r.json.code} ${r.json.status}, keys ${Object.keys(r.json).slice(0, 8).join(', ')}`;
  });

  await step(`GET /open/v1/changes?after=head-${BACK}&view=patch reads the last entries as patches`, async () => {
    const after = String(Number(seen.head) - BACK);
    const op = operation('get', `${O}/changes`);
    const r = await execute(op, { query: { after, view: 'patch' }, expect: 200 });
    const { items } = r.json;
    must(Array.isArray(items), `no items array: ${JSON.stringify(r.json).slice(0, 200)}`);
    must(isCursor(r.json.head) && Number(r.json.head) >= Number(seen.head),
      `head ${JSON.stringify(r.json.head)}, expected at least the status's ${seen.head}`);
    // Gap-free: exactly the entries after the cursor up to the head, numbered one by one.
    const want = Array.from({ length: Number(r.json.head) - Number(after) }, (_, i) => String(Number(after) + 1 + i));
    const cursors = items.map((e) => e.cursor);
    must(JSON.stringify(cursors) === JSON.stringify(want), `entry cursors [${cursors.join(', ')}], expected [${want.join(', ')}]`);
    must(r.json.cursor === cursors.at(-1), `cursor ${JSON.stringify(r.json.cursor)}, expected the last entry's ${cursors.at(-1)}`);
    must(items.every((e) => e.patch && typeof e.patch === 'object' && !('record' in e)),
      'an entry carries no patch object (or a full record) although view=patch');
    must(items.every((e) => e.op && e.type && e.code), 'an entry lacks op, type or code');
    must(typeof r.json.next === 'string' && r.json.next.includes(`after=${r.json.cursor}`),
      `next ${JSON.stringify(r.json.next)} does not continue after ${r.json.cursor}`);
    await collapse(op);
    return `${r.url.replace(base, '')} → ${items.map((e) => `${e.cursor} ${e.op} ${e.type} ${e.code}`).join('; ')}; head ${r.json.head}`;
  });

  await step('GET /open/v1/changes?after=abc is refused by Swagger UI itself (after must be digits)', async () => {
    const op = operation('get', `${O}/changes`);
    const said = await refused(op, { after: 'abc', view: 'record' }, 'after');
    return `the after input says: ${said}`;
  });

  await step('GET /open/v1/changes?after=head+1000 is answered with a 400 problem about after', async () => {
    const after = String(Number(seen.head) + 1000);
    const op = operation('get', `${O}/changes`);
    const r = await execute(op, { query: { after, view: 'record' }, expect: 400 });
    await shootResponse(op, problemShot);
    must(r.contentType === 'application/problem+json', `content type ${r.contentType}, expected application/problem+json`);
    must(r.json.status === 400, `problem status ${JSON.stringify(r.json.status)}, expected 400`);
    must(typeof r.json.title === 'string' && r.json.title, 'the problem has no title');
    must(JSON.stringify(r.json.codes?.after) === '["cursor.ahead"]',
      `codes.after ${JSON.stringify(r.json.codes?.after)}, expected ["cursor.ahead"]`);
    must(Array.isArray(r.json.errors?.after) && r.json.errors.after.length === 1, `errors ${JSON.stringify(r.json.errors)} say nothing of after`);
    await collapse(op);
    return `${r.json.title} ${r.json.detail}`;
  });

  // Chromium logs "Failed to load resource: … status of 400 (Bad Request)" for the bad request the
  // walk makes on purpose; one such line per expected status is not an error, anything else is.
  walk.checkNoErrors(expectedErrors);
} catch (e) {
  check('the check ran to the end', false, e.message.split('\n')[0]);
} finally {
  await walk.close(); // the errors so far after a failed step, the whole page pictured, the browser closed
}

walk.exit(); // RESULT line; exit 1 on any failure
