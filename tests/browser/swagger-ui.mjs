// Real-browser check of Swagger UI: Debian's Chromium, driven by playwright-core.
// Usage: node swagger-ui.mjs [baseUrl]   (default http://127.0.0.1:5080)
// Env:   CHROMIUM_PATH (default /usr/bin/chromium), SCREENSHOT (default swagger-ui.png)
// Prints one PASS/FAIL line per check and exits 1 on any failure (2 on the overall timeout).
import { chromium } from 'playwright-core';

const base = (process.argv[2] || 'http://127.0.0.1:5080').replace(/\/+$/, '');
const screenshot = process.env.SCREENSHOT || 'swagger-ui.png';
const OVERALL_MS = 60_000;
const STEP_MS = 15_000;

const failures = [];
function check(name, ok, detail = '') {
  console.log(`${ok ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  if (!ok) failures.push(name);
}

let browser;
const watchdog = setTimeout(() => {
  console.log(`FAIL overall timeout of ${OVERALL_MS / 1000} s`);
  browser?.close().catch(() => {});
  process.exit(2);
}, OVERALL_MS);

const errors = [];
let page;
try {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(STEP_MS);
  page.on('console', (m) => { if (m.type() === 'error') errors.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));

  // The OpenAPI document the UI itself loads gives the expected title and operation count.
  const docResponse = page.waitForResponse((r) => /\/swagger\.json(\?|$)/.test(r.url()));
  docResponse.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled
  const nav = await page.goto(`${base}/swagger`, { waitUntil: 'domcontentloaded' });
  check('GET /swagger answers 200', nav?.status() === 200, `status ${nav?.status()}`);
  const doc = await (await docResponse).json();
  await page.locator('.opblock').first().waitFor();

  const title = doc.info?.title ?? '';
  const heading = (await page.locator('.information-container .title').first().innerText()).replace(/\s+/g, ' ').trim();
  check('heading shows the API title', title !== '' && heading.includes(title), `"${heading}" (page title "${await page.title()}")`);

  const expected = Object.values(doc.paths ?? {}).flatMap((item) => Object.keys(item))
    .filter((k) => ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'].includes(k)).length;
  const rendered = await page.locator('.opblock').count();
  check('every operation is rendered', rendered === expected, `${rendered} of ${expected}`);

  const paths = await page.locator('.opblock .opblock-summary-path').evaluateAll(
    (els) => els.map((e) => e.getAttribute('data-path') || e.textContent.trim()));
  check('a /api/v1/classifiers operation is rendered', paths.some((p) => p.startsWith('/api/v1/classifiers')));
  check('an /open/v1/classifiers operation is rendered', paths.some((p) => p.startsWith('/open/v1/classifiers')));

  const authorize = page.locator('.auth-wrapper .btn.authorize').first();
  check('the Authorize button exists', (await authorize.count()) === 1);
  if ((await authorize.count()) === 1) {
    await authorize.click();
    const dialog = (await page.locator('.dialog-ux .modal-ux').innerText()).replace(/\s+/g, ' ');
    check('Authorize offers the Bearer scheme (http, bearer)', /Bearer\s*\(http, Bearer\)/i.test(dialog), dialog.slice(0, 80));
    await page.locator('.dialog-ux .modal-ux .close-modal').click();
  }

  // Try one open-data GET: expand it, Execute (try-it-out is on by default), expect a live 200.
  const op = page.locator('.opblock-get').filter({
    has: page.locator('.opblock-summary-path[data-path="/open/v1/classifiers"]'),
  }).first();
  await op.locator('.opblock-summary').first().click();
  await op.locator('.btn.execute').click();
  const status = op.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor();
  const code = (await status.innerText()).trim();
  check('GET /open/v1/classifiers executes with 200', code.startsWith('200'), `status "${code}"`);

  check('no console or page errors', errors.length === 0, errors.join(' | '));
} catch (e) {
  check('the check ran to the end', false, e.message.split('\n')[0]);
  if (errors.length) console.log(`     errors so far: ${errors.join(' | ')}`);
} finally {
  if (page) {
    await page.screenshot({ path: screenshot, fullPage: true, timeout: 10_000 }).then(
      () => console.log(`screenshot: ${screenshot}`),
      (e) => console.log(`screenshot failed: ${e.message.split('\n')[0]}`));
  }
  await browser?.close().catch(() => {});
  clearTimeout(watchdog);
}

console.log(failures.length === 0 ? 'RESULT: PASS' : `RESULT: FAIL (${failures.length}: ${failures.join('; ')})`);
process.exit(failures.length === 0 ? 0 : 1);
