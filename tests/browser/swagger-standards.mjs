// Real-browser walk through Swagger UI of a professional standard and the qualification built on it,
// then an accreditation decision on a registered study programme, as people would do it:
//   standards body: professional standard draft → submitted; registrar: approved (code PSnnn);
//   standards body: qualification referring to it → submitted; registrar: approved (code K30732nnn);
//   registrar: deregistering the standard is refused (409 deregistration.referenced, the qualification
//   among the referrers); provider: finds a registered study programme (array query inputs);
//   accreditor: records an accreditation decision and reads the programme's accreditation back.
// Every request is made by filling in and executing operations in Swagger UI (Debian's Chromium,
// driven by playwright-core); ids, codes and ETags are read from the rendered responses.
// Usage: node swagger-standards.mjs [baseUrl]   (default http://127.0.0.1:5080)
// Env:   STANDARDS_TOKEN  bearer token with the standards-body role (and a provider claim)
//        REGISTRAR_TOKEN  bearer token with the registrar role
//        ACCREDITOR_TOKEN bearer token with the accreditor role
//        PROVIDER_TOKEN   bearer token with the provider role (and a provider claim)
//        SCREENSHOT_DIR   where screenshots go (default .): swagger-standards-refusal.png (the 409
//                         response) and swagger-standards.png (the whole page on exit)
//        CHROMIUM_PATH    (default /usr/bin/chromium)
// Prints one PASS/FAIL line per step (SKIP for steps after a failure) and exits 1 on any failure
// (2 on the overall timeout). Steps, timeouts, the browser and the Swagger UI helpers all walks
// share are in swagger-walk.mjs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createWalk } from './swagger-walk.mjs';

const base = (process.argv[2] || 'http://127.0.0.1:5080').replace(/\/+$/, '');
const shotDir = process.env.SCREENSHOT_DIR || '.';
const refusalShot = join(shotDir, 'swagger-standards-refusal.png');
const pageShot = join(shotDir, 'swagger-standards.png');
mkdirSync(shotDir, { recursive: true });
const OVERALL_MS = 150_000;
const STEP_MS = 25_000; // one whole step (open, fill, execute, read)
const ACTION_MS = 10_000; // one click, fill or wait inside a step

// role key → [environment variable, role claim the token must carry, needs a provider claim]
const ROLES = {
  standards: ['STANDARDS_TOKEN', 'standards-body', true],
  registrar: ['REGISTRAR_TOKEN', 'registrar', false],
  accreditor: ['ACCREDITOR_TOKEN', 'accreditor', false],
  provider: ['PROVIDER_TOKEN', 'provider', true],
};
const tokens = Object.fromEntries(Object.entries(ROLES).map(([k, [env]]) => [k, (process.env[env] || '').trim()]));
const missing = Object.entries(ROLES).filter(([k]) => !tokens[k]).map(([, [env]]) => env);
if (missing.length) {
  console.log(`FAIL ${missing.join(', ')} must be set (dotnet user-jwts create … --output token)`);
  process.exit(1);
}

const standard = {
  name: { lt: 'Statybos sektoriaus profesinis standartas' },
  sector: { lt: 'Statybos sektorius', en: 'Construction' },
  approval: { body: 'Kvalifikacijų ir profesinio mokymo plėtros centras', orderNumber: 'V-117', date: '2021-03-15' },
};
const qualification = (psCode) => ({
  name: { lt: 'Mūrininkas' }, type: 'for-work', ltksLevel: 'III', eqfLevel: 3, iscedF: ['0732'],
  professionalStandardCode: psCode,
});
const accreditation = {
  decision: 'accredited', decidedOn: '2024-06-28', validUntil: '2030-06-30', decisionNumber: 'SV6-45',
  scores: [{ criterion: { lt: 'Studijų tikslai ir rezultatai' }, score: 4 }],
};

const walk = createWalk({ overallMs: OVERALL_MS, stepMs: STEP_MS, actionMs: ACTION_MS, pageShot });
const { check, step, must, sleep, until, claims, who, operation, authorize, open, collapse, shootResponse } = walk;
let page; // Swagger UI's page, once the browser runs

// ---- Swagger UI, the way a person uses it --------------------------------------------------------
// operation(), open(), collapse(), authorize() and shootResponse() come from swagger-walk.mjs; every
// element is a locator, so each use looks it up again in whatever Swagger UI has re-rendered by then.

