// In Chromium: what waits on me on the dashboard, writing the agenda of a
// planned session, the notification preferences with the calendar link,
// and the unsubscribe page a mail links to (no sign-in).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, GOOD_PW } from '../lib/server.mjs';
import { newMentorship, userId, linkToken } from '../lib/fixtures.mjs';
import { launch, shot, assertAccessible, menuItem } from '../lib/browser.mjs';

let srv, b;
before(async () => {
  srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' });
  b = await launch();
});
after(async () => { await b?.close(); await srv?.stop(); });

async function signIn(page, email) {
  await page.goto(srv.base + '/login');
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Password').fill(GOOD_PW);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: /^Hello, / }).waitFor();
}

test('waits on me, the agenda ahead, notification preferences and the unsubscribe page', async () => {
  const { mentee: menteeHttp, ms, mentorEmail, menteeEmail } = await newMentorship(srv, { mentorName: 'Greta Guide', menteeName: 'Hugo Learner' });
  // A session planned in 3 hours (both zones are UTC).
  const at = new Date(Date.now() + 3 * 3600 * 1000);
  await menteeHttp.get(ms);
  assert.equal((await menteeHttp.post(`${ms}/next`, { next_at: at.toISOString().slice(0, 16) })).status, 303);

  const mentee = b.page;
  await signIn(mentee, menteeEmail);
  const waits = mentee.getByRole('region', { name: 'Waits on me' });
  await waits.getByRole('link', { name: 'Write the agenda for your session with Greta Guide' }).waitFor();
  await shot(mentee, '60-dashboard-waits-on-me');
  await assertAccessible(mentee, 'dashboard with waits on me');

  await waits.getByRole('link', { name: 'Write the agenda for your session with Greta Guide' }).click();
  await mentee.getByRole('heading', { name: 'Agenda for this session' }).waitFor();
  await mentee.getByLabel('Write the agenda').fill('Asks: how to show impact.\nDiscussion: the promotion packet.');
  await shot(mentee, '61-agenda-ahead-form');
  await assertAccessible(mentee, 'mentorship page with the agenda form');
  await mentee.getByRole('button', { name: 'Save agenda' }).click();
  await mentee.getByText('Agenda saved.').waitFor();
  await mentee.getByText('Asks: how to show impact.').first().waitFor();
  assert.equal(await mentee.getByLabel('Edit the agenda').inputValue(), 'Asks: how to show impact.\nDiscussion: the promotion packet.');
  await shot(mentee, '62-agenda-ahead-saved');

  const mentor = await b.person();
  await signIn(mentor, mentorEmail);
  await mentor.getByRole('region', { name: 'Waits on me' }).getByRole('link', { name: 'Read the agenda for your session with Hugo Learner' }).click();
  await mentor.locator('#agenda-text').getByText('Asks: how to show impact.').waitFor();
  await shot(mentor, '63-agenda-ahead-mentor');

  // Notification preferences, from the account navigation.
  await (await menuItem(mentee, 'Notifications')).click();
  await mentee.getByRole('heading', { name: 'Notifications' }).waitFor();
  await mentee.getByLabel('Feedback I still owe after a session').uncheck();
  await mentee.getByLabel(/One daily digest at 08:00/).check();
  const feed = await mentee.getByLabel('Your calendar link').inputValue();
  assert.match(feed, /\/calendar\/[A-Za-z0-9_-]{44}\.ics$/);
  await assertAccessible(mentee, 'notification preferences');
  await mentee.getByRole('button', { name: 'Save notifications' }).click();
  await mentee.getByText('Saved: what you chose comes in one mail a day').waitFor();
  assert.equal(await mentee.getByLabel('Feedback I still owe after a session').isChecked(), false);
  assert.equal(await mentee.getByLabel('A survey to answer, and one reminder').isChecked(), true);
  await shot(mentee, '64-notification-preferences');
  await mentee.getByRole('button', { name: 'Replace the calendar link' }).click();
  await mentee.getByText('New calendar link made.').waitFor();
  assert.notEqual(await mentee.getByLabel('Your calendar link').inputValue(), feed);

  // The unsubscribe link of a mail, opened by someone not signed in.
  const reader = await b.person();
  const token = linkToken(srv, 'u', userId(srv, menteeEmail), 7); // survey
  await reader.goto(`${srv.base}/unsubscribe/${token}`);
  await reader.getByRole('heading', { name: 'Stop these mails?' }).waitFor();
  await reader.getByText('A survey to answer, and one reminder').waitFor();
  await shot(reader, '65-unsubscribe');
  await assertAccessible(reader, 'unsubscribe page');
  await reader.getByRole('button', { name: 'Stop these mails' }).click();
  await reader.getByRole('heading', { name: 'You are unsubscribed' }).waitFor();
  await shot(reader, '66-unsubscribed');
  await mentee.reload();
  assert.equal(await mentee.getByLabel('A survey to answer, and one reminder').isChecked(), false);
  assert.equal(await mentee.getByLabel('Someone asks me to mentor them').isChecked(), true);
  assert.deepEqual(b.problems, []);
});
