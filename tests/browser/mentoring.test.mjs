// In Chromium, the whole path: two people sign up, one becomes a mentor
// with a topic, the other finds them by that topic and asks; the mentor
// accepts; both see the mentorship; the mentee completes it.
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

test('find a mentor, ask, accept, complete', async () => {
  const mentor = b.page;
  const mentee = await b.person();

  await signUp(mentor, 'olga@example.com', 'Olga Mentor');
  await mentor.getByRole('link', { name: 'Edit profile' }).click();
  await assertAccessible(mentor, 'profile');
  await mentor.getByLabel('Team').fill('Platform');
  await mentor.getByLabel('Job title').fill('Staff engineer');
  await mentor.getByLabel('Time zone').selectOption('Europe/Berlin');
  await mentor.getByLabel('About you').fill('Ten years of systems programming. I enjoy pairing.');
  await mentor.getByLabel('I mentor colleagues').check();
  await mentor.getByLabel('Focus areas').fill('Rust, Debugging');
  await mentor.getByLabel('How many mentees at once').fill('2');
  await mentor.getByLabel('Pairing', { exact: true }).check();
  await mentor.getByLabel('1:1').check();
  await shot(mentor, '10-profile-mentor');
  await mentor.getByRole('button', { name: 'Save profile' }).click();
  await mentor.getByText('You are listed in the mentor directory').waitFor();

  await signUp(mentee, 'pablo@example.com', 'Pablo Mentee');
  await mentee.getByRole('link', { name: 'Find a mentor' }).click();
  await mentee.getByLabel('Topic').fill('rust');
  await mentee.getByRole('button', { name: 'Search' }).click();
  await mentee.getByRole('link', { name: 'Olga Mentor' }).waitFor();
  await mentee.getByText('2 of 2 places free').waitFor();
  await shot(mentee, '11-directory');
  await assertAccessible(mentee, 'directory');
  await mentee.getByRole('link', { name: 'Olga Mentor' }).click();
  await mentee.getByText('it is a learning opportunity', { exact: false }).or(mentee.getByText('learning opportunity', { exact: false })).first().waitFor();
  await mentee.getByLabel('Your goal').fill('Ship my first Rust CLI with tests, and understand the borrow checker errors I keep hitting.');
  await mentee.getByLabel('Format').selectOption('pairing');
  await shot(mentee, '12-request-form');
  await assertAccessible(mentee, 'mentor page with request form');
  await mentee.getByRole('button', { name: 'Send request' }).click();
  await mentee.getByText('Request sent.').waitFor();
  await shot(mentee, '13-request-sent');
  await assertAccessible(mentee, 'request page');

  await mentor.goto(srv.base + '/');
  await mentor.getByRole('link', { name: /Pablo Mentee: Rust/ }).click();
  await shot(mentor, '14-request-incoming');
  await mentor.getByRole('button', { name: 'Accept' }).click();
  await mentor.getByText('Your mentorship has started').waitFor();
  await mentor.getByText('Week 1:').waitFor();
  await shot(mentor, '15-mentorship-mentor');
  await assertAccessible(mentor, 'mentorship');

  await mentee.goto(srv.base + '/');
  await mentee.getByRole('link', { name: 'Rust', exact: true }).first().click();
  await mentee.getByRole('heading', { name: 'Rust' }).waitFor();
  await mentee.getByLabel('Done').first().check();
  await mentee.getByRole('button', { name: 'Save week 1' }).click();
  await mentee.getByText('1 of 6 weeks done').waitFor();
  // Log a session with an agenda and notes, then give feedback.
  await mentee.getByRole('link', { name: 'Log a session' }).click();
  await mentee.getByText('Seen by: only you.').waitFor();
  assert.match(await mentee.getByLabel('Agenda').inputValue(), /Good vibes:\n\nAsks:\n\nDiscussion:/);
  await mentee.getByLabel('Agenda').fill('Good vibes: shipped the CLI\n\nAsks: lifetimes\n\nDiscussion: error handling');
  await mentee.getByLabel('Shared notes').fill('We walked through the borrow checker errors together.');
  await mentee.getByLabel('Private notes').fill('I felt slow today; ask for smaller steps.');
  await mentee.getByLabel('Labels').fill('rust, pairing');
  await shot(mentee, '17-log-session');
  await assertAccessible(mentee, 'log a session');
  await mentee.getByRole('button', { name: 'Log session' }).click();
  await mentee.getByText('Session logged.').waitFor();
  await mentee.getByText('admins, only in totals of 5 or more').first().waitFor();
  await mentee.getByLabel('What went well').fill('Concrete examples from real code.');
  await mentee.getByLabel('5 · very useful').check();
  // Nothing is shared unless ticked: the mentee chooses to.
  assert.equal(await mentee.getByLabel('Share these texts with my mentor').isChecked(), false);
  await mentee.getByLabel('Share these texts with my mentor').check();
  await shot(mentee, '18-session-feedback-form');
  await assertAccessible(mentee, 'session page with feedback form');
  await mentee.getByRole('button', { name: 'Send feedback' }).click();
  await mentee.getByText('Thank you for your feedback.').waitFor();
  await mentee.getByText('Your feedback: 5 of 5').waitFor();
  await shot(mentee, '19-session-after-feedback');
  const sessionUrl = mentee.url();
  await mentor.goto(sessionUrl);
  await mentor.getByText('We walked through the borrow checker errors together.').waitFor();
  assert.equal(await mentor.getByText('I felt slow today').count(), 0, 'private notes stay private');
  await mentor.getByText('From your mentee: 5 of 5').waitFor();
  await shot(mentor, '20-session-seen-by-mentor');

  await mentee.getByRole('link', { name: /← Rust/ }).click();
  await mentee.getByLabel('The goal was met').check();
  await mentee.getByRole('button', { name: 'Complete mentorship' }).click();
  await mentee.getByText('Mentorship completed').waitFor();
  // The status line's outcome (the celebration's preview below says "goal met" too).
  await mentee.getByText(/Completed · Goal met/).waitFor();
  await shot(mentee, '16-mentorship-completed');
  await mentor.goto(srv.base + '/mentorships');
  await mentor.getByRole('cell', { name: 'Completed' }).waitFor();
  assert.deepEqual(b.problems, []);
});