// An array parameter (type: array of strings, no enum) is rendered as a list of text inputs, each
// with a "-" button, under an "Add string item" button: remove what is there, then add one item
// per value and type it in.
// An array of an enum (status, kind) is rendered as a multiple select instead: choose the values.
async function fillArray(op, name, values) {
  const row = op.locator(`tr[data-param-name="${name}"]`).first();
  const select = row.locator('select[multiple]');
  if (await select.count()) {
    const chosen = await select.first().selectOption(values);
    must(values.every((v) => chosen.includes(v)), `${name} offers no option ${values.filter((v) => !chosen.includes(v)).join(', ')}`);
    return;
  }
  const items = row.locator('.json-schema-form-item');
  while (await items.count()) {
    const before = await items.count();
    await items.first().locator('button.json-schema-form-item-remove').click();
    await until(`an item of ${name} to go`, async () => (await items.count()) < before);
  }
  const add = row.locator('button.json-schema-form-item-add');
  must(await add.count(), `the ${name} parameter has no "Add … item" button`);
  for (const [i, value] of values.entries()) {
    await add.first().click();
    await until(`item ${i + 1} of ${name} to appear`, async () => (await items.count()) > i);
    const input = items.nth(i).locator('input').first();
    await input.fill(value);
    await input.press('Tab');
  }
}

