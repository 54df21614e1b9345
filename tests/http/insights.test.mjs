// Issue 19: participation over time (/admin/insights and its CSV), program
// events with their before/after comparison, the program page for every
// member, and my mentoring record. The history is written straight into
// the tables the app keeps (as `tandem seed-demo` does), so the figures
// the pages show come through the triggers that keep the insight counters.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signup, adminClient } from '../lib/server.mjs';
import { uniqueEmail, userId } from '../lib/fixtures.mjs';
import { addDays, at, pair, parseCsv, people, session, inOneTransaction } from '../lib/history.mjs';

const K = 5;
describe('suppression below k', () => {
  let srv, admin, member;
  const WEEK = '2026-10-05';
  before(async () => {
    srv = await startServer();
    admin = await adminClient(srv);
    member = await signup(srv, uniqueEmail('member'), 'Mo Member');
    let sql = "INSERT INTO topics(id, name, key) VALUES (1, 'Testing', 'testing');\n";
    sql += "INSERT INTO teams(name) VALUES ('Alpha'), ('Beta'), ('Gamma');\n";
    const teams = {};
    for (const [t, n] of [['Alpha', 20], ['Beta', 20], ['Gamma', 30]]) {
      const [s, ids] = people(t, n);
      sql += s;
      teams[t] = ids;
    }
    // In one week: Alpha 4 pairs (4 mentees), Beta 6, Gamma 10, each pair
    // within its team, each with a session that week.
    for (const [t, n] of [['Alpha', 4], ['Beta', 6], ['Gamma', 10]]) {
      for (let i = 0; i < n; i++) {
        const mentor = teams[t][2 * i], mentee = teams[t][2 * i + 1];
        const [ms, q] = pair(mentor, mentee, '2026-10-06');
        sql += q + session(ms, mentor, '2026-10-07');
      }
    }
    srv.sql(inOneTransaction(sql));
  });
  after(async () => { await srv.stop(); });

  test('a team-week with 4 active mentees is hidden on the page and in the CSV, and not derivable from the totals', async () => {
    const page = await admin.get('/admin/insights?by=week&team=Alpha&from=2026-09-28&to=2026-10-18');
    assert.equal(page.status, 200);
    const row = page.body.match(new RegExp(`<tr><th scope="row">${WEEK}</th>(.*?)</tr>`));
    assert.ok(row, 'the week has a row in the tables');
    assert.match(row[1], /hidden/);
    assert.doesNotMatch(row[1], /<td>4<\/td>/);
    // The program's figures for that week are shown: the teams shown only
    // (Gamma's 10 pairs; Beta's 6 are hidden with Alpha, see below).
    const all = await admin.get('/admin/insights?by=week&from=2026-09-28&to=2026-10-18');
    const people = all.body.match(new RegExp(`<tr><th scope="row">${WEEK}</th><td>(\\d+)</td><td>(\\d+)</td><td>(\\d+)</td></tr>`));
    assert.ok(people, 'the program row of the people table');
    assert.deepEqual(people.slice(1).map(Number), [20, 10, 10]);

    const csv = await admin.get('/admin/insights/export.csv?by=week&from=2026-09-28&to=2026-10-18');
    assert.equal(csv.status, 200);
    assert.match(csv.headers['content-type'], /^text\/csv/);
    const rows = parseCsv(csv.body).filter((r) => r.period === WEEK);
    const alpha = rows.find((r) => r.team === 'Alpha');
    assert.equal(alpha.mentees, 'hidden');
    assert.equal(alpha.sessions, 'hidden');
    const total = rows.find((r) => r.team === 'all');
    assert.equal(total.mentees, '10');
    // (Alpha, Beta, and "other": the admin and the member, 2 people with
    // no team on the admins' list.)
    assert.equal(total.left_out, '3', 'the program row says how many team-weeks it leaves out');
    // The program's figure is the sum of the teams shown, in every column:
    // nothing of Alpha's 4 is in any figure.
    for (const col of ['members', 'people', 'mentors', 'mentees', 'sessions', 'requests_sent', 'minutes']) {
      const shown = rows.filter((r) => r.team !== 'all' && r[col] !== 'hidden').reduce((s, r) => s + Number(r[col]), 0);
      const rest = Number(total[col]) - shown;
      assert.equal(rest, 0, `${col}: total ${total[col]} minus shown ${shown} = ${rest}`);
    }
    assert.ok(rows.filter((r) => r.team !== 'all' && r.mentees === 'hidden').length >= 2, 'a second team hidden with Alpha');
    assert.equal(rows.find((r) => r.team === 'Gamma').mentees, '10');
  });

  test('an admin publishes survey results to the program page, suppressed as for admins, and withdraws them', async () => {
    // Three released answers: fewer than k, so every figure is hidden.
    srv.sql(`INSERT INTO survey_responses(id, survey_id, role, quarter, team, batch) VALUES
      (x'01', 1, 'mentee', '2026-Q4', 'Alpha', 1), (x'02', 1, 'mentee', '2026-Q4', 'Alpha', 1), (x'03', 1, 'mentee', '2026-Q4', 'Beta', 1);
      INSERT INTO survey_answers(response_id, question_id, rating) SELECT r.column1, q.id, 5 FROM (VALUES (x'01'), (x'02'), (x'03')) r
        JOIN survey_questions q ON q.survey_id = 1 AND q.position = 1;`);
    assert.doesNotMatch((await member.get('/program')).body, /Post-program survey for mentees/);
    await admin.get('/admin/surveys/1');
    assert.equal((await admin.post('/admin/surveys/1/publish')).status, 303);
    let p = await member.get('/program');
    assert.match(p.body, /<h3 id="sv-1">Post-program survey for mentees<\/h3>/);
    const row = p.body.match(/<th scope="row">Everyone<\/th>(.*?)<\/tr>/);
    assert.ok(row);
    assert.match(row[1], /hidden/);
    assert.doesNotMatch(row[1], /<td>3<\/td>/);
    assert.equal((await member.post('/admin/surveys/1/publish')).status, 403);
    assert.equal((await admin.post('/admin/surveys/999/publish')).status, 404);
    assert.equal((await admin.post('/admin/surveys/1/publish', { withdraw: '1' })).status, 303);
    p = await member.get('/program');
    assert.doesNotMatch(p.body, /Post-program survey for mentees/);
  });

  test('a member gets 403 on the insights and sees no team on the program page', async () => {
    assert.equal((await member.get('/admin/insights')).status, 403);
    assert.equal((await member.get('/admin/insights/export.csv')).status, 403);
    assert.equal((await member.post('/admin/events', { on: '2026-10-01', title: 'x', note: '' })).status, 403);
    const p = await member.get('/program');
    assert.equal(p.status, 200);
    for (const t of ['Alpha', 'Beta', 'Gamma']) assert.doesNotMatch(p.body, new RegExp(t));
    assert.match(p.body, /role="img"/);
    assert.match(p.body, /<title id="c-people-t">People taking part<\/title>/);
  });
});

