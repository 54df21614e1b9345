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
