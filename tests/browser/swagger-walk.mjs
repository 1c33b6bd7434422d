// What the Swagger UI walks (swagger-lifecycle.mjs, swagger-standards.mjs, swagger-programmes.mjs,
// swagger-open-data.mjs) share: PASS/FAIL/SKIP lines, the overall and per-step timeouts, Debian's
// Chromium driven by playwright-core, and Swagger UI used the way a person uses it (find an operation,
// open it, authorize, collapse it, picture its response). Each walk keeps its own timeouts, records and
// the execute() its requests need. swagger-ui.mjs is a list of independent checks, not dependent
// steps, and stands alone.
//
//   const walk = createWalk({ overallMs, stepMs, actionMs, pageShot }); // starts the overall timeout
//   const { check, step, must, operation, … } = walk;
//   try { page = await walk.launch(); await step(…); …; walk.checkNoErrors(expectedErrors); }
//   catch (e) { check('the check ran to the end', false, …); }
//   finally { await walk.close(); }
//   walk.exit();
import { chromium } from 'playwright-core';

function must(ok, message) { if (!ok) throw new Error(message); }
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function claims(token) { // the token's payload, unverified: only to name who acts and catch mix-ups
  try { return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')); } catch { return undefined; }
}
function who(token) { // "name (role provider)" for the log
  const p = claims(token);
  if (!p) return 'an unreadable token';
  return `${p.unique_name || p.sub} (${[p.role].flat().filter(Boolean).join(',')}${p.provider ? ` ${p.provider}` : ''})`;
}

// overallMs: the whole walk, launch included (on the timeout: FAIL line, a picture of the page, exit 2);
// stepMs: one whole step (open, fill, execute, read); actionMs: one click, fill or wait inside a step;
// pageShot: where the whole page is pictured on exit (and on the overall timeout).
export function createWalk({ overallMs, stepMs, actionMs, pageShot }) {
  const failures = [];
  const errors = []; // the browser's console errors and page errors
  let browser;
  let page;
  let aborted = false;

  function check(name, ok, detail = '') {
    console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
    if (!ok) failures.push(name);
  }

  // Armed as the walk is created, so a browser that never starts is caught too. A hung page can hold
  // up the screenshot and the browser's close: each gets a few seconds, then the process goes anyway.
  const watchdog = setTimeout(async () => {
    console.log(`FAIL overall timeout of ${overallMs / 1000} s`);
    const shot = page?.screenshot({ path: pageShot, timeout: 5_000 }).then(
      () => console.log(`screenshot: ${pageShot}`), () => {});
    await Promise.race([shot, new Promise((r) => setTimeout(r, 6_000))]);
    await Promise.race([browser?.close().catch(() => {}), new Promise((r) => setTimeout(r, 3_000))]);
    process.exit(2);
  }, overallMs);

  // A step runs under its own timeout; steps depend on each other, so the first failure skips the rest.
  async function step(name, fn) {
    if (aborted) { console.log(`SKIP ${name}`); return; }
    let timer;
    const started = Date.now();
    const took = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
    try {
      const detail = await Promise.race([
        fn(),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`step timeout of ${stepMs / 1000} s`)), stepMs); }),
      ]);
      check(name, true, `${detail ? `${detail} ` : ''}(${took()})`);
    } catch (e) {
      check(name, false, `${e.message.split('\n')[0]} (${took()})`);
      aborted = true;
    } finally {
      clearTimeout(timer);
    }
  }
  async function until(what, probe, ms = actionMs) { // polls probe() until it returns something truthy
    const end = Date.now() + ms;
    for (;;) {
      const v = await probe().catch(() => undefined);
      if (v) return v;
      if (Date.now() > end) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
      await sleep(100);
    }
  }

  // Debian's Chromium, headless, one page; every click, fill or wait on it gives up after actionMs.
  // Console and page errors are collected for checkNoErrors() (and the log, should a step fail).
  async function launch() {
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.setDefaultTimeout(actionMs);
    page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    return page;
  }

  // ---- Swagger UI, the way a person uses it ------------------------------------------------------
  // Operations are found by method and path (not by tag-derived ids), and every element is a locator,
  // so each use looks it up again in whatever Swagger UI has re-rendered by then.
  function operation(method, path) {
    return page.locator(`.opblock.opblock-${method}`).filter({
      has: page.locator(`.opblock-summary-path[data-path="${path}"]`),
    }).first();
  }

  // Authorize dialog: logout whoever was authorized, paste the bearer token (without "Bearer "), done.
  async function authorize(token) {
    const dialog = page.locator('.dialog-ux .modal-ux');
    await page.locator('.auth-wrapper .btn.authorize').first().click();
    await dialog.waitFor();
    const logout = dialog.locator('.auth-btn-wrapper button', { hasText: 'Logout' });
    if (await logout.count()) await logout.first().click();
    const input = dialog.locator('input#auth-bearer-value, .auth-container input[type="text"]').first();
    await input.fill(token);
    await dialog.locator('.auth-btn-wrapper button.authorize').first().click();
    await until('the dialog to say Authorized',
      async () => (await dialog.locator('h6', { hasText: 'Authorized' }).count()) > 0);
    await dialog.locator('.auth-btn-wrapper .btn-done, .close-modal').first().click();
    await dialog.waitFor({ state: 'detached' });
    return `as ${who(token)}`;
  }

  async function open(op) {
    await op.waitFor();
    if (!/\bis-open\b/.test((await op.getAttribute('class')) || '')) {
      await op.locator('.opblock-summary-control, .opblock-summary').first().click();
    }
    await op.locator('.opblock-body').waitFor();
    // Try-it-out is on by default here; a person would press "Try it out" if it were not.
    const tryOut = op.locator('.try-out__btn:not(.cancel)');
    if (await tryOut.count()) await tryOut.first().click();
    await op.locator('.btn.execute').waitFor();
  }

  async function collapse(op) {
    if (/\bis-open\b/.test((await op.getAttribute('class')) || '')) {
      await op.locator('.opblock-summary-control, .opblock-summary').first().click();
    }
  }

  // A screenshot of one operation's rendered server response: from "Request URL" down to the end of
  // the response, with the response body's scroll box (max-height 400px) let out for the picture so
  // all of it shows. It starts below the curl command, so no bearer token ends up in the picture.
  async function shootResponse(op, path) {
    const body = op.locator('.live-responses-table .response-col_description pre').first();
    await body.evaluate((el) => { el.dataset.walkStyle = el.getAttribute('style') || ''; el.style.maxHeight = 'none'; });
    try {
      const clip = await op.evaluate((el) => {
        const from = el.querySelector('.request-url') || el.querySelector('.live-responses-table');
        const to = el.querySelector('.live-responses-table');
        const a = from.getBoundingClientRect();
        const b = to.getBoundingClientRect();
        const x = Math.min(a.left, b.left) + window.scrollX;
        return { x, y: a.top + window.scrollY, width: Math.max(a.right, b.right) - Math.min(a.left, b.left), height: b.bottom - a.top };
      });
      await page.screenshot({ path, fullPage: true, clip, timeout: actionMs });
      console.log(`screenshot: ${path}`);
    } finally {
      await body.evaluate((el) => { el.setAttribute('style', el.dataset.walkStyle); delete el.dataset.walkStyle; })
        .catch(() => {});
    }
  }

  // The last check of a walk that got through all its steps. Chromium logs "Failed to load resource:
  // … status of 409 (Conflict)" for every error status a walk provokes on purpose; expected lists
  // those statuses, one entry per request, and one such line per entry is not an error: anything
  // else is.
  function checkNoErrors(expected = []) {
    for (const status of expected) {
      const i = errors.findIndex((e) => e.startsWith('console: Failed to load resource') && e.includes(`status of ${status} `));
      if (i >= 0) errors.splice(i, 1);
    }
    if (!aborted) check('no console or page errors', errors.length === 0, errors.join(' | '));
  }

  // For the walk's finally: the errors seen before a failed step, the whole page, the browser closed.
  async function close() {
    if (aborted && errors.length) console.log(`     errors so far: ${errors.join(' | ')}`);
    if (page) {
      await page.screenshot({ path: pageShot, fullPage: true, timeout: 10_000 }).then(
        () => console.log(`screenshot: ${pageShot}`),
        (e) => console.log(`screenshot failed: ${e.message.split('\n')[0]}`));
    }
    await browser?.close().catch(() => {});
    clearTimeout(watchdog);
  }

  function exit() {
    console.log(failures.length === 0 ? 'RESULT: PASS' : `RESULT: FAIL (${failures.length}: ${failures.join('; ')})`);
    process.exit(failures.length === 0 ? 0 : 1);
  }

  return {
    check, step, must, sleep, until, claims, who, launch, operation, authorize, open, collapse, shootResponse,
    checkNoErrors, close, exit,
  };
}
