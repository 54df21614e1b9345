// Debian's Chromium driven by playwright-core; never a downloaded browser.
import { chromium } from 'playwright-core';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { ROOT } from './server.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
export const SHOTS = join(ROOT, 'var', 'screenshots');
const VNU = require.resolve('vnu-jar/build/dist/vnu.jar');

// The HTML each page was served as (the last document response of its main
// frame), saved next to its screenshot for the W3C Nu HTML Checker: the
// served bytes, not the DOM Chromium rebuilt from them.
const lastDocument = new WeakMap();
// The pages saved since launch(); close() checks them all with one vnu run.
const saved = [];

/** The W3C Nu HTML Checker (vnu-jar, Debian's Java) on the files given:
 * the list of its errors as "file:line: message" (warnings are not errors). */
export async function vnuErrors(files) {
  if (files.length === 0) return [];
  let out;
  try {
    out = (await promisify(execFile)('java', ['-jar', VNU, '--errors-only', '--format', 'json', ...files],
      { maxBuffer: 64 << 20 })).stderr;
  } catch (e) {
    if (e.code === 'ENOENT' || !e.stderr) throw e; // no Java: the check did not run
    out = e.stderr; // vnu exits 1 when it found errors; the report is on stderr
  }
  const msgs = JSON.parse(out || '{"messages":[]}').messages;
  return msgs.filter((m) => m.type === 'error' || m.subType === 'fatal')
    .map((m) => `${(m.url || '').replace(/^.*\//, '')}:${m.lastLine ?? '?'}: ${m.message} [${(m.extract || '').trim()}]`);
}

export async function launch() {
  // launch() gives Chromium a fresh temporary --user-data-dir of its own.
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-quic', '--no-first-run'],
  });
  mkdirSync(SHOTS, { recursive: true });
  const problems = [];
  const watch = (page) => {
    // A page answered 4xx on purpose (a form with errors) logs a status line;
    // those are judged by the tests. Failed subresources are caught below.
    page.on('console', (m) => {
      if ((m.type() === 'error' || m.type() === 'warning') && !/the server responded with a status of/.test(m.text())) problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('response', (r) => {
      if (r.request().resourceType() === 'document' && r.frame() === page.mainFrame() && r.status() < 300) {
        lastDocument.set(page, r.text().catch(() => null));
      }
      if (r.request().resourceType() !== 'document' && r.status() >= 400) problems.push(`subresource ${r.status()}: ${r.url()}`);
    });
    // ERR_ABORTED is a navigation cancelling a fetch, not a broken resource.
    page.on('requestfailed', (r) => { if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`); });
  };
  /** A new person: their own cookies, one page. */
  const person = async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    watch(page);
    return page;
  };
  const first = saved.length;
  return {
    page: await person(),
    person,
    problems,
    /** Closes the browser, then runs vnu on every page shot() saved since
     * launch(): an error fails the test file (this runs in its after hook). */
    async close() {
      await browser.close();
      const errors = await vnuErrors(saved.slice(first));
      assert.deepEqual(errors, [], 'the W3C Nu HTML Checker found errors in the pages saved');
    },
  };
}

/** Screenshot into var/screenshots/NAME.png, and the page's HTML as served
 * into NAME.html for the HTML check that close() runs. */
export async function shot(page, name) {
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const html = (await lastDocument.get(page)) ?? (await page.content());
  const file = join(SHOTS, `${name}.html`);
  writeFileSync(file, html);
  saved.push(file);
}

/** axe-core's WCAG A/AA rules on the current page: no violations allowed.
 * page.evaluate runs over the DevTools protocol, outside the page's CSP. */
export async function assertAccessible(page, what) {
  await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'best-practice'] }));
  const v = result.violations.map((x) => `${x.id}: ${x.help} (${x.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
  assert.deepEqual(v, [], `accessibility violations on ${what}`);
}

/** Sign an admin in through the pages, enrolling in two-factor sign-in
 * on the way (TANDEM_ADMIN_MFA=required, the default): the password, the
 * enrolment page's secret, a code computed from it, the recovery codes
 * acknowledged. Ends on /admin. */
export async function adminSignIn(page, srv, email, password) {
  const { nextTotp } = await import('./server.mjs');
  await page.goto(srv.base + '/login');
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/login'));
  await page.goto(srv.base + '/admin');
  await page.waitForURL('**/account/mfa?next=/admin');
  const secret = (await page.locator('#secret').innerText()).replace(/\s/g, '');
  await page.getByLabel('The 6-digit code your app shows now').fill(await nextTotp(srv, secret));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await page.getByRole('link', { name: 'I have saved them, continue' }).click();
  await page.waitForURL('**/admin');
}

/** The header's menus (Everyday mentoring, the account menu) are closed
 * <details>: open the one holding the link or button `name` as a person
 * would, and return that item to click. */
export async function menuItem(page, name, role = 'link') {
  const menu = page.locator('header.top details.menu').filter({ has: page.getByRole(role, { name, exact: true, includeHidden: true }) });
  await menu.locator('summary').click();
  return menu.getByRole(role, { name, exact: true });
}
