// Issue 19, leftovers: `tandem seed-demo` seeds a baseline survey sent to
// every member before the incentive and a follow-up after it, marked as a
// pair, answered in batches of at least k (no person in any answer),
// closed and published; the admin's follow-up page and /program show the
// two side by side with figures, exactly as suppressed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, adminClient, login, BIN } from '../lib/server.mjs';

let srv, admin;
const pair = {};

before(async () => {
  const data = mkdtempSync(join(tmpdir(), 'tandem-pulse-'));
  const env = { ...process.env, TANDEM_DATA: data, ASAN_OPTIONS: 'detect_leaks=0' };
  execFileSync(BIN, ['migrate'], { env, stdio: 'ignore' });
  execFileSync(BIN, ['seed-demo', '--members', '300', '--mentors', '60'], { env, stdio: 'ignore' });
  srv = await startServer({}, data);
  admin = await adminClient(srv, 'pulse-admin@example.com');
  pair.base = Number(srv.sql("SELECT id FROM surveys WHERE title = 'Program pulse: before the incentive'"));
  pair.follow = Number(srv.sql("SELECT id FROM surveys WHERE title = 'Program pulse: half a year after'"));
});
after(async () => { await srv?.stop(); });

/** The comparison's "Everyone" row: [answers, distribution] per survey. */
function everyone(html) {
  const section = html.match(/<section class="card survey-compare"[\s\S]*?<\/section>/)?.[0];
  assert.ok(section, 'a side-by-side comparison is shown');
  const rows = [...section.matchAll(/<tr><th scope="row">Everyone<\/th><td>(\d+)<\/td><td>([^<]*)<\/td><td>[^<]*<\/td><td>(\d+)<\/td><td>([^<]*)<\/td>/g)];
  return { section, rows };
}

test('the seeded pulse surveys: sent to every member, answered in batches of k, nobody in an answer', () => {
  assert.ok(pair.base > 0 && pair.follow > 0, 'both surveys are seeded');
  assert.equal(srv.sql(`SELECT baseline_id FROM surveys WHERE id = ${pair.follow}`), String(pair.base));
  assert.equal(srv.sql(`SELECT group_concat(status || published, ',') FROM surveys WHERE id IN (${pair.base}, ${pair.follow})`), 'closed1,closed1');
  // Before and after the seeded incentive.
  const event = srv.sql('SELECT min(on_day) FROM program_events');
  for (const [id, side] of [[pair.base, '<'], [pair.follow, '>']]) {
    const quarter = srv.sql(`SELECT DISTINCT quarter FROM survey_responses WHERE survey_id = ${id}`);
    const q = `${event.slice(0, 4)}-Q${Math.floor((Number(event.slice(5, 7)) + 2) / 3)}`;
    assert.ok(side === '<' ? quarter <= q : quarter > q, `survey ${id} answered ${side} the event (${quarter} vs ${q})`);
    // Every active member invited as a send to all does it, no mail queued.
    assert.equal(srv.sql(`SELECT count(*) FROM survey_invitations WHERE survey_id = ${id} AND role = 'member' AND mentorship_id IS NULL`),
      srv.sql('SELECT count(*) FROM users WHERE active = 1 AND role = \'member\''));
    assert.equal(srv.sql(`SELECT count(*) FROM outbox WHERE ref IN (SELECT id FROM survey_invitations WHERE survey_id = ${id})`), '0');
    // As many responses as answered invitations; batches of at least 5.
    assert.equal(srv.sql(`SELECT count(*) FROM survey_responses WHERE survey_id = ${id}`),
      srv.sql(`SELECT count(*) FROM survey_invitations WHERE survey_id = ${id} AND answered = 1`));
    assert.equal(srv.sql(`SELECT count(*) FROM (SELECT batch FROM survey_responses WHERE survey_id = ${id} GROUP BY batch HAVING count(*) < 5)`), '0');
    assert.equal(srv.sql(`SELECT count(*) FROM survey_pool WHERE survey_id = ${id}`), '0');
  }
  // The responses carry no person: no column names one, and the ids are
  // random (not in the order of the people who answered).
  const cols = srv.sql("SELECT group_concat(name) FROM pragma_table_info('survey_responses')");
  assert.equal(cols, 'id,survey_id,role,quarter,team,batch');
});

