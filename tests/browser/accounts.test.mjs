// In Chromium: the home page, then sign up, sign out, sign in and change
// the password, with a screenshot of each step, no console errors or CSP
// violations, and an accessibility check of each page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launch, shot, assertAccessible, menuItem } from '../lib/browser.mjs';

let srv, b;
before(async () => { srv = await startServer(); b = await launch(); });
after(async () => { await b?.close(); await srv?.stop(); });

test('the home page loads with no console errors or CSP violations', async () => {
  const { page } = b;
  const r = await page.goto(srv.base + '/');
  assert.equal(r.status(), 200);
  assert.match(page.url(), /\/login\?next=\//);
  await assert.doesNotReject(page.locator('h1', { hasText: 'Sign in to Tandem' }).waitFor());
  const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'the stylesheet applied');
  await shot(page, '01-home-signed-out');
  await assertAccessible(page, 'login');
  assert.deepEqual(b.problems, []);
});

test('sign up, sign out, sign in, change password', async () => {
  const { page } = b;
  await page.getByRole('link', { name: 'Create account' }).first().click();
  await page.waitForURL('**/signup');
  await assertAccessible(page, 'signup');
  await page.getByLabel('Work email').fill('ines@example.com');
  await page.getByLabel('Display name').fill('Inés Navarro');
  await page.getByLabel('Password', { exact: true }).fill('short');
  await page.getByLabel('Password, again').fill('short');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.locator('#password-err', { hasText: 'at least 12 characters' }).waitFor();
  assert.equal(await page.getByLabel('Work email').inputValue(), 'ines@example.com', 'kept what was typed');
  assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '', 'but not the password');
  await shot(page, '02-signup-error');
  await assertAccessible(page, 'signup with errors');

  await page.getByLabel('Password', { exact: true }).fill('amber otter quietly sings');
  await page.getByLabel('Password, again').fill('amber otter quietly sings');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: 'Hello, Inés Navarro' }).waitFor();
  await page.getByText('Welcome to Tandem!').waitFor();
  await shot(page, '03-dashboard-after-signup');
  await assertAccessible(page, 'dashboard');

  // The header's account menu: closed until asked for, then every
  // account page and signing out, reachable by keyboard too.
  const signOut = await menuItem(page, 'Sign out', 'button');
  await signOut.waitFor();
  assert.equal(await page.getByRole('link', { name: 'Your data', exact: true }).isVisible(), true);
  await shot(page, '03b-account-menu-open');
  await assertAccessible(page, 'dashboard with the account menu open');
  await signOut.click();
  await page.waitForURL('**/login');
  await page.goto(srv.base + '/account/password');
  assert.match(page.url(), /\/login\?next=\/account\/password/);

  await page.getByLabel('Work email').fill('ines@example.com');
  await page.getByLabel('Password').fill('amber otter quietly sings');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/account/password');
  await shot(page, '04-change-password');
  await assertAccessible(page, 'change password');
  await page.getByLabel('Current password').fill('amber otter quietly sings');
  await page.getByLabel('New password', { exact: true }).fill('violet tram morning jazz');
  await page.getByLabel('New password, again').fill('violet tram morning jazz');
  await page.getByRole('button', { name: 'Change password' }).click();
  await page.getByText('Password changed.').waitFor();
  await shot(page, '05-password-changed');

  await (await menuItem(page, 'Sign out', 'button')).click();
  await page.getByLabel('Work email').fill('ines@example.com');
  await page.getByLabel('Password').fill('violet tram morning jazz');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Hello, Inés Navarro' }).waitFor();
  assert.deepEqual(b.problems, []);
});
