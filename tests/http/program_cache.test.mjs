// Issue 19, /program at 100,000 members: its charts and each published
// survey's results are built off the request path (the mail sender's loop,
// app/pages/program_build.c) and kept in program_parts with the version of
// what they were drawn from. A change shows at once (a kept part at an old
// version is never shown), with no 30-second wait; a survey too big to
// build during a request says it is being counted instead of showing old
// figures; a builder killed outright leaves nothing broken.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, signup, login, adminClient } from '../lib/server.mjs';
import { at, parseCsv, session, inOneTransaction, twoTeamsAutumn } from '../lib/history.mjs';

const K = 3;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// "The latest whole month (2026-10): 16 of 40 members took part in an average week, in 40 sessions (30 hours)"
const headline = (body) => {
  const m = body.match(/The latest whole month \((\d{4}-\d\d)\)(?:: [\d.]+ of [\d.]+ members took part in an average week, in (\d+) sessions)?/);
  return m ? { month: m[1], sessions: m[2] === undefined ? null : Number(m[2]) } : null;
};
// The "Everyone" row of a survey's first question on /program.
const everyone = (body, id) => {
  const sec = body.match(new RegExp(`<h3 id="sv-${id}">[\\s\\S]*?</section>`));
  if (!sec) return null;
  const row = sec[0].match(/<th scope="row">Everyone<\/th>(.*?)<\/tr>/);
  return row ? row[1] : sec[0];
};
async function until(what, fn, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) assert.fail(`waited ${ms} ms for ${what}`);
    await sleep(100);
  }
}

