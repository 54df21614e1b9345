// A statement that fails in the middle of a request, whether or not the
// code that stepped it looked at the result (issue 13: "a failing
// statement is always a 500 page with a request id and a log line"): the
// request answers the store's error page, never a page with a zero or an
// empty list where a read failed, and a write whose checks could not read
// stores nothing (app/store/db.h, the failure latch). The fault:
// $TANDEM_DATA/test-faults "stmt TEXT" interrupts every statement whose
// SQL holds TEXT while it runs (app/store/faultvfs.c, test builds only).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newMentorship } from '../lib/fixtures.mjs';
import { faultServer, stmtFault } from '../lib/faults.mjs';

let srv, pair;
before(async () => {
  srv = await faultServer();
  pair = await newMentorship(srv);
});
after(async () => { await srv.stop(); });

const fault = (text) => stmtFault(srv, text);
const failures = () => (srv.log().match(/msg="a statement failed; what it was part of is refused"/g) || []).length;

async function failsWith(client, path, text) {
  const logged = failures();
  fault(text);
  let r;
  try {
    r = await client.get(path);
  } finally {
    fault(null);
  }
  assert.equal(r.status, 500, `${path} while "${text}" fails: ${r.status}`);
  assert.match(r.body, /Something went wrong/);
  const rid = r.body.match(/request id[^<]*<[^>]*>([\w-]+)/i) || r.body.match(/\b([0-9a-f]{16 })\b/);
  assert.ok(rid, 'the error page names its request id');
  assert.equal(failures(), logged + 1, 'one log line says which statement failed');
  return r;
}

// Each part of the dashboard read through a statement whose failure its
// caller does not check (a count read as 0, a list left empty, a goal
// read as none): the whole page is the error page instead.
const homeParts = [
  ['coalesce(u.surveys_waiting, 0)', 'the session, with the count of surveys waiting the layout shows, my zone and my weekly pairing goal'],
  ['SELECT i.id, s.title FROM survey_invitations', 'the surveys to answer'],
  ['m.weeks_done, m.weeks, coalesce(m.next_session_at, 0)', 'my mentorships'],
  ['SELECT x.id, x.next_session_at', 'what waits on me: sessions soon'],
  ['SELECT g.id, g.held_on, g.mentorship_id', 'what waits on me: feedback still owed'],
  ['CROSS JOIN follow_ups f', 'the follow-ups to me'],
  ['FROM activity_weeks WHERE user_id', 'my pairings per week'],
  ['FROM coffee_match_people p JOIN coffee_matches m', 'my pairing-round matches'],
  ['coalesce(m.last_session_on, m.started_on)', 'the relation lines'],
];

for (const [text, part] of homeParts) {
  test(`the dashboard is an error page, not a blank, when ${part} cannot be read`, async () => {
    // The list of surveys is read only when the count kept on the
    // person's row says there is one: give the mentee one to answer.
    if (part === 'the surveys to answer' && srv.sql('SELECT count(*) FROM surveys WHERE id = 990') === '0') {
      srv.sql(`INSERT INTO surveys(id, title, audience, status) VALUES (990, 'Waiting one', 'both', 'open');
        INSERT INTO survey_invitations(survey_id, user_id, role) SELECT 990, mentee_id, 'member' FROM mentorships WHERE id = ${pair.ms.split('/').pop()};`);
    }
    const ok = await pair.mentee.get('/');
    assert.equal(ok.status, 200);
    await failsWith(pair.mentee, '/', text);
    // The fault gone, the same page again, whole.
    const again = await pair.mentee.get('/');
    assert.equal(again.status, 200);
    assert.match(again.body, /Mira Mentor/);
  });
}

test('a mentorship page whose plan cannot be read is an error page, not an empty plan', async () => {
  assert.match((await pair.mentor.get(pair.ms)).body, /Week 1/);
  await failsWith(pair.mentor, pair.ms, 'FROM plan_weeks w JOIN mentorships m ON m.id = w.mentorship_id');
  assert.equal((await pair.mentor.get(pair.ms)).status, 200);
});

test("a write whose check cannot read is a 500 (not a 404) and stores nothing", async () => {
  await pair.mentee.get(`${pair.ms}/sessions/new`);
  const count = () => Number(srv.sql('SELECT count(*) FROM meetings'));
  const before = count();
  const today = new Date().toISOString().slice(0, 10);
  const body = { held_on: today, duration_min: '30', kind: 'one_on_one', labels: '', agenda: 'a', shared_notes: 'b',
    private_notes: '' };
  const logged = failures();
  fault("SELECT started_on, kind = 'single', mentor_id, mentee_id FROM mentorships");
  let r;
  try {
    r = await pair.mentee.post(`${pair.ms}/sessions`, body);
  } finally {
    fault(null);
  }
  assert.equal(r.status, 500, `${r.status}`);
  assert.match(r.body, /nothing was saved/);
  assert.equal(failures(), logged + 1);
  assert.equal(count(), before, 'nothing stored');
  assert.equal((await pair.mentee.post(`${pair.ms}/sessions`, body)).status, 303);
  assert.equal(count(), before + 1);
});

