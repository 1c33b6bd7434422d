// Real-browser walk through Swagger UI of programmes of the other two kinds and a legacy VET standard,
// as the people who keep them would do it:
//   VET provider: vocational programme draft → submitted; registrar: approved (code M…/P…, version 1);
//   general-education provider: general programme draft; registrar: approved straight from the draft
//   (code Unnnn); standards body: legacy VET standard draft (with its legacyCode) → submitted;
//   registrar: approved (the legacy code is kept as the state code), found by that code, deregistered.
// Every request is made by filling in and executing operations in Swagger UI (Debian's Chromium,
// driven by playwright-core); ids, codes and ETags are read from the rendered responses.
// Usage: node swagger-programmes.mjs [baseUrl]   (default http://127.0.0.1:5080)
// Env:   VET_PROVIDER_TOKEN     bearer token of a provider that may submit vocational programmes
//                               (provider claim of a vet-school in providers.csv, e.g. 190974424)
//        GENERAL_PROVIDER_TOKEN bearer token of the provider that may submit general programmes
//                               (provider claim 305238040, the National Agency for Education)
//        STANDARDS_TOKEN        bearer token with the standards-body role (and a provider claim)
//        REGISTRAR_TOKEN        bearer token with the registrar role
//        SCREENSHOT_DIR         where screenshots go (default .): swagger-programmes-vet-standard.png
//                               (the approval keeping the legacy code) and swagger-programmes.png
//                               (the whole page on exit)
//        CHROMIUM_PATH          (default /usr/bin/chromium)
// Prints one PASS/FAIL line per step (SKIP for steps after a failure) and exits 1 on any failure
// (2 on the overall timeout). Steps, timeouts, the browser and the Swagger UI helpers all walks
// share are in swagger-walk.mjs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createWalk } from './swagger-walk.mjs';

const base = (process.argv[2] || 'http://127.0.0.1:5080').replace(/\/+$/, '');
const shotDir = process.env.SCREENSHOT_DIR || '.';
const approvalShot = join(shotDir, 'swagger-programmes-vet-standard.png');
const pageShot = join(shotDir, 'swagger-programmes.png');
mkdirSync(shotDir, { recursive: true });
const OVERALL_MS = 240_000; // nineteen steps
const STEP_MS = 25_000; // one whole step (open, fill, execute, read)
const ACTION_MS = 10_000; // one click, fill or wait inside a step

// role key → [environment variable, role claim the token must carry, needs a provider claim]
const ROLES = {
  vet: ['VET_PROVIDER_TOKEN', 'provider', true],
  general: ['GENERAL_PROVIDER_TOKEN', 'provider', true],
  standards: ['STANDARDS_TOKEN', 'standards-body', true],
  registrar: ['REGISTRAR_TOKEN', 'registrar', false],
};
const tokens = Object.fromEntries(Object.entries(ROLES).map(([k, [env]]) => [k, (process.env[env] || '').trim()]));
const missing = Object.entries(ROLES).filter(([k]) => !tokens[k]).map(([, [env]]) => env);
if (missing.length) {
  console.log(`FAIL ${missing.join(', ')} must be set (dotnet user-jwts create … --output token)`);
  process.exit(1);
}

