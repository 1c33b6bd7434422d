// Real-browser walk of one programme's whole lifecycle through Swagger UI, as a person would do it:
// draft → submitted → registered (version 1) → pending change → submitted → version 2 → deregistered,
// then its audit trail. Every request is made by filling in and executing operations in Swagger UI
// (Debian's Chromium, driven by playwright-core); ids and ETags are read from the rendered responses.
// Usage: node swagger-lifecycle.mjs [baseUrl]   (default http://127.0.0.1:5080)
// Env:   PROVIDER_TOKEN  bearer token of a provider allowed to create study programmes (e.g. 111950243)
//        REGISTRAR_TOKEN bearer token with the registrar role
//        SCREENSHOT_DIR  where screenshots go (default .): swagger-lifecycle-audit.png (the audit
//                        response) and swagger-lifecycle.png (the whole page on exit)
//        CHROMIUM_PATH   (default /usr/bin/chromium)
// Prints one PASS/FAIL line per step (SKIP for steps after a failure) and exits 1 on any failure
// (2 on the overall timeout). Steps, timeouts, the browser and the Swagger UI helpers all walks
// share are in swagger-walk.mjs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createWalk } from './swagger-walk.mjs';

const base = (process.argv[2] || 'http://127.0.0.1:5080').replace(/\/+$/, '');
const shotDir = process.env.SCREENSHOT_DIR || '.';
const auditShot = join(shotDir, 'swagger-lifecycle-audit.png');
const pageShot = join(shotDir, 'swagger-lifecycle.png');
mkdirSync(shotDir, { recursive: true });
const OVERALL_MS = 150_000;
const STEP_MS = 25_000; // one whole step (open, fill, execute, read)
const ACTION_MS = 10_000; // one click, fill or wait inside a step

const tokens = {
  provider: (process.env.PROVIDER_TOKEN || '').trim(),
  registrar: (process.env.REGISTRAR_TOKEN || '').trim(),
};
if (!tokens.provider || !tokens.registrar) {
  console.log('FAIL PROVIDER_TOKEN and REGISTRAR_TOKEN must both be set (dotnet user-jwts create … --output token)');
  process.exit(1);
}

// The programme the walk takes through its life; version 2 adds English as a language of instruction.
const programme = {
  kind: 'study', name: { lt: 'Programų sistemos', en: 'Software Engineering' }, iscedF: ['0613'],
  iscedLevel: '645', languages: ['lt'], studyType: 'university', cycle: 'first', fieldGroup: 'B',
  studyField: 'B03', ltksLevel: 'VI', eqfLevel: 6, credits: 240,
  forms: [{ form: 'full-time', duration: { value: 4, unit: 'years' } }],
  award: { lt: 'Informatikos mokslų bakalauras' },
};
const changed = { ...programme, languages: ['lt', 'en'] };
const EXPECTED_ACTIONS = ['create', 'submit', 'approve', 'edit', 'submit', 'approve', 'deregister'];

const walk = createWalk({ overallMs: OVERALL_MS, stepMs: STEP_MS, actionMs: ACTION_MS, pageShot });
const { check, step, must, sleep, until, claims, who, operation, authorize, open, collapse, shootResponse } = walk;
let page; // Swagger UI's page, once the browser runs

// ---- Swagger UI, the way a person uses it --------------------------------------------------------
// operation(), open(), collapse(), authorize() and shootResponse() come from swagger-walk.mjs; every
// element is a locator, so each use looks it up again in whatever Swagger UI has re-rendered by then.