test('a refusal the store reads (a constraint) is no failure: feedback given twice is still 409, and nothing is logged', async () => {
  const today = new Date().toISOString().slice(0, 10);
  await pair.mentee.get(`${pair.ms}/sessions/new`);
  const logged = await pair.mentee.post(`${pair.ms}/sessions`, { held_on: today, duration_min: '30', kind: 'one_on_one',
    labels: '', agenda: '', shared_notes: '', private_notes: '' });
  assert.equal(logged.status, 303);
  const session = logged.headers.location.match(/\/sessions\/\d+/)?.[0]
    || `/sessions/${srv.sql(`SELECT max(id) FROM meetings WHERE mentorship_id = ${pair.ms.split('/').pop()}`)}`;
  await pair.mentor.get(session);
  const form = { rating: '4', use_of_time: 'right', went_well: 'w', to_improve: 't', next_steps: 'n', shared: '1' };
  assert.equal((await pair.mentor.post(`${session}/feedback`, form)).status, 303);
  const before = failures();
  const twice = await pair.mentor.post(`${session}/feedback`, form);
  assert.equal(twice.status, 409);
  assert.match(twice.body, /already gave feedback/);
  assert.equal(failures(), before, 'a UNIQUE refusal is not a failed statement');
});

test('the mail sender: a read that fails leaves the mail waiting (not sent, not dropped, retried on the retries\' schedule); it goes once the fault ends', async () => {
  const { startSink, mailbox } = await import('../lib/mail.mjs');
  const { signup } = await import('../lib/server.mjs');
  const { uniqueEmail, userId } = await import('../lib/fixtures.mjs');
  const sink = await startSink();
  const s = await faultServer({ TANDEM_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, TANDEM_MAIL_FROM: 'mentoring@example.org' });
  try {
    const box = mailbox(() => sink.files());
    const mentorEmail = uniqueEmail('mentor');
    const mentor = await signup(s, mentorEmail, 'Mira Mentor');
    await mentor.get('/profile');
    assert.equal((await mentor.post('/profile', [['display_name', 'Mira Mentor'], ['timezone', 'UTC'], ['is_mentor', '1'],
      ['focus_areas', 'Public speaking'], ['capacity', '2'], ['formats', 'one_on_one']])).status, 303);
    const mentee = await signup(s, uniqueEmail('mentee'), 'Tom Mentee');
    const mid = userId(s, mentorEmail);
    await mentee.get(`/mentors/${mid}`);
    // The sender's read of the request's facts (store/outbox.c) fails.
    stmtFault(s, 'SELECT r.mentor_id = :u, a.display_name, a.email');
    let r;
    try {
      r = await mentee.post('/requests', { mentor_id: mid, topic: 'Public speaking', goal: 'Grow as a speaker at conferences.',
        format: 'one_on_one', cadence: 'weekly', duration_min: '30', weeks: '6', message: '' });
      assert.equal(r.status, 303, 'the request itself is saved: the page does not read that statement');
      const rid = r.headers.location.split('/').pop();
      const row = `SELECT state FROM outbox WHERE event = 1 AND ref = ${rid} AND user_id = ${mid}`;
      // The sender meets the fault, then waits for the retries' schedule
      // (a minute first), not the next batch: one failure, not a log line
      // twice a second.
      await new Promise((res) => setTimeout(res, 2500));
      assert.equal(box.to(mentorEmail).length, 0, 'nothing sent from facts that were not read');
      assert.equal(s.sql(row), '0', 'still waiting: not marked "not needed"');
      assert.equal(s.sql(`SELECT tries FROM outbox WHERE event = 1 AND ref = ${rid} AND user_id = ${mid}`), '1',
        'tried once, due again later');
      assert.equal((s.log().match(/a statement failed; what it was part of is refused/g) || []).length, 1);
    } finally {
      stmtFault(s, null);
    }
    s.setClock(120); // the retry's minute
    await box.until(() => box.to(mentorEmail).length > 0, 'the request mail after the fault');
    assert.match(box.to(mentorEmail)[0].headers.subject, /New mentoring request from Tom Mentee/);
  } finally {
    await s.stop();
    await sink.stop();
    sink.cleanup();
  }
});