// Bodies as the register's tests and sample data make them (no optional links to other records).
const vocational = {
  kind: 'vocational', name: { lt: 'Apskaitininko modulinė profesinio mokymo programa' }, iscedF: ['0411'],
  iscedLevel: '454', languages: ['lt'], modular: true, purpose: 'initial', ltksLevel: 'IV', eqfLevel: 4, credits: 60,
  duration: { value: 12, unit: 'months' }, minimumEducation: 'upper-secondary', award: 'qualification',
  modules: [{ code: '4041101', name: { lt: 'Įvadas į profesiją' }, credits: 2, mandatory: true }],
  approval: { number: 'SPK-2024-17', date: '2024-05-17' },
};
const VOCATIONAL_CODE = /^M440411[0-9]{2}$/; // modular, LTKS IV, ISCED level 4, ISCED-F 0411, sequence
const general = {
  kind: 'general', name: { lt: 'Pradinio ugdymo bendroji programa' }, iscedF: ['0011'], iscedLevel: '100',
  languages: ['lt'], educationLevel: 'primary', duration: { value: 4, unit: 'years' },
  approval: { document: 'Švietimo, mokslo ir sporto ministro įsakymas', number: 'V-1269', date: '2022-08-24' },
};
const GENERAL_CODE = /^U1[0-9]{3}$/; // ISCED level 1, sequence
// A legacy code is registered once: a fresh one per run, in the imported codes' form (letters, digits).
const legacyCode = `S${Date.now().toString(36).toUpperCase()}`;
const vetStandard = {
  legacyCode, name: { lt: 'Suvirintojo profesinio rengimo standartas' }, ltksLevel: 'III', iscedF: ['0715'],
  approvedOn: '2004-06-30',
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
async function fillArray(op, name, values) {
  const row = op.locator(`tr[data-param-name="${name}"]`).first();
  // An array of an enum (status, kind) is rendered as a multiple select: choose the values.
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

const PATH_PARAMS = new Set(['id', 'code']); // the other params are headers or query inputs

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
    if (PATH_PARAMS.has(name)) must(url.includes(`/${value}`), `request URL ${url} lacks the ${name} ${value}`);
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
const voc = { id: undefined, etag: undefined, code: undefined }; // the vocational programme
const gen = { id: undefined, etag: undefined, code: undefined }; // the general programme
const vs = { id: undefined, etag: undefined, code: undefined }; // the legacy VET standard
const P = '/api/v1/programmes';
const VS = '/api/v1/vet-standards';
try {
  page = await walk.launch();

  await step('the tokens are a VET provider\'s, the general-education provider\'s, the standards body\'s and the registrar\'s', async () => {
    for (const [key, [name, role, needsProvider]] of Object.entries(ROLES)) {
      const p = claims(tokens[key]);
      must(p, `${name} is not a JWT`);
      must([p.role].flat().includes(role), `${name} is ${who(tokens[key])}, not a ${role}`);
      must(!needsProvider || p.provider, `${name} has no provider claim`);
      must(!p.exp || p.exp * 1000 > Date.now(), `${name} expired at ${new Date(p.exp * 1000).toISOString()}`);
    }
    must(claims(tokens.vet).provider !== claims(tokens.general).provider,
      'VET_PROVIDER_TOKEN and GENERAL_PROVIDER_TOKEN are for the same provider');
    return Object.keys(ROLES).map((k) => who(tokens[k])).join(', ');
  });

  await step('Swagger UI opens with the programme and VET standard operations', async () => {
    const nav = await page.goto(`${base}/swagger`, { waitUntil: 'domcontentloaded' });
    must(nav?.status() === 200, `GET /swagger answered ${nav?.status()}`);
    await operation('post', P).waitFor({ timeout: 20_000 }); // the first one waits for the document
    for (const [m, path] of [['post', P], ['post', `${P}/{id}/approve`], ['post', VS], ['get', `${VS}/by-code/{code}`],
      ['post', `${VS}/{id}/deregister`]]) {
      await operation(m, path).waitFor();
    }
    return `${await page.locator('.opblock').count()} operations rendered`;
  });

  // Creating a record: body in, a draft with an id and an ETag back, owned by whoever created it.
  async function create(path, body, rec, role) {
    const op = operation('post', path);
    const r = await execute(op, { body, expect: 201, token: tokens[role] });
    must(/^[0-9a-f-]{36}$/i.test(r.json.id ?? ''), `no id in the response: ${JSON.stringify(r.json).slice(0, 200)}`);
    must(r.json.status === 'draft', `status "${r.json.status}", expected "draft"`);
    must(!r.json.code, `a draft already has the code ${r.json.code}`);
    must(r.etag, 'no ETag among the rendered response headers');
    const owner = claims(tokens[role]).provider;
    must(r.json.owner === owner, `owner ${JSON.stringify(r.json.owner)}, expected the token's provider ${owner}`);
    Object.assign(rec, { id: r.json.id, etag: r.etag });
    await collapse(op);
    return r.json;
  }

  // One lifecycle transition of rec: id and If-Match typed in, optional body, new ETag read back.
  async function transition(method, path, rec, { body, expect = 200, role, check: verify, shot }) {
    const op = operation(method, path);
    const r = await execute(op, {
      params: { id: rec.id, 'If-Match': rec.etag }, body, expect, token: tokens[role],
    });
    if (shot) await shootResponse(op, shot);
    must(r.json.id === rec.id, `the response is about ${r.json.id}, not ${rec.id}`);
    const problem = verify(r.json);
    must(!problem, problem);
    must(r.etag && r.etag !== rec.etag, `ETag ${r.etag ?? '(none)'} did not replace ${rec.etag}`);
    const before = rec.etag;
    rec.etag = r.etag;
    if (r.json.code) rec.code = r.json.code;
    await collapse(op);
    return `${who(tokens[role]).split(' ')[0]}: status ${r.json.status}` +
      `${r.json.code ? `, code ${r.json.code}` : ''}${r.json.version ? `, version ${r.json.version}` : ''}` +
      `, ETag ${before} → ${r.etag}`;
  }
  const registered = (pattern, validFrom) => (j) => (j.status !== 'registered' && `status "${j.status}", expected "registered"`)
    || (!pattern.test(j.code ?? '') && `code ${JSON.stringify(j.code)} does not match ${pattern}`)
    || (j.version !== 1 && `version ${j.version}, expected 1`)
    || (j.validFrom !== validFrom && `validFrom ${j.validFrom}, expected ${validFrom}`);

  await step('Authorize with the VET provider token', () => authorize(tokens.vet));

  await step('POST /api/v1/programmes creates a vocational draft (201, ETag)', async () => {
    const j = await create(P, vocational, voc, 'vet');
    must(j.data?.kind === 'vocational', `kind ${JSON.stringify(j.data?.kind)}, expected "vocational"`);
    must(j.data?.modules?.[0]?.code === '4041101', `modules ${JSON.stringify(j.data?.modules)}, expected the one sent`);
    return `id ${voc.id}, owner ${j.owner}, ETag ${voc.etag}`;
  });

  await step('POST /programmes/{id}/submit sends the vocational draft to the registrar', () =>
    transition('post', `${P}/{id}/submit`, voc, {
      role: 'vet', check: (j) => j.status !== 'submitted' && `status "${j.status}", expected "submitted"`,
    }));

  await step('Authorize: logout, then the registrar token', () => authorize(tokens.registrar));

  await step('POST /programmes/{id}/approve registers the vocational programme with a VET code', () =>
    transition('post', `${P}/{id}/approve`, voc, {
      role: 'registrar', body: { validFrom: '2025-09-01' }, check: registered(VOCATIONAL_CODE, '2025-09-01'),
    }));

  await step('Authorize: logout, then the general-education provider token', () => authorize(tokens.general));

  await step('POST /api/v1/programmes creates a general programme draft (201, ETag)', async () => {
    const j = await create(P, general, gen, 'general');
    must(j.data?.kind === 'general', `kind ${JSON.stringify(j.data?.kind)}, expected "general"`);
    must(j.data?.educationLevel === 'primary', `educationLevel ${JSON.stringify(j.data?.educationLevel)}, expected "primary"`);
    return `id ${gen.id}, owner ${j.owner}, ETag ${gen.etag}`;
  });

  await step('Authorize: logout, then the registrar token again', () => authorize(tokens.registrar));

  await step('POST /programmes/{id}/approve registers the general draft with a Unnnn code', () =>
    transition('post', `${P}/{id}/approve`, gen, {
      role: 'registrar', body: { validFrom: '2025-09-01' }, check: registered(GENERAL_CODE, '2025-09-01'),
    }));

  await step('Authorize: logout, then the standards body token', () => authorize(tokens.standards));

  await step(`POST /api/v1/vet-standards creates a legacy VET standard draft (legacyCode ${legacyCode})`, async () => {
    const j = await create(VS, vetStandard, vs, 'standards');
    must(j.data?.legacyCode === legacyCode, `legacyCode ${JSON.stringify(j.data?.legacyCode)}, expected ${legacyCode}`);
    return `id ${vs.id}, owner ${j.owner}, ETag ${vs.etag}`;
  });

  await step('POST /vet-standards/{id}/submit sends it to the registrar', () =>
    transition('post', `${VS}/{id}/submit`, vs, {
      role: 'standards', check: (j) => j.status !== 'submitted' && `status "${j.status}", expected "submitted"`,
    }));

  await step('Authorize: logout, then the registrar token once more', () => authorize(tokens.registrar));

  await step('POST /vet-standards/{id}/approve registers it under its legacy code', () =>
    transition('post', `${VS}/{id}/approve`, vs, {
      role: 'registrar', body: { validFrom: '2025-01-01' }, shot: approvalShot,
      check: (j) => (j.status !== 'registered' && `status "${j.status}", expected "registered"`)
        || (j.code !== legacyCode && `code ${JSON.stringify(j.code)}, expected the legacy code ${legacyCode}`)
        || (j.validFrom !== '2025-01-01' && `validFrom ${j.validFrom}, expected 2025-01-01`)
        || (j.data?.legacyCode !== legacyCode && `legacyCode ${JSON.stringify(j.data?.legacyCode)}, expected ${legacyCode}`),
    }));

  await step('GET /vet-standards/by-code/{code} finds it by the legacy code', async () => {
    const op = operation('get', `${VS}/by-code/{code}`);
    const r = await execute(op, { params: { code: legacyCode }, expect: 200, token: tokens.registrar });
    must(r.url.endsWith(`/by-code/${legacyCode}`), `request URL ${r.url} does not end in /by-code/${legacyCode}`);
    must(r.json.id === vs.id, `found ${r.json.id}, expected ${vs.id}`);
    must(r.json.code === legacyCode && r.json.status === 'registered', `code ${r.json.code}, status ${r.json.status}`);
    await collapse(op);
    return `id ${r.json.id}, code ${r.json.code}, status ${r.json.status}`;
  });

  await step('POST /vet-standards/{id}/deregister ends it (reason legal-basis-repealed), the code stays', () =>
    transition('post', `${VS}/{id}/deregister`, vs, {
      role: 'registrar', body: { reason: 'legal-basis-repealed' },
      check: (j) => (j.status !== 'deregistered' && `status "${j.status}", expected "deregistered"`)
        || (j.deregistrationReason !== 'legal-basis-repealed' && `reason ${JSON.stringify(j.deregistrationReason)}`)
        || (j.code !== legacyCode && `code ${JSON.stringify(j.code)}, expected ${legacyCode} to stay`),
    }));

  await step('GET /programmes/{id} shows both programmes registered under their codes', async () => {
    const op = operation('get', `${P}/{id}`);
    const seen = [];
    for (const rec of [voc, gen]) {
      const r = await execute(op, { params: { id: rec.id }, expect: 200, token: tokens.registrar });
      must(r.json.status === 'registered' && r.json.code === rec.code,
        `${rec.id}: status ${r.json.status}, code ${r.json.code}; expected registered ${rec.code}`);
      must(r.etag === rec.etag, `${rec.id}: ETag ${r.etag}, expected the approval's ${rec.etag}`);
      seen.push(`${r.json.data?.kind} ${r.json.code}`);
    }
    await collapse(op);
    return seen.join(', ');
  });

  walk.checkNoErrors(expectedErrors);
} catch (e) {
  check('the check ran to the end', false, e.message.split('\n')[0]);
} finally {
  await walk.close(); // the errors so far after a failed step, the whole page pictured, the browser closed
}

walk.exit(); // RESULT line; exit 1 on any failure
