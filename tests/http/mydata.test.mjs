// issue 16: my data. The export holds what I may read (my private note,
// decrypted; never the other person's); deleting my account erases it
// (no trace of a canary note's ciphertext or of my address in the
// database file, its WAL or the log), names me "a former member" to the
// other person and signs me out; the last admin cannot; deactivation
// withdraws requests, ends mentorships, tells the other person and keeps
// shared notes readable; reactivation restores the account only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, Client, login, signup, adminClient, GOOD_PW } from '../lib/server.mjs';
import { newMentorship, uniqueEmail, userId } from '../lib/fixtures.mjs';

const today = (srv) => new Date(srv.now() * 1000).toISOString().slice(0, 10);

/** A pair with one logged session: shared notes, a private note each,
 * feedback from the mentee, an action item. Returns the pair and the
 * session's URL. */
async function pairWithSession(srv, C, opts = {}) {
  const p = await newMentorship(srv, opts);
  await p.mentee.get(`${p.ms}/sessions/new`);
  const s = (await p.mentee.post(`${p.ms}/sessions`, { held_on: today(srv), duration_min: '30', kind: 'one_on_one', labels: '',
    agenda: `${C}-agenda`, shared_notes: `${C}-shared`, private_notes: `${C}-mentee-private` })).headers.location;
  assert.match(s, /^\/sessions\/\d+$/);
  await p.mentor.get(s);
  assert.equal((await p.mentor.post(`${s}/notes`, { private_notes: `${C}-mentor-private` })).status, 303);
  assert.equal((await p.mentor.post(`${s}/actions`, { owner: 'mentee', body: `${C}-action` })).status, 303);
  await p.mentee.get(s);
  assert.equal((await p.mentee.post(`${s}/feedback`, { rating: '5', use_of_time: 'right', went_well: `${C}-went-well`,
    to_improve: '', next_steps: '' })).status, 303);
  return { ...p, s };
}

/** The .eml files the server wrote (no SMTP configured) to `to`. */
function mailTo(srv, to) {
  const dir = join(srv.data, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => readFileSync(join(dir, f), 'utf8'))
    .filter((m) => m.includes(`To: ${to}`) || m.includes(`<${to}>`));
}

