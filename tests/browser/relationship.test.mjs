// In Chromium (issue 21): a mentee's whole path from a first conversation
// to a completed six weeks with one goal change, and the guide. Every page
// shot is checked by axe-core here and by the W3C Nu HTML Checker when the
// browser closes (tests/lib/browser.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { launch, shot, assertAccessible, menuItem } from '../lib/browser.mjs';

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

/** Shot, then axe-core: every page of the path is checked. */
async function look(page, name) {
  await shot(page, name);
  await assertAccessible(page, name);
}

test('a first conversation, continued as six weeks, one goal change, completed; the guide', async () => {
  const mentor = b.page;
  const mentee = await b.person();

  await signUp(mentor, 'rel-mentor@example.com', 'Rhea Mentor');
  await mentor.getByRole('link', { name: 'Edit profile' }).click();
  await mentor.getByLabel('Time zone').selectOption('Asia/Tokyo');
  await mentor.getByLabel('I mentor colleagues').check();
  await mentor.getByLabel('Focus areas').fill('Data engineering, SQL');
  await mentor.getByLabel('How many mentees at once').fill('2');
  await mentor.getByLabel('1:1').check();
  await mentor.getByRole('button', { name: 'Save profile' }).click();
  await mentor.getByText('You are listed in the mentor directory').waitFor();

  await signUp(mentee, 'rel-mentee@example.com', 'Milo Mentee');
  await mentee.getByRole('link', { name: 'Find a mentor' }).click();
  await look(mentee, '40-directory-datalist');
  assert.equal(await mentee.locator('#topic-suggest option[value="Data engineering"]').count(), 1);
  await mentee.getByRole('link', { name: 'Rhea Mentor' }).click();
  await mentee.getByText('You have 0 of 3 mentors').waitFor();
  await mentee.getByLabel(/A single conversation first \(worth it/).check();
  await mentee.getByLabel('Your goal').fill('Understand whether data engineering is the right next step for me.');
  await look(mentee, '41-request-single');
  await mentee.getByRole('button', { name: 'Send request' }).click();
  await mentee.getByText('Request sent.').waitFor();
  await mentee.getByText('A single conversation (no plan)').waitFor();

  await mentor.goto(srv.base + '/');
  await mentor.getByRole('link', { name: /Milo Mentee: Data engineering/ }).click();
  await mentor.getByRole('button', { name: 'Accept' }).click();
  await mentor.getByText('A single conversation: hold it by').waitFor();
  await mentor.getByLabel('Where you meet (a room, or an https:// link)').fill('https://meet.example.com/rhea');
  await mentor.getByRole('button', { name: 'Save place' }).click();
  await mentor.getByText('Saved: you both see where you meet.').waitFor();
  await look(mentor, '42-single-mentor');

  // The mentee sees how to reach the mentor, then logs the conversation.
  await mentee.goto(srv.base + '/mentorships');
  await mentee.getByRole('link', { name: 'Data engineering' }).click();
  await mentee.getByText('rel-mentor@example.com').waitFor();
  await mentee.getByText('Asia/Tokyo').waitFor();
  await mentee.getByRole('link', { name: 'https://meet.example.com/rhea' }).waitFor();
  await mentee.getByText('Before your first session: send your mentor an agenda').waitFor();
  await look(mentee, '43-single-mentee');
  const msUrl = mentee.url();
  await mentee.getByRole('link', { name: 'Log a session' }).click();
  await mentee.getByLabel('Shared notes').fill('We talked about pipelines and what the work looks like.');
  await mentee.getByRole('button', { name: 'Log session' }).click();
  await mentee.getByText('Session logged.').waitFor();

  // Continue as a mentorship: the mentee proposes, the mentor accepts.
  await mentee.goto(msUrl);
  await mentee.getByRole('heading', { name: 'After the first conversation' }).waitFor();
  // Shot before typing: a full-page screenshot can leave the page scrolled
  // under the mouse, so a click right after it misses its button.
  await look(mentee, '44-continue-form');
  await mentee.getByLabel('Goal', { exact: true }).fill('Build a small batch pipeline with tests and run it weekly.');
  await mentee.getByLabel('Weeks').fill('6');
  await mentee.getByRole('button', { name: 'Propose to continue' }).click();
  await mentee.getByText('When the other accepts, the plan starts.').waitFor();

  await mentor.goto(srv.base + '/');
  await mentor.getByText('a proposal waits for your answer').waitFor();
  await look(mentor, '45-dashboard-proposal');
  await mentor.getByRole('link', { name: /Data engineering with Milo Mentee/ }).first().click();
  await mentor.getByRole('button', { name: 'Accept and start the plan' }).click();
  await mentor.getByText('Week 6:').waitFor();

  // One goal change, accepted.
  await mentee.reload();
  await mentee.getByText('0 of 6 weeks done').waitFor();
  await mentee.getByLabel('New goal (leave empty to keep it)').fill('Build the pipeline and add data quality checks that alert the team.');
  await mentee.getByLabel('Why', { exact: true }).fill('The pipeline part went faster than planned.');
  await mentee.getByRole('button', { name: 'Propose the change' }).click();
  await mentee.getByText('Change proposed.').waitFor();
  await mentor.reload();
  await mentor.getByText('The pipeline part went faster than planned.').waitFor();
  await look(mentor, '46-change-to-answer');
  await mentor.getByRole('button', { name: 'Accept the change' }).click();
  await mentor.getByText('Accepted: the mentorship now follows it.').waitFor();

  // Six weeks, each ticked, then completed with the goal met.
  await mentee.reload();
  for (let w = 1; w <= 6; w++) {
    await mentee.locator(`#done-${w}`).check();
    await mentee.getByRole('button', { name: `Save week ${w}` }).click();
    await mentee.getByText(`${w} of 6 weeks done`).waitFor();
  }
  const history = await mentee.locator('#goal-history li').allInnerTexts();
  assert.equal(history.length, 3, 'the first contact, the series, the change');
  assert.match(history[1], /batch pipeline/);
  assert.match(history[2], /data quality checks/);
  await look(mentee, '47-six-weeks-done');
  await mentee.getByLabel('The goal was met').check();
  await mentee.getByRole('button', { name: 'Complete mentorship' }).click();
  await mentee.getByText('Mentorship completed').waitFor();
  await mentee.getByRole('link', { name: 'offer Data engineering as a mentor' }).waitFor();
  await mentee.getByLabel('A note to Rhea Mentor').fill('I shipped the checks and they caught a bad load on day one. Thank you!');
  await mentee.getByRole('button', { name: 'Send the follow-up' }).click();
  await mentee.getByText('Follow-up sent.').waitFor();
  await look(mentee, '48-completed-follow-up');
  await mentor.goto(srv.base + '/');
  await mentor.getByText('A follow-up from Milo Mentee').waitFor();

  await mentee.getByRole('link', { name: 'offer Data engineering as a mentor' }).click();
  assert.match(await mentee.getByLabel('Focus areas').inputValue(), /Data engineering/);
  await (await menuItem(mentee, 'Guide')).click();
  await mentee.getByRole('heading', { name: 'Burnout or a blocker' }).waitFor();
  await look(mentee, '49-guide');
  await mentee.getByRole('link', { name: 'Surveys' }).click();
  await look(mentee, '50-surveys');
  // Topic names with spaces in links (/topics, the dashboard): valid HTML.
  await mentee.goto(srv.base + '/topics');
  await mentee.getByRole('link', { name: 'Data engineering' }).waitFor();
  await look(mentee, '51-topics');
  await mentee.goto(srv.base + '/');
  await look(mentee, '52-dashboard');
  assert.deepEqual(b.problems, []);
});
