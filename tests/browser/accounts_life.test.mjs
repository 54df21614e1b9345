// In Chromium (issue 16): sign up and confirm the address from the mail,
// forget and reset a password, and import a CSV of employees through its
// preview. A screenshot of each step, an accessibility check of each
// page, and no console errors or CSP violations.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, GOOD_PW } from '../lib/server.mjs';
import { launch, shot, assertAccessible, adminSignIn } from '../lib/browser.mjs';
import { mailbox, part } from '../lib/mail.mjs';

let srv, b, box;
before(async () => {
  srv = await startServer({ TANDEM_SIGNUP_VERIFY: '1' });
  b = await launch();
  const dir = join(srv.data, 'mail');
  box = mailbox(() => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => join(dir, f)) : []));
});
after(async () => { await b?.close(); await srv?.stop(); });

/** The link (path) in the newest mail to addr whose subject matches re. */
async function linkFor(addr, re, path) {
  const all = await box.until((ms) => ms.some((m) => m.headers.to.includes(`<${addr}>`) && re.test(m.headers.subject)), `mail to ${addr}`);
  const m = all.filter((x) => x.headers.to.includes(`<${addr}>`) && re.test(x.headers.subject)).at(-1);
  return part(m, 'text/plain').body.match(new RegExp(`${path}[A-Za-z0-9_-]{43}`))[0];
}

test('sign up, then confirm the address from the mail', async () => {
  const { page } = b;
  await page.goto(srv.base + '/signup');
  await page.getByLabel('Work email').fill('noor@example.com');
  await page.getByLabel('Display name').fill('Noor Haddad');
  await page.getByLabel('Password', { exact: true }).fill(GOOD_PW);
  await page.getByLabel('Password, again').fill(GOOD_PW);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByText('We sent you a link to confirm your address').waitFor();
  await page.getByText('Confirm your email address.').waitFor();
  await shot(page, 'al-01-unverified-banner');
  await assertAccessible(page, 'dashboard with the banner');
  const link = await linkFor('noor@example.com', /Confirm your email address/, '/verify/');
  await page.goto(srv.base + link);
  await page.getByRole('heading', { name: 'Confirm your address' }).waitFor();
  await shot(page, 'al-02-verify-button');
  await assertAccessible(page, 'verify');
  assert.equal(srv.sql("SELECT verified FROM users WHERE email = 'noor@example.com'"), '0', 'opening the link verifies nothing');
  await page.getByRole('button', { name: 'Confirm my address' }).click();
  await page.getByText('your address is confirmed').waitFor();
  assert.equal(await page.getByText('Confirm your email address.').count(), 0, 'the banner is gone');
  assert.equal(srv.sql("SELECT verified FROM users WHERE email = 'noor@example.com'"), '1');
  await shot(page, 'al-03-verified');
  assert.deepEqual(b.problems, []);
});

test('forget the password, reset it from the mail, sign in with the new one', async () => {
  const page = await b.person();
  await page.goto(srv.base + '/login');
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await page.waitForURL('**/password/forgot');
  await assertAccessible(page, 'forgot');
  await page.getByLabel('Work email').fill('noor@example.com');
  await page.getByRole('button', { name: 'Send me a link' }).click();
  await page.getByRole('heading', { name: 'Check your mail' }).waitFor();
  await shot(page, 'al-04-check-your-mail');
  await assertAccessible(page, 'check your mail');
  const link = await linkFor('noor@example.com', /Reset your Tandem password/, '/password/reset/');
  await page.goto(srv.base + link);
  await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
  await page.getByLabel('New password', { exact: true }).fill('short');
  await page.getByLabel('New password, again').fill('short');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await page.locator('#new_password-err', { hasText: 'at least 12 characters' }).waitFor();
  await shot(page, 'al-05-reset-error');
  await assertAccessible(page, 'reset with an error');
  await page.getByLabel('New password', { exact: true }).fill('copper lantern drifts north');
  await page.getByLabel('New password, again').fill('copper lantern drifts north');
  await page.getByRole('button', { name: 'Set the new password' }).click();
  await page.waitForURL('**/login');
  await page.getByText('Your password was changed').waitFor();
  await shot(page, 'al-06-reset-done');
  await page.getByLabel('Work email').fill('noor@example.com');
  await page.getByLabel('Password').fill('copper lantern drifts north');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Hello, Noor Haddad' }).waitFor();
  // The first browser's session ended with the reset.
  await b.page.reload();
  assert.match(b.page.url(), /\/login/);
  assert.deepEqual(b.problems, []);
});

test('an admin imports a CSV and applies it after the preview', async () => {
  srv.createAdmin('ada@example.com', 'Ada Admin', GOOD_PW);
  const page = await b.person();
  await adminSignIn(page, srv, 'ada@example.com', GOOD_PW); // with the second factor admins need
  await page.getByRole('link', { name: 'Invite and import' }).click();
  await page.getByRole('heading', { name: 'Invite and import people' }).waitFor();
  await shot(page, 'al-07-import-form');
  await assertAccessible(page, 'import form');
  const csv = ['email,name,team,job_title', 'lea@example.com,Léa Martin,Platform,Engineer', 'omar@example.com,"Omar, Jr.",Data,Analyst',
    'broken-address,Nobody,Ops,Clerk', 'eve@example.com,=HYPERLINK("http://x"),Ops,Clerk', 'noor@example.com,Noor Haddad,Design,Lead'].join('\r\n');
  await page.getByLabel('CSV file').setInputFiles({ name: 'people.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  await page.getByRole('button', { name: 'Preview the import' }).click();
  await page.getByRole('heading', { name: 'Import preview' }).waitFor();
  await page.getByRole('heading', { name: 'Invalid lines' }).waitFor();
  const bad = await page.locator('#invalid tbody tr').allInnerTexts();
  assert.equal(bad.length, 2);
  assert.match(bad[0], /^4\s+broken-address\s+The email does not look like/);
  assert.match(bad[1], /^5\s.*spreadsheet formulas are refused/);
  assert.equal(await page.locator('#adds tbody tr').count(), 2);
  assert.equal(await page.locator('#updates tbody tr').count(), 1, 'an existing account gets its team and title');
  await shot(page, 'al-08-import-preview');
  await assertAccessible(page, 'import preview');
  await page.getByRole('button', { name: 'Apply: invite 2, update 1' }).click();
  await page.waitForURL('**/admin/users');
  await page.getByText('Import applied: 2 people invited, 1 updated.').waitFor();
  await shot(page, 'al-09-import-applied');
  assert.equal(srv.sql("SELECT count(*) FROM users WHERE email IN ('lea@example.com', 'omar@example.com') AND verified = 0"), '2');
  assert.equal(srv.sql("SELECT team FROM profiles p JOIN users u ON u.id = p.user_id WHERE u.email = 'noor@example.com'"), 'Design');
  assert.deepEqual(b.problems, []);
});
