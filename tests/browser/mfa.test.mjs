// issue 16 in Chromium: an admin signs in, is sent to enrol in two-factor
// sign-in, reads the QR code and the secret in text (as an authenticator
// app would), enters a code, sees the recovery codes once, signs out and
// in again with a code; screenshots, no console errors, axe on each page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, totp, GOOD_PW } from '../lib/server.mjs';
import { launch, shot, assertAccessible, menuItem } from '../lib/browser.mjs';

let srv, b;
before(async () => { srv = await startServer(); b = await launch(); });
after(async () => { await b?.close(); await srv?.stop(); });

test('enrol in TOTP with the QR code, then sign in with a code', async () => {
  srv.createAdmin('tess@example.com', 'Tess Admin', GOOD_PW);
  const page = await b.person();
  await page.goto(srv.base + '/login?next=/admin');
  await page.getByLabel('Work email').fill('tess@example.com');
  await page.getByLabel('Password').fill(GOOD_PW);
  await page.getByRole('button', { name: 'Sign in' }).click();
  // required by default: the admin pages send an admin to enrol first
  await page.goto(srv.base + '/admin');
  await page.waitForURL('**/account/mfa?next=/admin');
  const qr = page.getByRole('img', { name: 'QR code of your Tandem sign-in secret' });
  await qr.waitFor();
  const box = await qr.boundingBox();
  assert.ok(box.width >= 150 && Math.abs(box.width - box.height) < 1, `a square QR code (${box.width}x${box.height})`);
  const secret = (await page.locator('#secret').innerText()).replace(/\s/g, '');
  assert.match(secret, /^[A-Z2-7]{32}$/);
  await shot(page, '60-mfa-enrol-qr');
  await assertAccessible(page, 'two-factor enrolment');

  // a wrong code first: 422, the QR code again, the error said
  await page.getByLabel('The 6-digit code your app shows now').fill('000000' === totp(secret, Math.floor(srv.now() / 30)) ? '111111' : '000000');
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await page.getByText('That code is not right').waitFor();
  await assertAccessible(page, 'two-factor enrolment with an error');
  const step = Math.floor(srv.now() / 30);
  await page.getByLabel('The 6-digit code your app shows now').fill(totp(secret, step));
  await page.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await page.getByRole('heading', { name: 'Two-factor sign-in is on' }).waitFor();
  const codes = await page.locator('.recovery-codes code').allInnerTexts();
  assert.equal(codes.length, 10);
  await shot(page, '61-mfa-recovery-codes');
  await assertAccessible(page, 'recovery codes');
  await page.getByRole('link', { name: 'I have saved them, continue' }).click();
  await page.waitForURL('**/admin');
  await page.getByRole('heading', { name: /Program/ }).first().waitFor();

  // sign out, sign in: the code is asked after the password
  await (await menuItem(page, 'Sign out', 'button')).click();
  await page.waitForURL('**/login');
  await page.goto(srv.base + '/login?next=/admin/users');
  await page.getByLabel('Work email').fill('tess@example.com');
  await page.getByLabel('Password').fill(GOOD_PW);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL('**/login/mfa?next=/admin/users');
  await shot(page, '62-mfa-code');
  await assertAccessible(page, 'the code after the password');
  await page.getByLabel('Code', { exact: true }).fill(totp(secret, step + 1));
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL('**/admin/users');
  await shot(page, '63-mfa-signed-in');
  assert.deepEqual(b.problems, []);
});