describe('the program page shows every change at once', () => {
  let srv, admin, member;
  const ms = [];
  before(async () => {
    srv = await startServer({ TANDEM_SURVEY_K: String(K), TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' });
    // Wednesday 28 October 2026: October and the week of the 26th run.
    srv.setClock(at('2026-10-28', 12) - Math.floor(Date.now() / 1000));
    admin = await adminClient(srv);
    member = await signup(srv, 'pc-member@example.com', 'Mo Member');
    const [sql, pairs] = twoTeamsAutumn();
    ms.push(...pairs);
    srv.sql(inOneTransaction(sql));
  });
  after(async () => { await srv.stop(); });

  // The program's sessions in month ym as the admin's CSV counts them now
  // (no kept copy: the live rule).
  async function live(ym) {
    const text = (await admin.get(`/admin/insights/export.csv?by=month&from=2026-08-01`)).body;
    const r = parseCsv(text).find((x) => x.period === ym && x.team === 'all');
    return r ? Number(r.sessions) : null;
  }

  test('a history written into past weeks and a week settling show on the next request; a late session moves nothing', async () => {
    let p = await member.get('/program');
    assert.equal(p.status, 200);
    // September (weeks of Sep 7-28): 16 pairs, a session a week each, of
    // the teams the rule shows.
    const sep = headline(p.body);
    assert.equal(sep.month, '2026-09');
    assert.ok(sep.sessions > 0);
    assert.equal(sep.sessions, await live('2026-09'));
    // Monday 16 November: the week of 26 October ended 15 days ago and has
    // settled, and October with it.
    srv.setClock(at('2026-11-16', 12) - Math.floor(Date.now() / 1000));
    // (Weeks later everyone signs in again.)
    member = await login(srv, 'pc-member@example.com');
    admin = await login(srv, 'admin@example.com');
    p = await member.get('/program');
    const oct = headline(p.body);
    assert.equal(oct.month, '2026-10', 'October at once');
    assert.equal(oct.sessions, await live('2026-10'));
    // The builder keeps the charts of the new day; the page reads them.
    await until('the charts kept for 2026-11-16', () => srv.sql("SELECT version FROM program_parts WHERE part = 'charts'").startsWith('2026-11-16|'));
    const kept = srv.sql("SELECT version FROM program_parts WHERE part = 'charts'");
    assert.equal(kept, `2026-11-16|${K}|${srv.sql("SELECT n FROM kept_counts WHERE name = 'program_rev'")}`);
    assert.equal(headline((await member.get('/program')).body).sessions, oct.sessions);
    // Late: sessions in each team back-dated into the settled weeks of
    // October, logged today. A settled week's figures never move (two
    // snapshots would tell how many came late), on /program or for admins.
    let late = '';
    for (const i of [0, 1, 2, 8, 9, 10]) for (const d of ['2026-10-06', '2026-10-14', '2026-10-21', '2026-10-28']) late += session(ms[i][0], ms[i][1], d);
    srv.sql(late);
    assert.equal(await live('2026-10'), oct.sessions, 'a late write to a settled week moves no figure');
    assert.equal(headline((await member.get('/program')).body).sessions, oct.sessions);
    // Sessions of the weeks still settling (and the running one) do not
    // even rebuild the charts.
    const rev = srv.sql("SELECT n FROM kept_counts WHERE name = 'program_rev'");
    srv.sql(session(ms[0][0], ms[0][1], '2026-11-03') + session(ms[1][0], ms[1][1], '2026-11-16'));
    assert.equal(srv.sql("SELECT n FROM kept_counts WHERE name = 'program_rev'"), rev, 'no session rebuilds the charts');
    assert.equal(headline((await member.get('/program')).body).sessions, oct.sessions);
  });

  test('a program event marks the charts at once', async () => {
    await admin.get('/admin/events');
    assert.equal((await admin.post('/admin/events', { on: '2026-10-01', title: 'Mentoring counts in reviews', note: '' })).status, 303);
    assert.match((await member.get('/program')).body, /Mentoring counts in reviews/);
  });

  async function finishedPair(n) {
    const mentor = await signup(srv, `pcmentor${n}@example.com`, `Mentor ${n}`);
    await mentor.get('/profile');
    await mentor.post('/profile', [['display_name', `Mentor ${n}`], ['team', 'Alpha'], ['timezone', 'UTC'], ['is_mentor', '1'],
      ['focus_areas', 'Leadership'], ['capacity', '3'], ['formats', 'one_on_one']]);
    const mentee = await signup(srv, `pcmentee${n}@example.com`, `Mentee ${n}`);
    await mentee.get('/profile');
    await mentee.post('/profile', [['display_name', `Mentee ${n}`], ['team', 'Beta'], ['timezone', 'UTC']]);
    const uid = srv.sql(`SELECT id FROM users WHERE email = 'pcmentor${n}@example.com'`);
    const page = await mentee.get(`/mentors/${uid}`);
    const r = await mentee.post('/requests', { mentor_id: page.body.match(/name="mentor_id" value="(\d+)"/)[1], topic: 'Leadership',
      goal: 'Run my first team retrospective without it turning into a blame session.', format: 'one_on_one',
      cadence: 'weekly', duration_min: '30', weeks: '4', message: '' });
    assert.equal(r.status, 303);
    await mentor.get(r.headers.location);
    const m = (await mentor.post(`${r.headers.location}/accept`)).headers.location;
    await mentee.get(m);
    assert.equal((await mentee.post(`${m}/complete`, { outcome: 'goal_met' })).status, 303);
    return mentee;
  }
  async function answer(mentee) {
    const inv = (await mentee.get('/surveys')).body.match(/href="\/surveys\/(\d+)"/)[1];
    const form = await mentee.get(`/surveys/${inv}`);
    const fields = {};
    for (const q of new Set([...form.body.matchAll(/name="(q\d+)"/g)].map((x) => x[1]))) {
      if (form.body.includes(`<textarea id="${q}"`)) fields[q] = '';
      else if (form.body.includes(`name="${q}" value="5"`)) fields[q] = '4';
      else fields[q] = 'About right';
    }
    assert.equal((await mentee.post(`/surveys/${inv}`, fields)).status, 303);
  }

  test('newly counted answers of a published survey show on the next request; a withdrawn survey goes at once', async () => {
    const mentees = [];
    for (let n = 1; n <= K; n++) mentees.push(await finishedPair(n));
    await admin.get('/admin/surveys/1');
    assert.equal((await admin.post('/admin/surveys/1/publish')).status, 303);
    let row = everyone((await member.get('/program')).body, 1);
    assert.ok(row, 'published: on the page at once');
    assert.match(row, /hidden/, 'no answers yet: hidden');
    await until('the survey kept', () => srv.sql("SELECT count(*) FROM program_parts WHERE part = 'survey:1'") === '1');
    // k answers: one batch is released, and the figures show at once,
    // though a copy of the survey without them is kept.
    for (const m of mentees) await answer(m);
    row = everyone((await member.get('/program')).body, 1);
    assert.match(row, new RegExp(`^<td>${K}</td>`), `the ${K} answers show at once: ${row}`);
    await until('the new version kept', () => srv.sql("SELECT version FROM program_parts WHERE part = 'survey:1'") === `${K}|${K * 4}|1`);
    assert.equal(everyone((await member.get('/program')).body, 1), row, 'the kept copy shows the same figures');
    // A batch released by the periodic task (no answer is counted with it,
    // the survey's answer count stays): it shows at once too.
    srv.sql(`INSERT INTO survey_responses(id, survey_id, role, quarter, team, batch) VALUES
      (x'a1', 1, 'mentee', '2026-Q4', 'Beta', 2), (x'a2', 1, 'mentee', '2026-Q4', 'Beta', 2), (x'a3', 1, 'mentee', '2026-Q4', 'Beta', 2);
      INSERT INTO survey_answers(response_id, question_id, rating) SELECT r.column1, q.id, 4 FROM (VALUES (x'a1'), (x'a2'), (x'a3')) r
        JOIN survey_questions q ON q.survey_id = 1 AND q.position = 1;`);
    row = everyone((await member.get('/program')).body, 1);
    assert.match(row, new RegExp(`^<td>${2 * K}</td>`), `the released batch shows at once: ${row}`);
    assert.equal((await admin.post('/admin/surveys/1/publish', { withdraw: '1' })).status, 303);
    assert.equal(everyone((await member.get('/program')).body, 1), null, 'withdrawn: gone at once');
    await until('the withdrawn survey forgotten', () => srv.sql("SELECT count(*) FROM program_parts WHERE part = 'survey:1'") === '0');
    assert.equal(everyone((await member.get('/program')).body, 1), null);
  });

  test('a big survey is never rebuilt during a request nor shown out of date, and a builder killed outright is replaced', async () => {
    assert.equal((await admin.post('/admin/surveys/1/publish')).status, 303);
    await until('the survey kept', () => srv.sql("SELECT count(*) FROM program_parts WHERE part = 'survey:1'") === '1');
    const shown = everyone((await member.get('/program')).body, 1);
    assert.match(shown, new RegExp(`^<td>${2 * K}</td>`));
    const sender = () => Number(execFileSync('pgrep', ['-P', String(srv.masterPid()), '-x', 'tandem-mail'], { encoding: 'utf8' }).trim());
    const pid = sender();
    // The builder stops; the survey's count moves past what a request may
    // build (as if 2,000 more had answered).
    process.kill(pid, 'SIGSTOP');
    try {
      srv.sql("UPDATE kept_counts SET n = n + 2000 WHERE name = 'ans:1'");
      const p = await member.get('/program');
      assert.equal(p.status, 200);
      const sec = everyone(p.body, 1);
      assert.match(sec, /New answers are being counted/, 'the old copy is not shown');
      assert.doesNotMatch(sec, /<td>/);
    } finally {
      process.kill(pid, 'SIGKILL');
    }
    // The master starts a new sender, which builds the survey again.
    await until('a new builder', () => { try { return sender() !== pid; } catch { return false; } });
    await until('the survey at its new version', async () => everyone((await member.get('/program')).body, 1) === shown);
    assert.equal(srv.sql("SELECT version FROM program_parts WHERE part = 'survey:1'"), `${K}|${(K + 2000) * 4}|2`);
  });
});