// Fills the operation's inputs, executes it and reads what Swagger UI renders: status code, body,
// headers, the request URL and the curl command it sent (to prove the inputs were taken).
async function execute(op, { params = {}, body, expect, token }) {
  await open(op);
  for (const [name, value] of Object.entries(params)) {
    const input = op.locator(`tr[data-param-name="${name}"] input`).first();
    await input.fill(value);
    await input.press('Tab'); // the parameter inputs are debounced; leaving the field commits them
  }
  if (body !== undefined) {
    const textarea = op.locator('textarea.body-param__text').first();
    await textarea.fill(JSON.stringify(body, null, 2));
    await textarea.press('Tab');
  }
  await sleep(600); // let the debounced editors hand their values to Swagger UI's state
  // A response from an earlier run of this operation would stay on screen: clear it first.
  const clear = op.locator('button.btn-clear');
  if (await clear.count()) {
    await clear.first().click();
    await op.locator('.live-responses-table').waitFor({ state: 'detached' });
  }
  await op.locator('.btn.execute').first().click();

  const status = op.locator('.live-responses-table .response .response-col_status').first();
  const invalid = op.locator('.validation-errors, input.invalid, textarea.invalid');
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
  const etag = headerText.match(/\betag:\s*((?:W\/)?"[^"]*")/i)?.[1];

  must(code === String(expect),
    `rendered status ${code || '(none)'}, expected ${expect}: ${text.replace(/\s+/g, ' ').slice(0, 300)}`);
  must(curl.includes(`Authorization: Bearer ${token}`),
    `the request was not sent with ${who(token)}'s token (Authorize did not take)`);
  for (const [name, value] of Object.entries(params)) {
    if (name === 'id') must(url.includes(`/${value}`), `request URL ${url} lacks the id ${value}`);
    else must(curl.includes(`${name}: ${value}`), `the sent request lacks the header ${name}: ${value}`);
  }
  must(json !== undefined, `the rendered response body is not JSON: ${text.slice(0, 200)}`);
  return { code, json, etag };
}

// ---- the walk -------------------------------------------------------------------------------------
const state = { id: undefined, etag: undefined };
const P = '/api/v1/programmes';
try {
  page = await walk.launch();

  await step('the tokens are a provider\'s and the registrar\'s', async () => {
    for (const [role, name] of [['provider', 'PROVIDER_TOKEN'], ['registrar', 'REGISTRAR_TOKEN']]) {
      const p = claims(tokens[role]);
      must(p, `${name} is not a JWT`);
      must([p.role].flat().includes(role), `${name} is ${who(tokens[role])}, not a ${role}`);
      must(role !== 'provider' || p.provider, `${name} has no provider claim`);
      must(!p.exp || p.exp * 1000 > Date.now(), `${name} expired at ${new Date(p.exp * 1000).toISOString()}`);
    }
    return `provider ${who(tokens.provider)}, registrar ${who(tokens.registrar)}`;
  });

  await step('Swagger UI opens with the programme operations', async () => {
    const nav = await page.goto(`${base}/swagger`, { waitUntil: 'domcontentloaded' });
    must(nav?.status() === 200, `GET /swagger answered ${nav?.status()}`);
    await operation('post', P).waitFor();
    return `${await page.locator('.opblock').count()} operations rendered`;
  });

  await step('Authorize with the provider token', () => authorize(tokens.provider));

  await step('POST /api/v1/programmes creates a draft (201, ETag)', async () => {
    const r = await execute(operation('post', P), { body: programme, expect: 201, token: tokens.provider });
    must(/^[0-9a-f-]{36}$/i.test(r.json.id ?? ''), `no id in the response: ${JSON.stringify(r.json).slice(0, 200)}`);
    must(r.json.status === 'draft', `status "${r.json.status}", expected "draft"`);
    must(r.etag, 'no ETag among the rendered response headers');
    Object.assign(state, { id: r.json.id, etag: r.etag });
    await collapse(operation('post', P));
    return `id ${state.id}, ETag ${state.etag}`;
  });

  // One lifecycle transition: id and If-Match typed in, optional body, new ETag read back.
  async function transition(method, path, { body, expect = 200, role, check: verify }) {
    const op = operation(method, path);
    const r = await execute(op, {
      params: { id: state.id, 'If-Match': state.etag }, body, expect, token: tokens[role],
    });
    must(r.json.id === state.id, `the response is about ${r.json.id}, not ${state.id}`);
    const problem = verify(r.json);
    must(!problem, problem);
    must(r.etag && r.etag !== state.etag, `ETag ${r.etag ?? '(none)'} did not replace ${state.etag}`);
    const before = state.etag;
    state.etag = r.etag;
    await collapse(op);
    return `${who(tokens[role]).split(' ')[0]}: status ${r.json.status}` +
      `${r.json.version ? `, version ${r.json.version}` : ''}` +
      `${r.json.pendingChange ? `, pending change ${r.json.pendingChange.status}` : ''}, ETag ${before} → ${r.etag}`;
  }

  await step('POST /{id}/submit sends the draft to the registrar', () => transition('post', `${P}/{id}/submit`, {
    role: 'provider', check: (j) => j.status !== 'submitted' && `status "${j.status}", expected "submitted"`,
  }));

  await step('Authorize: logout, then the registrar token', () => authorize(tokens.registrar));

  await step('POST /{id}/approve registers version 1 (validFrom 2025-09-01)', () => transition('post', `${P}/{id}/approve`, {
    role: 'registrar', body: { validFrom: '2025-09-01' },
    check: (j) => (j.status !== 'registered' && `status "${j.status}", expected "registered"`)
      || (j.version !== 1 && `version ${j.version}, expected 1`)
      || (!j.code && 'no state code was assigned')
      || (j.validFrom !== '2025-09-01' && `validFrom ${j.validFrom}, expected 2025-09-01`),
  }));

  await step('Authorize: logout, then the provider token again', () => authorize(tokens.provider));

  await step('PUT /{id} makes a pending change of the registered programme', () => transition('put', `${P}/{id}`, {
    role: 'provider', body: changed,
    check: (j) => (j.status !== 'registered' && `status "${j.status}", expected "registered"`)
      || (j.version !== 1 && `version ${j.version}, expected 1 to stay in force`)
      || (j.pendingChange?.status !== 'draft' && `pending change ${JSON.stringify(j.pendingChange?.status)}, expected "draft"`),
  }));

  await step('POST /{id}/submit sends the pending change', () => transition('post', `${P}/{id}/submit`, {
    role: 'provider',
    check: (j) => j.pendingChange?.status !== 'submitted' &&
      `pending change ${JSON.stringify(j.pendingChange?.status)}, expected "submitted"`,
  }));

  await step('Authorize: logout, then the registrar token again', () => authorize(tokens.registrar));

  await step('POST /{id}/approve makes version 2 (validFrom 2026-09-01)', () => transition('post', `${P}/{id}/approve`, {
    role: 'registrar', body: { validFrom: '2026-09-01' },
    check: (j) => (j.version !== 2 && `version ${j.version}, expected 2`)
      || (j.status !== 'registered' && `status "${j.status}", expected "registered"`)
      || (j.pendingChange && 'the pending change is still there')
      || (JSON.stringify(j.data?.languages) !== '["lt","en"]' && `languages ${JSON.stringify(j.data?.languages)}, expected the changed ["lt","en"]`)
      || (j.validFrom !== '2026-09-01' && `validFrom ${j.validFrom}, expected 2026-09-01`),
  }));

  await step('POST /{id}/deregister ends the programme (reason provider-request)', () => transition('post', `${P}/{id}/deregister`, {
    role: 'registrar', body: { reason: 'provider-request' },
    check: (j) => (j.status !== 'deregistered' && `status "${j.status}", expected "deregistered"`)
      || (j.deregistrationReason !== 'provider-request' && `reason ${j.deregistrationReason}`),
  }));

  await step('GET /{id}/audit lists exactly the seven actions, oldest first', async () => {
    const op = operation('get', `${P}/{id}/audit`);
    const r = await execute(op, { params: { id: state.id }, expect: 200, token: tokens.registrar });
    const actions = (r.json.items ?? []).map((e) => e.action);
    await shootResponse(op, auditShot);
    must(JSON.stringify(actions) === JSON.stringify(EXPECTED_ACTIONS),
      `actions [${actions.join(', ')}], expected [${EXPECTED_ACTIONS.join(', ')}]`);
    must((r.json.items ?? []).every((e) => e.recordId === state.id), 'an entry is about another record');
    must(!r.json.next, 'the trail continues on a next page');
    return actions.join(', ');
  });

  await step('GET /{id} shows status deregistered and version 2', async () => {
    const op = operation('get', `${P}/{id}`);
    const r = await execute(op, { params: { id: state.id }, expect: 200, token: tokens.registrar });
    must(r.json.status === 'deregistered', `status "${r.json.status}", expected "deregistered"`);
    must(r.json.version === 2, `version ${r.json.version}, expected 2`);
    must(r.etag === state.etag, `ETag ${r.etag}, expected the deregistration's ${state.etag}`);
    return `code ${r.json.code}, status ${r.json.status}, version ${r.json.version}, ETag ${r.etag}`;
  });

  walk.checkNoErrors();
} catch (e) {
  check('the check ran to the end', false, e.message.split('\n')[0]);
} finally {
  await walk.close(); // the errors so far after a failed step, the whole page pictured, the browser closed
}

walk.exit(); // RESULT line; exit 1 on any failure