// Fills the operation's inputs, executes it and reads what Swagger UI renders: status code, body,
// headers, the request URL and the curl command it sent (to prove the inputs were taken).
// params: path and header inputs; query: query inputs, an array value goes into an array parameter.
async function execute(op, { params = {}, query = {}, body, expect, token }) {
  await open(op);
  for (const [name, value] of Object.entries({ ...params, ...query })) {
    if (Array.isArray(value)) { await fillArray(op, name, value); continue; }
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
  if (expect >= 400) expectedErrors.push(String(expect));
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
  const sent = new URL(url, base).searchParams;
  for (const [name, value] of Object.entries(query)) {
    const want = [value].flat().map(String);
    must(JSON.stringify(sent.getAll(name)) === JSON.stringify(want),
      `request URL ${url} has ${name}=${JSON.stringify(sent.getAll(name))}, expected ${JSON.stringify(want)}`);
  }
  must(json !== undefined, `the rendered response body is not JSON: ${text.slice(0, 200)}`);
  return { code, json, etag, url };
}

// ---- the walk -------------------------------------------------------------------------------------
const expectedErrors = []; // HTTP statuses >= 400 the walk asks for: the browser logs each as a console error
const ps = { id: undefined, etag: undefined, code: undefined }; // the professional standard
const q = { id: undefined, etag: undefined, code: undefined }; // the qualification
const programme = { id: undefined, code: undefined };
const PS = '/api/v1/professional-standards';
const Q = '/api/v1/qualifications';
const P = '/api/v1/programmes';
try {
  page = await walk.launch();

  await step('the tokens are the standards body\'s, the registrar\'s, the accreditor\'s and a provider\'s', async () => {
    for (const [key, [name, role, needsProvider]] of Object.entries(ROLES)) {
      const p = claims(tokens[key]);
      must(p, `${name} is not a JWT`);
      must([p.role].flat().includes(role), `${name} is ${who(tokens[key])}, not a ${role}`);
      must(!needsProvider || p.provider, `${name} has no provider claim`);
      must(!p.exp || p.exp * 1000 > Date.now(), `${name} expired at ${new Date(p.exp * 1000).toISOString()}`);
    }
    return Object.keys(ROLES).map((k) => who(tokens[k])).join(', ');
  });

  await step('Swagger UI opens with the standard, qualification and programme operations', async () => {
    const nav = await page.goto(`${base}/swagger`, { waitUntil: 'domcontentloaded' });
    must(nav?.status() === 200, `GET /swagger answered ${nav?.status()}`);
    for (const [m, path] of [['post', PS], ['post', Q], ['get', P], ['post', `${P}/{id}/accreditations`]]) {
      await operation(m, path).waitFor();
    }
    return `${await page.locator('.opblock').count()} operations rendered`;
  });

  // Creating a record: body in, a draft with an id and an ETag back.
  async function create(path, body, rec, role) {
    const op = operation('post', path);
    const r = await execute(op, { body, expect: 201, token: tokens[role] });
    must(/^[0-9a-f-]{36}$/i.test(r.json.id ?? ''), `no id in the response: ${JSON.stringify(r.json).slice(0, 200)}`);
    must(r.json.status === 'draft', `status "${r.json.status}", expected "draft"`);
    must(r.etag, 'no ETag among the rendered response headers');
    Object.assign(rec, { id: r.json.id, etag: r.etag });
    await collapse(op);
    return r.json;
  }

  // One lifecycle transition of rec: id and If-Match typed in, optional body, new ETag read back.
  async function transition(method, path, rec, { body, expect = 200, role, check: verify }) {
    const op = operation(method, path);
    const r = await execute(op, {
      params: { id: rec.id, 'If-Match': rec.etag }, body, expect, token: tokens[role],
    });
    must(r.json.id === rec.id, `the response is about ${r.json.id}, not ${rec.id}`);
    const problem = verify(r.json);
    must(!problem, problem);
    must(r.etag && r.etag !== rec.etag, `ETag ${r.etag ?? '(none)'} did not replace ${rec.etag}`);
    const before = rec.etag;
    rec.etag = r.etag;
    if (r.json.code) rec.code = r.json.code;
    await collapse(op);
    return `${who(tokens[role]).split(' ')[0]}: status ${r.json.status}` +
      `${r.json.code ? `, code ${r.json.code}` : ''}, ETag ${before} → ${r.etag}`;
  }

  await step('Authorize with the standards body token', () => authorize(tokens.standards));

  await step('POST /api/v1/professional-standards creates a draft (201, ETag)', async () => {
    const j = await create(PS, standard, ps, 'standards');
    must(j.data?.sector?.en === 'Construction', `sector ${JSON.stringify(j.data?.sector)}, expected the one sent`);
    return `id ${ps.id}, owner ${j.owner}, ETag ${ps.etag}`;
  });

  await step('POST /professional-standards/{id}/submit sends the draft to the registrar', () =>
    transition('post', `${PS}/{id}/submit`, ps, {
      role: 'standards', check: (j) => j.status !== 'submitted' && `status "${j.status}", expected "submitted"`,
    }));

  await step('Authorize: logout, then the registrar token', () => authorize(tokens.registrar));

  await step('POST /professional-standards/{id}/approve registers it with a PSnnn code', () =>
    transition('post', `${PS}/{id}/approve`, ps, {
      role: 'registrar', body: { validFrom: '2025-01-01' },
      check: (j) => (j.status !== 'registered' && `status "${j.status}", expected "registered"`)
        || (!/^PS[0-9]{3}$/.test(j.code ?? '') && `code ${JSON.stringify(j.code)} does not match ^PS[0-9]{3}$`)
        || (j.validFrom !== '2025-01-01' && `validFrom ${j.validFrom}, expected 2025-01-01`),
    }));

  await step('Authorize: logout, then the standards body token again', () => authorize(tokens.standards));

  await step('POST /api/v1/qualifications creates a draft referring to the standard (201)', async () => {
    const j = await create(Q, qualification(ps.code), q, 'standards');
    must(j.data?.professionalStandardCode === ps.code,
      `professionalStandardCode ${JSON.stringify(j.data?.professionalStandardCode)}, expected ${ps.code}`);
    return `id ${q.id}, professionalStandardCode ${ps.code}, ETag ${q.etag}`;
  });

  await step('POST /qualifications/{id}/submit sends it to the registrar', () =>
    transition('post', `${Q}/{id}/submit`, q, {
      role: 'standards', check: (j) => j.status !== 'submitted' && `status "${j.status}", expected "submitted"`,
    }));

  await step('Authorize: logout, then the registrar token again', () => authorize(tokens.registrar));

  await step('POST /qualifications/{id}/approve registers it with a K30732nnn code', () =>
    transition('post', `${Q}/{id}/approve`, q, {
      role: 'registrar', body: { validFrom: '2025-01-01' },
      check: (j) => (j.status !== 'registered' && `status "${j.status}", expected "registered"`)
        || (!/^K30732[0-9]{3}$/.test(j.code ?? '') && `code ${JSON.stringify(j.code)} does not match ^K30732[0-9]{3}$`),
    }));

  await step('POST /professional-standards/{id}/deregister is refused: 409, the qualification refers to it', async () => {
    const op = operation('post', `${PS}/{id}/deregister`);
    const r = await execute(op, {
      params: { id: ps.id, 'If-Match': ps.etag }, body: { reason: 'legal-basis-repealed' },
      expect: 409, token: tokens.registrar,
    });
    await shootResponse(op, refusalShot);
    must(r.json.code === 'deregistration.referenced', `problem code ${JSON.stringify(r.json.code)}, expected "deregistration.referenced"`);
    const referrers = r.json.referrers;
    must(Array.isArray(referrers), `no referrers list in the problem: ${JSON.stringify(r.json).slice(0, 300)}`);
    must(referrers.some((x) => JSON.stringify(x).includes(q.code) || JSON.stringify(x).includes(q.id)),
      `referrers ${JSON.stringify(referrers)} do not name the qualification ${q.code}`);
    await collapse(op);
    return `referrers ${JSON.stringify(referrers)}`;
  });

  await step('GET /professional-standards/{id} shows it still registered, ETag unchanged', async () => {
    const op = operation('get', `${PS}/{id}`);
    const r = await execute(op, { params: { id: ps.id }, expect: 200, token: tokens.registrar });
    must(r.json.status === 'registered', `status "${r.json.status}", expected "registered"`);
    must(r.etag === ps.etag, `ETag ${r.etag}, expected ${ps.etag} (the refused deregistration changed it)`);
    await collapse(op);
    return `code ${r.json.code}, status ${r.json.status}, ETag ${r.etag}`;
  });

  await step('Authorize: logout, then the provider token', () => authorize(tokens.provider));

  await step('GET /api/v1/programmes?status=registered&kind=study&limit=1 finds a registered study programme', async () => {
    const op = operation('get', P);
    const r = await execute(op, {
      query: { kind: ['study'], status: ['registered'], limit: '1' }, expect: 200, token: tokens.provider,
    });
    const items = r.json.items ?? [];
    must(items.length === 1, `${items.length} items, expected 1 (limit=1)`);
    const [first] = items;
    must(/^[0-9a-f-]{36}$/i.test(first.id ?? ''), `the first item has no id: ${JSON.stringify(first).slice(0, 200)}`);
    must(first.status === 'registered', `the first item is ${first.status}, not registered`);
    must((first.data?.kind ?? first.kind) === 'study', `the first item is a ${first.data?.kind ?? first.kind}, not study`);
    Object.assign(programme, { id: first.id, code: first.code });
    await collapse(op);
    return `${r.url.replace(base, '')} → id ${programme.id}, code ${programme.code}`;
  });

  await step('Authorize: logout, then the accreditor token', () => authorize(tokens.accreditor));

  await step('POST /programmes/{id}/accreditations records the decision (201)', async () => {
    const op = operation('post', `${P}/{id}/accreditations`);
    const r = await execute(op, { params: { id: programme.id }, body: accreditation, expect: 201, token: tokens.accreditor });
    const j = r.json.current ?? r.json; // the decision, or the programme's accreditation with it as current
    must(j.decision === 'accredited', `decision ${JSON.stringify(j.decision)}, expected "accredited"`);
    must(j.validUntil === '2030-06-30', `validUntil ${j.validUntil}, expected 2030-06-30`);
    must(j.decisionNumber === 'SV6-45', `decisionNumber ${j.decisionNumber}, expected SV6-45`);
    await collapse(op);
    return `decision ${j.id ?? ''} ${j.decision} ${j.decidedOn} … ${j.validUntil}, ${j.decisionNumber}`;
  });

  await step('GET /programmes/{id}/accreditations: current valid until 2030-06-30, not expired', async () => {
    const op = operation('get', `${P}/{id}/accreditations`);
    const r = await execute(op, { params: { id: programme.id }, expect: 200, token: tokens.accreditor });
    const c = r.json.current;
    must(c, `no current accreditation: ${JSON.stringify(r.json).slice(0, 300)}`);
    must(c.validUntil === '2030-06-30', `current.validUntil ${c.validUntil}, expected 2030-06-30`);
    must(c.expired === false, `current.expired ${JSON.stringify(c.expired)}, expected false`);
    must(c.decisionNumber === 'SV6-45', `current.decisionNumber ${c.decisionNumber}, expected SV6-45`);
    return `code ${r.json.code}, current ${c.decision} until ${c.validUntil}, expired ${c.expired}, ` +
      `${(r.json.history ?? []).length} decision(s) in the history`;
  });

  // Chromium logs "Failed to load resource: … status of 409 (Conflict)" for the refusal the walk
  // provokes on purpose; one such line per expected status is not an error, anything else is.
  walk.checkNoErrors(expectedErrors);
} catch (e) {
  check('the check ran to the end', false, e.message.split('\n')[0]);
} finally {
  await walk.close(); // the errors so far after a failed step, the whole page pictured, the browser closed
}

walk.exit(); // RESULT line; exit 1 on any failure
