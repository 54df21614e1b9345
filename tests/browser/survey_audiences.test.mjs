// Issue 19 in Chromium: an admin sends a survey to one team from its
// page, is told why a send was refused (the form kept), and reads a
// follow-up beside its baseline. Each page passes axe and the HTML check.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, signup } from '../lib/server.mjs';
import { launch, shot, assertAccessible, adminSignIn } from '../lib/browser.mjs';

const PW = 'amber otter quietly sings';
let srv, b;
before(async () => {
  srv = await startServer({ TANDEM_SURVEY_K: '3', TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' });
  b = await launch();
  srv.sql("INSERT INTO teams(name) VALUES ('Platform'), ('Data')");
  for (const n of [1, 2, 3]) {
    const c = await signup(srv, `member${n}@example.com`, `Member ${n}`);
    await c.get('/profile');
    await c.post('/profile', [['display_name', `Member ${n}`], ['team', 'Platform'], ['timezone', 'UTC']]);
  }
});
after(async () => { await b?.close(); await srv?.stop(); });

/** A survey for both roles with one rating question, opened, through the pages. */
async function newSurvey(p, title) {
  await p.goto(srv.base + '/admin/surveys');
  await p.getByLabel('Title').fill(title);
  await p.getByLabel('For').selectOption('both');
  await p.getByRole('button', { name: 'Create draft' }).click();
  await p.getByLabel('Question').fill('How useful is mentoring here?');
  await p.getByRole('button', { name: 'Add question' }).click();
  await p.getByRole('button', { name: 'Open survey (freezes the questions)' }).click();
  await p.getByRole('button', { name: 'Close survey' }).waitFor();
  return { url: new URL(p.url()).pathname, id: Number(new URL(p.url()).pathname.split('/').pop()) };
}

function release(surveyId, list) {
  const q = srv.sql(`SELECT id FROM survey_questions WHERE survey_id = ${surveyId}`);
  const sql = ['BEGIN;'];
  for (const [team, rating] of list) {
    const id = randomBytes(16).toString('hex');
    sql.push(`INSERT INTO survey_responses(id, survey_id, role, quarter, team, batch) VALUES (X'${id}', ${surveyId}, 'member', '2026-Q4', '${team}', 1);`);
    sql.push(`INSERT INTO survey_answers(response_id, question_id, rating) VALUES (X'${id}', ${q}, ${rating});`);
  }
  sql.push('COMMIT;');
  srv.sql(sql.join('\n'));
}

test('send to a team, a refused send, and a follow-up beside its baseline', async () => {
  srv.createAdmin('sam@example.com', 'Sam Admin', PW);
  const p = b.page;
  await adminSignIn(p, srv, 'sam@example.com', PW);
  const base = await newSurvey(p, 'Before the incentive');
  // Refused: one team, but none chosen. The choice stays, the reason is said.
  await p.getByLabel('Send to').selectOption('team');
  await p.getByRole('button', { name: 'Send' }).click();
  await p.getByText('Choose the team to send the survey to. Nobody was invited.').waitFor();
  assert.equal(await p.getByLabel('Send to').inputValue(), 'team');
  await assertAccessible(p, 'a refused send');
  await shot(p, 'survey-send-refused');
  await p.getByLabel('Team (for one team)').selectOption('Platform');
  await p.getByRole('button', { name: 'Send' }).click();
  await p.getByText('Invited 3 people; 0 of this audience were invited already.').waitFor();
  assert.equal(srv.sql(`SELECT count(*) FROM survey_invitations WHERE survey_id = ${base.id}`), '3');
  await assertAccessible(p, 'the survey page after a send');
  await shot(p, 'survey-sent');

  const follow = await newSurvey(p, 'After the incentive');
  release(base.id, [['Platform', 4], ['Platform', 4], ['Platform', 4], ['Platform', 2], ['Data', 5], ['Data', 5], ['Data', 5]]);
  release(follow.id, [['Platform', 5], ['Platform', 5], ['Platform', 5], ['Platform', 2], ['Data', 4], ['Data', 4], ['Data', 4]]);
  for (const s of [base, follow]) {
    await p.goto(srv.base + s.url);
    await p.getByRole('button', { name: 'Close survey' }).click();
    await p.getByText('Survey closed.').waitFor();
  }
  await p.getByLabel('This survey follows up').selectOption({ label: 'Before the incentive' });
  await p.getByRole('button', { name: 'Save' }).click();
  await p.getByRole('heading', { name: 'Before and after: Before the incentive → After the incentive' }).waitFor();
  const table = p.getByRole('table', { name: 'How useful is mentoring here?' }).first();
  const everyone = table.getByRole('row', { name: /^Everyone/ });
  assert.match(await everyone.innerText(), /7\s+1: hidden, 2: hidden[\s\S]*7\s+1: hidden, 2: hidden/);
  await assertAccessible(p, 'a follow-up beside its baseline');
  await shot(p, 'survey-compare');
  assert.deepEqual(b.problems, []);
});
