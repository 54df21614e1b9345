// In Chromium (issue 19, recognition): a mentee completes six weeks with a
// thank-you note and a celebration, the mentor reads the note and agrees,
// the program page shows the celebration, the mentor's record lists the
// note and turns on the card's line, and the directory shows it. Every page
// shot is checked by axe-core here and by the W3C Nu HTML Checker when the
// browser closes (tests/lib/browser.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launch, shot, assertAccessible } from '../lib/browser.mjs';

let srv, b;
before(async () => { srv = await startServer(); b = await launch(); });
after(async () => { await b?.close(); await srv?.stop(); });

async function signUp(page, email, name) {
  await page.goto(srv.base + '/signup');
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill('amber otter quietly sings');
  await page.getByLabel('Password, again').fill('amber otter quietly sings');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: `Hello, ${name}` }).waitFor();
}

async function look(page, name) {
  await shot(page, name);
  await assertAccessible(page, name);
}

test('a note and a celebration at completion; the mentor agrees; the program page, the record, the card', async () => {
  const mentor = b.page;
  const mentee = await b.person();
  await signUp(mentor, 'cel-mentor@example.com', 'Ana Strace');
  await mentor.getByRole('link', { name: 'Edit profile' }).click();
  await mentor.getByLabel('I mentor colleagues').check();
  await mentor.getByLabel('Focus areas').fill('strace');
  await mentor.getByLabel('How many mentees at once').fill('2');
  await mentor.getByLabel('1:1').check();
  await mentor.getByRole('button', { name: 'Save profile' }).click();
  await mentor.getByText('You are listed in the mentor directory').waitFor();

  await signUp(mentee, 'cel-mentee@example.com', 'Ben Syscall');
  await mentee.getByRole('link', { name: 'Find a mentor' }).click();
  await mentee.getByRole('link', { name: 'Ana Strace' }).click();
  await mentee.getByLabel('A mentorship: a series of sessions with a plan').check();
  await mentee.getByLabel('Your goal').fill('Read any strace output and find the slow syscall.');
  await mentee.getByRole('button', { name: 'Send request' }).click();
  await mentee.getByText('Request sent.').waitFor();
  await mentor.goto(srv.base + '/');
  await mentor.getByRole('link', { name: /Ben Syscall: strace/ }).click();
  await mentor.getByRole('button', { name: 'Accept' }).click();
  const ms = new URL(mentor.url()).pathname;

  // The mentee finishes: a note too long first (the form comes back as typed).
  await mentee.goto(srv.base + ms);
  await mentee.getByLabel('A thank-you note to Ana Strace (optional)').fill('x'.repeat(2000));
  await mentee.getByLabel('A thank-you note to Ana Strace (optional)').evaluate((t) => { t.removeAttribute('maxlength'); t.value += '!'; });
  await mentee.getByLabel('Celebrate it on the program page').check();
  await mentee.getByRole('button', { name: 'Complete mentorship' }).click();
  await mentee.getByRole('heading', { name: 'Finish the mentorship' }).waitFor();
  await look(mentee, '90-finish-again');
  await mentee.getByLabel('A thank-you note to Ana Strace (optional)').fill('Thank you, Ana: <b>six weeks</b> that changed how I debug.');
  await mentee.getByLabel(/Also show my note on the program page/).check();
  await mentee.getByRole('button', { name: 'Complete mentorship' }).click();
  await mentee.getByText(/Mentorship completed\. Thank you both!/).waitFor();
  await mentee.locator('#celebrate-state').getByText('You agreed. It shows once Ana Strace agrees too.').waitFor();
  await look(mentee, '91-completed-mentee');

  // The mentor reads the note (as text) and agrees.
  await mentor.goto(srv.base + ms);
  assert.equal(await mentor.locator('#thanks-text').innerText(), 'Thank you, Ana: <b>six weeks</b> that changed how I debug.');
  await look(mentor, '92-completed-mentor');
  await mentor.getByRole('button', { name: 'Celebrate it on the program page' }).click();
  await mentor.locator('#celebrate-state').getByText('you both agreed').waitFor();
  // The note shows only once the mentor agrees to it too.
  await mentor.locator('#thanks-show-state').getByText('It shows only if you agree.').waitFor();
  await mentor.getByRole('button', { name: 'Agree to show the note on the program page' }).click();
  await mentor.locator('#thanks-show-state').getByText('You agreed to show this note on the program page.').waitFor();

  await mentor.getByRole('link', { name: 'the program page' }).click();
  await mentor.getByText('Ana Strace and Ben Syscall finished their mentorship on strace — goal met').waitFor();
  await mentor.locator('#celebrations blockquote').getByText('<b>six weeks</b>', { exact: false }).waitFor();
  await look(mentor, '93-program-celebrations');

  await mentor.goto(srv.base + '/me/record');
  await mentor.getByRole('heading', { name: 'Thank-you notes received (1)' }).waitFor();
  await mentor.getByRole('button', { name: 'Show it on my card' }).click();
  await mentor.locator('#card-line-state').getByText('Shown on your card.').waitFor();
  await look(mentor, '94-record-thanks');

  const year = new Date().getUTCFullYear();
  await mentee.goto(srv.base + '/mentors');
  await mentee.getByText(`Mentoring since ${year}`).waitFor();
  await look(mentee, '95-directory-record-line');
  assert.deepEqual(b.problems, []);
});