describe('before and after a program event', () => {
  let srv, admin;
  const START = '2026-01-05';
  const EVENT = '2026-03-02'; // the 9th Monday: 8 weeks of history before it
  before(async () => {
    srv = await startServer();
    admin = await adminClient(srv);
    let sql = "INSERT INTO topics(id, name, key) VALUES (1, 'Testing', 'testing');\nINSERT INTO teams(name) VALUES ('Core');\n";
    const [s, ids] = people('Core', 100);
    sql += s;
    // Eleven pairs, matched long before (outside every window).
    const ms = [];
    for (let j = 0; j < 11; j++) {
      const [mid, q] = pair(ids[2 * j], ids[2 * j + 1], '2025-06-02');
      sql += q;
      ms.push(mid);
    }
    // Sessions: 5 and 7 pairs a week before (10, 14 people), 9 and 11
    // after (18, 22); requests 5 and 7 a week before, 9 and 11 after (none
    // of them 1..k-1: such a week would be left out of the comparison).
    for (let w = 0; w < 16; w++) {
      const day = addDays(START, 7 * w + 2);
      const pairs = w < 8 ? (w % 2 ? 7 : 5) : (w % 2 ? 11 : 9);
      const reqs = w < 8 ? (w % 2 ? 7 : 5) : (w % 2 ? 11 : 9);
      for (let j = 0; j < pairs; j++) sql += session(ms[j], ids[2 * j], day);
      for (let j = 0; j < reqs; j++) {
        sql += `INSERT INTO requests(mentee_id, mentor_id, topic_id, goal, format, cadence, duration_min, weeks, status, created_at)
  VALUES (${ids[2 * j + 1]}, ${ids[2 * j]}, 1, 'g', 'one_on_one', 'weekly', 30, 6, 'withdrawn', ${at(day, 10)});\n`;
      }
    }
    srv.sql(inOneTransaction(sql));
  });
  after(async () => { await srv.stop(); });

  test('the comparison shows the known effect with its interval and a plain sentence', async () => {
    const bad = await admin.post('/admin/events', { on: '2026-02-30', title: 'Mentoring counts in reviews', note: 'From March on.' });
    assert.equal(bad.status, 422);
    assert.match(bad.body, /value="Mentoring counts in reviews"/);
    assert.match(bad.body, />From March on\.</);
    const ok = await admin.post('/admin/events', { on: EVENT, title: 'Mentoring counts in reviews', note: 'From March on.' });
    assert.equal(ok.status, 303);
    const page = await admin.get('/admin/insights');
    assert.equal(page.status, 200);
    assert.match(page.body, /8 weeks before and 8 weeks after/);
    // 96 of 800 member-weeks before, 160 of 800 after.
    assert.match(page.body, /participation rose from 12 % to 20 %; the change is larger than chance would explain/);
    // Wald interval: 0.08 ± 1.96 * sqrt(.12*.88/800 + .2*.8/800) = 4.4 % to 11.6 %.
    assert.match(page.body, /<td>8\.0 %<\/td><td>4\.4 % to 11\.6 %<\/td>/);
    // Requests per week: 6 then 10; Welch, df 14: 4 ± 2.145 * 0.5345.
    assert.match(page.body, /requests per week rose from 6\.00 to 10\.0; the change is larger than chance would explain/);
    assert.match(page.body, /<td>4\.00<\/td><td>2\.85 to 5\.15<\/td>/);
    // Sessions per active member per week: 0.06 then 0.10.
    assert.match(page.body, /sessions per active member per week rose from 0\.06 to 0\.10; the change is larger than chance would explain/);
    // The event is a marker on every chart.
    const marks = page.body.match(/<g class="mark">/g) || [];
    assert.ok(marks.length >= 6, `markers on the charts: ${marks.length}`);
    // A narrower window changes the comparison: 2 weeks each side.
    const two = await admin.get('/admin/insights?window=2');
    assert.match(two.body, /2 weeks before and 2 weeks after/);
    // A window outside 2..26 is refused with the form kept.
    const wide = await admin.get('/admin/insights?window=40&team=Core');
    assert.equal(wide.status, 422);
  });
});