test('the admin\'s follow-up page shows both surveys side by side, with figures', async () => {
  const page = (await admin.get(`/admin/surveys/${pair.follow}`)).body;
  const { section, rows } = everyone(page);
  assert.match(section, /Before and after: Program pulse: before the incentive → Program pulse: half a year after/);
  for (const prompt of ['I can make time for mentoring in my working week.', 'Mentoring is valued on my team.', 'The time I could give to mentoring was']) {
    assert.ok(section.includes(`<caption>${prompt}</caption>`), prompt);
  }
  assert.equal(rows.length, 3, 'one "Everyone" line per shared question');
  for (const [, nb, db, nf, df] of rows) {
    assert.ok(Number(nb) >= 5 && Number(nf) >= 5);
    // Figures, not only "hidden": most values are given by k or more.
    assert.ok((db.match(/: \d+/g) || []).length >= 2, `baseline figures shown: ${db}`);
    assert.ok((df.match(/: \d+/g) || []).length >= 2, `follow-up figures shown: ${df}`);
  }
  // More find time after the incentive: the follow-up's mean is higher.
  const means = section.match(/<tr><th scope="row">Everyone<\/th><td>\d+<\/td><td>[^<]*<\/td><td>([\d.]+)<\/td><td>\d+<\/td><td>[^<]*<\/td><td>([\d.]+)<\/td>/);
  assert.ok(means && Number(means[2]) > Number(means[1]), `the mean rose: ${means?.slice(1)}`);
  // Breakdowns by team exist (both surveys closed), each under k hidden.
  assert.match(section, /team: /);
});

/** The tables of a comparison section (its figures, whatever the heading). */
const tables = (section) => [...section.matchAll(/<table>[\s\S]*?<\/table>/g)].map((m) => m[0]);

test('/program shows the published pair side by side, exactly as the admin sees it, and drops it when one is withdrawn', async () => {
  const member = await login(srv, 'person61@demo.tandem.example', 'tandem demo password');
  const adminSection = everyone((await admin.get(`/admin/surveys/${pair.follow}`)).body).section;
  // Kept by the builder (the sender), then shown at its live version.
  const until = Date.now() + 20000;
  while (srv.sql(`SELECT count(*) FROM program_parts WHERE part = 'compare:${pair.follow}'`) !== '1' && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(srv.sql(`SELECT count(*) FROM program_parts WHERE part = 'compare:${pair.follow}'`), '1', 'the builder keeps the pair');
  const page = (await member.get('/program')).body;
  const { section, rows } = everyone(page);
  assert.match(section, /<h3 id="cmp-\d+">Before and after: Program pulse: before the incentive → Program pulse: half a year after<\/h3>/);
  assert.equal(rows.length, 3);
  assert.deepEqual(tables(section), tables(adminSection), 'the same figures, hidden the same way, as on the admin page');
  assert.ok(page.indexOf('survey-compare') > page.indexOf('<h2>Survey results</h2>'), 'under the survey results');
  // Withdrawing the baseline takes the pair off at once (the follow-up's
  // own results stay), and the builder forgets it.
  await admin.get(`/admin/surveys/${pair.base}`);
  assert.equal((await admin.post(`/admin/surveys/${pair.base}/publish`, { withdraw: '1' })).status, 303);
  const after = (await member.get('/program')).body;
  assert.doesNotMatch(after, /survey-compare/);
  assert.match(after, /Program pulse: half a year after/);
  // Published again: back, built inline if the builder has not caught up.
  assert.equal((await admin.post(`/admin/surveys/${pair.base}/publish`, {})).status, 303);
  assert.deepEqual(tables(everyone((await member.get('/program')).body).section), tables(adminSection));
});

test('/program\'s pair is the live one: a new answer batch of the follow-up rebuilds it', async () => {
  const member = await login(srv, 'person62@demo.tandem.example', 'tandem demo password');
  const before = everyone((await member.get('/program')).body).rows[0];
  // Five more released answers to the follow-up's first question (a batch).
  const q = srv.sql(`SELECT id FROM survey_questions WHERE survey_id = ${pair.follow} AND position = 1`);
  const sql = ['BEGIN;'];
  for (let i = 0; i < 5; i++) {
    const id = [...Array(32)].map(() => '0123456789abcdef'[Math.floor(Math.random() * 16)]).join('');
    sql.push(`INSERT INTO survey_responses(id, survey_id, role, quarter, team, batch) VALUES (X'${id}', ${pair.follow}, 'member', '2026-Q2', 'Data', 999);`);
    sql.push(`INSERT INTO survey_answers(response_id, question_id, rating) VALUES (X'${id}', ${q}, 5);`);
  }
  sql.push('COMMIT;');
  srv.sql(sql.join('\n'));
  const now = everyone((await member.get('/program')).body).rows[0];
  assert.equal(Number(now[3]), Number(before[3]) + 5, 'the follow-up column counts the new batch');
  assert.equal(now[1], before[1], 'the baseline column is unchanged');
});

test('the demo holds no session in the future (UX review: it showed sessions three weeks ahead)', () => {
  const today = new Date(srv.now() * 1000).toISOString().slice(0, 10);
  assert.equal(srv.sql(`SELECT count(*) FROM meetings WHERE held_on > '${today}'`), '0');
  assert.equal(srv.sql(`SELECT count(*) FROM meetings g JOIN mentorships m ON m.id = g.mentorship_id WHERE g.held_on < m.started_on`), '0',
    'nor one before its mentorship started');
  assert.ok(Number(srv.sql('SELECT count(*) FROM meetings')) > 0, 'sessions were seeded');
});