async function waitForMail(srv, to, re) {
  for (let i = 0; i < 100; i++) {
    const m = mailTo(srv, to).find((x) => re.test(x));
    if (m) return m;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail to ${to} matching ${re}`);
}

test('export: a JSON attachment of what I may read, my private note decrypted, never the other person\'s; audited', async () => {
  const srv = await startServer();
  try {
    const C = 'EXP7q';
    const p = await pairWithSession(srv, C);
    const r = await p.mentee.get('/account/export');
    assert.equal(r.status, 200);
    assert.match(r.headers['content-type'], /^application\/json/);
    assert.match(r.headers['content-disposition'], /^attachment; filename="tandem-my-data.json"$/);
    const data = JSON.parse(r.body);
    for (const k of ['account', 'profile', 'topics', 'requests', 'mentorships', 'sessions', 'feedback', 'action_items', 'notification_prefs']) {
      assert.ok(Array.isArray(data[k]), k);
    }
    assert.equal(data.account[0].email, p.menteeEmail);
    assert.equal(data.requests[0].my_role, 'mentee');
    assert.equal(data.requests[0].other, 'Mira Mentor');
    assert.equal(data.mentorships[0].status, 'active');
    const [session] = data.sessions;
    assert.equal(session.my_private_note, `${C}-mentee-private`);
    assert.equal(session.shared_notes, `${C}-shared`);
    assert.equal(session.agenda, `${C}-agenda`);
    assert.equal(data.feedback[0].went_well, `${C}-went-well`);
    assert.equal(data.action_items[0].body, `${C}-action`);
    assert.deepEqual(data.notification_prefs.find((x) => x.kind === 'request_new'), { kind: 'request_new', on: 1, daily_digest: 0 });
    assert.doesNotMatch(r.body, new RegExp(`${C}-mentor-private`), 'the other person\'s private note is never exported');
    // the mentor's export: their own note, not the mentee's, and no feedback they did not write
    const m = JSON.parse((await p.mentor.get('/account/export')).body);
    assert.equal(m.sessions[0].my_private_note, `${C}-mentor-private`);
    assert.deepEqual(m.feedback, []);
    assert.doesNotMatch(JSON.stringify(m), new RegExp(`${C}-(mentee-private|went-well)`));
    assert.equal(srv.sql(`SELECT count(*) FROM audit WHERE event = 'data_exported' AND actor_id = ${userId(srv, p.menteeEmail)}`), '1');
    // the export is mine: nobody signed out gets one
    assert.equal((await new Client(srv).get('/account/export')).status, 303);
  } finally { await srv.stop(); }
});

test('export: the everyday formats too (pairings with their notes, ring places, seats, changes and their reasons), each from my side only', async () => {
  const srv = await startServer();
  try {
    const C = 'EXP9f';
    const p = await newMentorship(srv);
    const mentorId = userId(srv, p.mentorEmail);
    await p.mentee.get('/pairings');
    assert.equal((await p.mentee.post('/pairings', { partner_id: String(mentorId), held_on: today(srv), duration_min: '30',
      topic: 'Flaky test', link: '', labels: '', notes: `${C}-pairing` })).status, 303);
    await p.mentee.get(p.ms);
    assert.equal((await p.mentee.post(`${p.ms}/changes`, { goal: '', weeks: '8', reason: `${C}-reason` })).status, 303);
    await p.mentor.get('/office-hours');
    const t = new Date((srv.now() + 30 * 3600) * 1000);
    assert.equal((await p.mentor.post('/office-hours', { weekday: String(((t.getUTCDay() + 6) % 7) + 1), start_time: t.toISOString().slice(11, 16),
      duration_min: '60', seats: '2', topic: `${C}-hour`, where: 'Room Fuji', weeks: '1' })).status, 303);
    const oid = srv.sql(`SELECT id FROM oh_occurrences WHERE host_id = ${mentorId}`);
    await p.mentee.get('/office-hours');
    assert.equal((await p.mentee.post(`/office-hours/${oid}/book`)).status, 303);
    const ex = await p.mentee.get('/account/export');
    assert.equal(ex.status, 200, ex.body.slice(0, 600));
    const mine = JSON.parse(ex.body);
    assert.equal(mine.pairings[0].notes, `${C}-pairing`);
    assert.equal(mine.pairings[0].with, 'Mira Mentor');
    assert.equal(mine.mentorship_changes[0].reason, `${C}-reason`);
    assert.ok(mine.mentorship_changes[0].created_at > 0, 'each field under its own name');
    assert.equal(mine.office_hour_seats[0].topic, `${C}-hour`);
    for (const k of ['rings', 'ring_sessions', 'ring_feedback', 'office_hours_hosted', 'help_sessions', 'pairing_rounds',
      'pairing_round_matches', 'follow_ups']) assert.ok(Array.isArray(mine[k]), k);
    const theirs = JSON.parse((await p.mentor.get('/account/export')).body);
    assert.equal(theirs.pairings[0].notes, `${C}-pairing`, 'the partner reads the notes the two share');
    assert.equal(theirs.office_hours_hosted[0].booked, 1);
    // Someone else's export holds none of it.
    const other = await signup(srv, uniqueEmail('third'), 'Thea Third');
    assert.doesNotMatch((await other.get('/account/export')).body, new RegExp(C));
  } finally { await srv.stop(); }
});

test('deleting my account: password checked; no trace of my private note or address in the database, WAL or log; "a former member" to the other', async () => {
  const srv = await startServer();
  let stopped = false;
  try {
    const C = 'DELzz91';
    const p = await pairWithSession(srv, C, { menteeName: 'Vera Vanishing' });
    const uid = userId(srv, p.menteeEmail);
    // the ciphertext of the canary private note, as stored
    const cipher = srv.sql(`SELECT hex(body) FROM private_notes WHERE author_id = ${uid}`);
    assert.ok(cipher.length > 64);
    assert.match((await p.mentee.get('/account/data')).body, /Delete my account/);
    const wrong = await p.mentee.post('/account/delete', { password: 'not my password at all' });
    assert.equal(wrong.status, 422);
    assert.match(wrong.body, /Nothing was deleted/);
    assert.equal(srv.sql(`SELECT count(*) FROM private_notes WHERE author_id = ${uid}`), '1');
    const ok = await p.mentee.post('/account/delete', { password: GOOD_PW });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, '/login');
    assert.match([].concat(ok.headers['set-cookie']).join('\n'), /__Host-sid=; [^\n]*Max-Age=0/);
    // signed out, and no way back in
    assert.equal((await p.mentee.get('/')).status, 303);
    // (not tried at /login here: a sign-in typed with the address would
    // itself write it into the throttle's table, for an hour)
    assert.equal(srv.sql(`SELECT count(*) FROM users WHERE email = '${p.menteeEmail}'`), '0');
    assert.equal(srv.sql(`SELECT pw_hash FROM users WHERE id = ${uid}`), '!');
    // what only I wrote is gone; the shared history stays, under another name
    assert.equal(srv.sql(`SELECT count(*) FROM private_notes WHERE author_id = ${uid}`), '0');
    assert.equal(srv.sql(`SELECT count(*) FROM feedback WHERE author_id = ${uid}`), '0');
    assert.equal(srv.sql(`SELECT count(*) FROM sessions WHERE user_id = ${uid}`), '0');
    assert.equal(srv.sql(`SELECT display_name || '|' || active || '|' || (erased_at IS NOT NULL) FROM users WHERE id = ${uid}`), 'a former member|0|1');
    assert.equal(srv.sql(`SELECT status FROM mentorships WHERE mentee_id = ${uid}`), 'ended_early');
    const seen = await p.mentor.get(p.ms);
    assert.match(seen.body, /a former member/);
    assert.doesNotMatch(seen.body, /Vera Vanishing/);
    assert.match((await p.mentor.get(p.s)).body, new RegExp(`${C}-shared`), 'the shared notes stay readable');
    assert.match((await p.mentor.get(p.s)).body, new RegExp(`${C}-mentor-private`), 'the mentor keeps their own note');
    assert.equal(srv.sql("SELECT count(*) FROM audit WHERE event = 'account_erased'"), '1');

    // the raw files: live, after a checkpoint that empties the WAL of the
    // frames written before the deletion; then after the server's last one
    const needles = [Buffer.from(p.menteeEmail), Buffer.from(cipher.slice(0, 64), 'hex'), Buffer.from(`${C}-mentee-private`)];
    const scan = (when) => {
      const files = ['tandem.db', 'tandem.db-wal'].map((f) => join(srv.data, f)).filter(existsSync);
      assert.ok(files.length >= 1);
      for (const f of files) {
        const raw = readFileSync(f);
        for (const n of needles) assert.equal(raw.indexOf(n), -1, `${when}: ${n.toString('hex').slice(0, 16)}… found in ${f}`);
      }
      return files;
    };
    // the server truncates the WAL itself once the erasure commits (no
    // checkpoint of the test's own: passive ones never shrink it)
    assert.equal(srv.sql('SELECT count(*) FROM survey_wal_owed'), '0', 'the owed truncation was done');
    scan('live');
    await srv.stop({ keep: true });
    stopped = true;
    const files = scan('stopped');
    const log = srv.finalLog;
    assert.ok(!log.includes(p.menteeEmail), 'the address is not in the log');
    assert.ok(!log.includes(C), 'no note text in the log');
    // the same check finds what is still there: the mentor's address
    assert.notEqual(readFileSync(files[0]).indexOf(Buffer.from(p.mentorEmail)), -1);
  } finally { if (!stopped) await srv.stop(); else srv.stop().catch(() => {}); }
});

test('an erased mentor\'s name, title and bio leave the search index\'s segments too, not only its matches', async () => {
  const srv = await startServer();
  try {
    const B = 'Zyxqbiocanary';
    const email = uniqueEmail('mentor');
    const mentor = await signup(srv, email, 'Quillon Farthingale');
    await mentor.get('/profile');
    assert.equal((await mentor.post('/profile', [['display_name', 'Quillon Farthingale'], ['timezone', 'UTC'], ['is_mentor', '1'],
      ['job_title', 'Xylographer'], ['bio', `I teach ${B} to everyone.`], ['focus_areas', 'Rust'], ['capacity', '2'],
      ['formats', 'one_on_one']])).status, 303);
    const seeker = await signup(srv, uniqueEmail('mentee'), 'Sam Seeker');
    assert.match((await seeker.get(`/mentors?q=${B}`)).body, /Quillon Farthingale/);
    await mentor.get('/account/data');
    assert.equal((await mentor.post('/account/delete', { password: GOOD_PW })).status, 303);
    assert.doesNotMatch((await seeker.get(`/mentors?q=${B}`)).body, /Quillon/);
    // FTS5 stores terms folded to lower case
    const needles = [B.toLowerCase(), 'quillon', 'farthingale', 'xylographer', email].map((x) => Buffer.from(x));
    for (const f of ['tandem.db', 'tandem.db-wal'].map((x) => join(srv.data, x)).filter(existsSync)) {
      const raw = readFileSync(f);
      for (const n of needles) assert.equal(raw.indexOf(n), -1, `${n} still in ${f}`);
    }
  } finally { await srv.stop(); }
});

test('the last admin cannot delete their account; another admin can once someone else is admin', async () => {
  const srv = await startServer();
  try {
    const admin = await adminClient(srv, 'only-admin@example.com');
    const r = await admin.post('/account/delete', { password: GOOD_PW });
    assert.equal(r.status, 409);
    assert.match(r.body, /You are the last admin/);
    assert.equal(srv.sql("SELECT active || role FROM users WHERE email = 'only-admin@example.com'"), '1admin');
    await adminClient(srv, 'second-admin@example.com');
    await admin.get('/account/data');
    assert.equal((await admin.post('/account/delete', { password: GOOD_PW })).status, 303);
    assert.equal(srv.sql("SELECT count(*) FROM users WHERE email = 'only-admin@example.com'"), '0');
  } finally { await srv.stop(); }
});

test('deactivation: out of the directory, requests to them declined (mentees told), mentorships ended and the other told, shared notes kept; reactivation restores the account only', async () => {
  const srv = await startServer();
  try {
    const C = 'DEAct5';
    const p = await pairWithSession(srv, C, { mentorName: 'Dora Leaving', topic: 'Gardening' });
    const mentorId = userId(srv, p.mentorEmail);
    // another mentee's request waits on the mentor
    const waitingEmail = uniqueEmail('waiting');
    const waiting = await signup(srv, waitingEmail, 'Wes Waiting');
    const page = await waiting.get(`/mentors/${mentorId}`);
    assert.equal((await waiting.post('/requests', { mentor_id: mentorId, topic: 'Gardening', goal: 'Grow tomatoes on a balcony this summer.',
      format: 'one_on_one', cadence: 'weekly', duration_min: '30', weeks: '4', message: '' })).status, 303, page.body.slice(0, 200));
    assert.match((await waiting.get('/mentors?q=dora')).body, /Dora Leaving/);

    const admin = await adminClient(srv, 'deact-admin@example.com');
    await admin.get('/admin/users');
    assert.equal((await admin.post(`/admin/users/${mentorId}/deactivate`, {})).status, 303);
    // the request waiting on them is declined, and its mentee told so
    assert.equal(srv.sql(`SELECT group_concat(status) FROM requests WHERE mentor_id = ${mentorId} AND mentorship_id IS NULL`), 'declined');
    assert.match(await waitForMail(srv, waitingEmail, /Subject: .*declined/i), /Dora Leaving/);
    assert.equal(srv.sql(`SELECT status FROM mentorships WHERE mentor_id = ${mentorId}`), 'ended_early');
    assert.doesNotMatch((await waiting.get('/mentors?q=dora')).body, /Dora Leaving/);
    // the mentee is told, reads the reason, and keeps the shared notes
    assert.equal(srv.sql(`SELECT count(*) FROM outbox WHERE event = 20 AND user_id = ${userId(srv, p.menteeEmail)}`), '1');
    const mail = await waitForMail(srv, p.menteeEmail, /Subject: Your mentorship with Dora Leaving has ended/);
    assert.match(mail, /was closed/);
    assert.match((await p.mentee.get(p.ms)).body, /Ended early:<\/strong> account closed/);
    const s = await p.mentee.get(p.s);
    assert.equal(s.status, 200);
    assert.match(s.body, new RegExp(`${C}-shared`));
    assert.match(s.body, new RegExp(`${C}-agenda`));
    // the deactivated mentor cannot sign in
    const c = new Client(srv);
    await c.get('/login');
    assert.equal((await c.post('/login', { email: p.mentorEmail, password: GOOD_PW })).status, 401);

    // reactivation: the account, not the mentorship
    const list = await admin.get('/admin/users');
    assert.match(list.body, new RegExp(`action="/admin/users/${mentorId}/reactivate"`));
    assert.equal((await admin.post(`/admin/users/${mentorId}/reactivate`, {})).status, 303);
    assert.equal(srv.sql("SELECT count(*) FROM audit WHERE event = 'user_reactivated'"), '1');
    const back = await login(srv, p.mentorEmail);
    assert.equal((await back.get('/')).status, 200);
    assert.match((await waiting.get('/mentors?q=dora')).body, /Dora Leaving/);
    assert.equal(srv.sql(`SELECT status FROM mentorships WHERE mentor_id = ${mentorId}`), 'ended_early');
    assert.equal((await admin.post(`/admin/users/${mentorId}/reactivate`, {})).status, 404, 'only a deactivated account');
  } finally { await srv.stop(); }
});