describe('my mentoring record', () => {
  let srv;
  before(async () => { srv = await startServer(); });
  after(async () => { await srv.stop(); });

  test('a program with no history yet: the pages say so instead of failing', async () => {
    const admin = await adminClient(srv, uniqueEmail('admin'));
    const a = await admin.get('/admin/insights');
    assert.equal(a.status, 200);
    assert.match(a.body, /No program events yet/);
    const who = await signup(srv, uniqueEmail('new'), 'Nia New');
    const p = await who.get('/program');
    assert.equal(p.status, 200);
    assert.match(p.body, /No survey results have been published yet/);
    const r = await who.get('/me/record');
    assert.equal(r.status, 200);
    assert.match(r.body, /Nothing yet/);
  });

  test('shows what I gave, per quarter and in total, and only mine', async () => {
    const aEmail = uniqueEmail('ana'), bEmail = uniqueEmail('ben');
    const ana = await signup(srv, aEmail, 'Ana Mentor');
    const ben = await signup(srv, bEmail, 'Ben Mentor');
    const a = userId(srv, aEmail), b = userId(srv, bEmail);
    let sql = "INSERT INTO topics(id, name, key) VALUES (1, 'Testing', 'testing');\n";
    const [s, ids] = people('', 3);
    sql += s;
    const [m1, q1] = pair(a, ids[0], '2026-02-02');
    sql += q1 + session(m1, a, '2026-02-10', 60) + session(m1, a, '2026-04-14', 30);
    sql += `UPDATE mentorships SET status = 'completed', outcome = 'goal_met', ended_at = ${at('2026-04-20')} WHERE id = ${m1};\n`;
    sql += pair(a, ids[1], '2026-05-04')[1];
    const [m3, q3] = pair(b, ids[2], '2026-05-04');
    sql += q3 + session(m3, b, '2026-05-05', 90);
    srv.sql(inOneTransaction(sql));
    const mine = await ana.get('/me/record');
    assert.equal(mine.status, 200);
    assert.match(mine.body, /<span class="num">2<\/span><span class="lbl">people mentored/);
    assert.match(mine.body, /<span class="num">2<\/span><span class="lbl">sessions led/);
    assert.match(mine.body, /<span class="num">1\.5<\/span><span class="lbl">hours/);
    assert.match(mine.body, /<span class="num">1<\/span><span class="lbl">goals met/);
    assert.match(mine.body, /<th scope="row">2026-Q1<\/th><td>1<\/td><td>1<\/td>/);
    assert.match(mine.body, /<th scope="row">2026-Q2<\/th><td>1<\/td><td>1<\/td>/);
    assert.match(mine.body, /media="print"|@media print|app\.css/);
    const csv = await ana.get('/me/record.csv');
    assert.equal(csv.status, 200);
    const rows = parseCsv(csv.body);
    assert.deepEqual(rows.map((r) => r.quarter), ['2026-Q1', '2026-Q2', 'total']);
    assert.equal(rows[2].hours, '1.5');
    assert.equal(rows[2].goals_met, '1');
    // Ben's record is Ben's: his one session, none of Ana's.
    const his = await ben.get('/me/record');
    assert.match(his.body, /<span class="num">1<\/span><span class="lbl">sessions led/);
    assert.match(his.body, /<span class="num">1\.5<\/span><span class="lbl">hours/);
    assert.doesNotMatch(his.body, /2026-Q1/);
    // No way to ask for someone else's.
    assert.equal((await ben.get(`/me/record?user_id=${a}`)).status, 400);
    assert.equal((await ben.get(`/me/record.csv?user=${a}`)).status, 400);
  });
});

describe('a long history stays a page under 64 KB', () => {
  let srv, admin, today, asked;
  before(async () => {
    srv = await startServer();
    admin = await adminClient(srv);
    today = new Date(srv.now() * 1000).toISOString().slice(0, 10);
    asked = addDays(today, -3 * 365);
    let sql = "INSERT INTO topics(id, name, key) VALUES (1, 'Testing', 'testing');\nINSERT INTO teams(name) VALUES ('Core');\n";
    const [s, ids] = people('Core', 12);
    sql += s;
    // Three years of weeks, each with sessions of five pairs (a mentorship
    // a year: one lasts at most 52 weeks).
    for (let j = 0; j < 5; j++) {
      for (let y = 0; y < 3; y++) {
        const [mid, q] = pair(ids[2 * j], ids[2 * j + 1], addDays(asked, 364 * y), { weeks: 52 });
        sql += q;
        for (let w = 0; w < 52; w++) sql += session(mid, ids[2 * j], addDays(asked, 364 * y + 7 * w + 1));
      }
    }
    srv.sql(inOneTransaction(sql));
    // Twelve program events in the last half year.
    for (let e = 0; e < 12; e++) {
      const r = await admin.post('/admin/events', { on: addDays(today, -14 * (e + 1)), title: `Event number ${e + 1}`, note: 'x'.repeat(900) });
      assert.equal(r.status, 303);
    }
  });
  after(async () => { await srv.stop(); });

  test('three years by week: the page shows 52 weeks, says so, and the download keeps what was asked', async () => {
    const page = await admin.get(`/admin/insights?by=week&from=${asked}`);
    assert.equal(page.status, 200);
    assert.ok(Buffer.byteLength(page.body) <= 65536, `the page is ${Buffer.byteLength(page.body)} bytes`);
    const day = new Date(`${today}T00:00:00Z`);
    const monday = addDays(today, -((day.getUTCDay() + 6) % 7));
    const first = addDays(monday, -7 * 51);
    assert.match(page.body, new RegExp(`You asked from ${asked}\\. A page shows at most 52 weeks, so it starts on ${first}`));
    assert.match(page.body, new RegExp(`name="from" type="date" value="${first}"`));
    const periods = [...page.body.matchAll(/<tr><th scope="row">(\d{4}-\d\d-\d\d)<\/th>/g)].map((m) => m[1]);
    assert.ok(periods.length > 40, `weeks shown: ${periods.length}`);
    assert.ok(periods.every((p) => p >= first), 'no week before the first day shown');
    // The download link keeps the three years; the CSV has them.
    const link = page.body.match(/href="\/admin\/insights\/export\.csv([^"]*)"/)[1].replaceAll('&amp;', '&');
    assert.match(link, new RegExp(`from=${asked}`));
    const csv = parseCsv((await admin.get(`/admin/insights/export.csv${link}`)).body);
    assert.ok(csv.some((r) => r.period < first), 'the CSV has the weeks the page leaves out');
  });

  test('by month, and with more events than a page compares: under 64 KB, the latest five compared', async () => {
    const months = await admin.get(`/admin/insights?from=${addDays(today, -6 * 365)}`);
    assert.equal(months.status, 200);
    assert.ok(Buffer.byteLength(months.body) <= 65536, `the page is ${Buffer.byteLength(months.body)} bytes`);
    assert.match(months.body, /A page shows at most 24 months/);
    const week = await admin.get('/admin/insights?by=week');
    assert.equal(week.status, 200);
    assert.ok(Buffer.byteLength(week.body) <= 65536, `the page is ${Buffer.byteLength(week.body)} bytes`);
    assert.doesNotMatch(week.body, /You asked from/, 'no note when no day was asked');
    const compared = [...week.body.matchAll(/<h3>\d{4}-\d\d-\d\d: Event number (\d+)<\/h3>/g)].map((m) => Number(m[1]));
    assert.deepEqual(compared.sort((a, b) => a - b), [1, 2, 3, 4, 5]);
    assert.match(week.body, /The latest 5 events in these dates are compared and marked; 7 earlier ones are left out/);
    // A note is cut short in its comparison (every event keeps it whole).
    assert.match(week.body, /<p>x{200}\u2026<\/p>/);
    assert.doesNotMatch(week.body, /x{201}/);
    // Past 100 events, the oldest fall off, never the latest.
    let old = 'BEGIN;\n';
    for (let e = 0; e < 100; e++) old += `INSERT INTO program_events(on_day, title, note, created_by, created_at) VALUES ('${addDays(today, -3 * 365 + e)}', 'Old event ${e}', '', NULL, 0);\n`;
    srv.sql(`${old}COMMIT;\n`);
    const many = await admin.get('/admin/insights?by=week');
    const latest = [...many.body.matchAll(/<h3>\d{4}-\d\d-\d\d: Event number (\d+)<\/h3>/g)].map((m) => Number(m[1]));
    assert.deepEqual(latest.sort((a, b) => a - b), [1, 2, 3, 4, 5], 'the latest events are still compared');
    // Dates that hold no event say so.
    const none = await admin.get(`/admin/insights?by=week&from=${addDays(today, -2 * 365)}&to=${addDays(today, -500)}`);
    assert.match(none.body, /No program event falls in these dates/);
  });
});
