// Session logging with notes sealed at rest: who may read what, and that
// nothing readable is left in the database, its WAL, a backup or the logs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, signup, login, adminClient, BIN } from '../lib/server.mjs';
import { newMentorship } from '../lib/fixtures.mjs';

// The pair the running test works with: each test makes its own (freshPair).
let srv, mentor, mentee, ms, mentorEmail, menteeEmail;
const uid = (email) => srv.sql(`SELECT id FROM users WHERE email = '${email}'`);

before(async () => { srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' }); });
/** A mentor and a mentee of this test's own, in an accepted mentorship. */
async function freshPair() {
  ({ mentor, mentee, ms, mentorEmail, menteeEmail } = await newMentorship(srv));
}
after(async () => { await srv.stop(); });

const today = () => new Date().toISOString().slice(0, 10);

async function logSession(who, fields = {}) {
  await who.get(`${ms}/sessions/new`);
  return who.post(`${ms}/sessions`, { held_on: today(), duration_min: '30', kind: 'one_on_one', labels: 'career',
    agenda: 'Good vibes:\n\nAsks:\n\nDiscussion:\n', shared_notes: '', private_notes: '', ...fields });
}

test('a canary is nowhere at rest, and reads back only for those allowed', async () => {
  await freshPair();
  const C = 'CANARY-7f3a9c-quokka';
  const form = await mentee.get(`${ms}/sessions/new`);
  assert.match(form.body, /Good vibes:\n\nAsks:\n\nDiscussion:/, 'the agenda comes prefilled');
  assert.match(form.body, /Seen by: only you\./);
  const withTexts = () => Number(srv.sql('SELECT count(*) FROM meetings WHERE agenda IS NOT NULL AND shared_notes IS NOT NULL'));
  const textsBefore = withTexts();
  const r = await logSession(mentee, { agenda: `Asks: ${C}-agenda`, shared_notes: `${C}-shared`, private_notes: `${C}-private-mentee` });
  assert.equal(r.status, 303);
  const s = r.headers.location;
  assert.match(s, /^\/sessions\/\d+$/);
  await mentor.get(s);
  assert.equal((await mentor.post(`${s}/notes`, { private_notes: `${C}-private-mentor` })).status, 303);
  await mentee.get(s);
  assert.equal((await mentee.post(`${s}/feedback`, { rating: '5', use_of_time: 'right', went_well: `${C}-feedback`, to_improve: '', next_steps: '', shared: '1' })).status, 303);
  assert.equal((await mentee.post(`${s}/feedback`, { rating: '4' })).status, 409, 'once per participant');

  const seenByMentee = (await mentee.get(s)).body;
  const seenByMentor = (await mentor.get(s)).body;
  for (const part of ['agenda', 'shared', 'feedback']) {
    assert.ok(seenByMentee.includes(`${C}-${part}`), `mentee reads ${part}`);
    assert.ok(seenByMentor.includes(`${C}-${part}`), `mentor reads ${part}`);
  }
  assert.ok(seenByMentee.includes(`${C}-private-mentee`));
  assert.ok(!seenByMentee.includes(`${C}-private-mentor`), 'the mentee never sees the mentor\'s private notes');
  assert.ok(seenByMentor.includes(`${C}-private-mentor`));
  assert.ok(!seenByMentor.includes(`${C}-private-mentee`), 'and the reverse');
  assert.match(seenByMentor, /only you/);

  const backup = join(srv.data, 'backup.db');
  execFileSync(BIN, ['backup', backup], { env: srv.env });
  for (const f of readdirSync(srv.data).filter((n) => n.startsWith('tandem.db') || n === 'backup.db' || n.endsWith('.log'))) {
    assert.ok(!readFileSync(join(srv.data, f)).includes('CANARY-7f3a9c'), `canary found in ${f}`);
  }
  assert.ok(!srv.log().includes('CANARY-7f3a9c'));
  assert.equal(withTexts() - textsBefore, 1);
});

test('ciphertexts swapped between rows fail to open: an error page, never garbage', async () => {
  await freshPair();
  const a = (await logSession(mentor, { shared_notes: 'notes of session A' })).headers.location.split('/').pop();
  const b = (await logSession(mentor, { shared_notes: 'notes of session B' })).headers.location.split('/').pop();
  // Swap the two ciphertexts through a copy of the originals.
  srv.sql(`CREATE TEMP TABLE sw AS SELECT id, shared_notes FROM meetings WHERE id IN (${a}, ${b});` +
    `UPDATE meetings SET shared_notes = (SELECT sw.shared_notes FROM sw WHERE sw.id = ` +
    `CASE meetings.id WHEN ${a} THEN ${b} ELSE ${a} END) WHERE id IN (${a}, ${b});`);
  assert.equal(srv.sql(`SELECT count(*) FROM meetings WHERE id IN (${a}, ${b}) AND shared_notes IS NOT NULL`), '2');
  for (const id of [a, b]) {
    const r = await mentor.get(`/sessions/${id}`);
    assert.equal(r.status, 500, `session ${id}`);
    assert.match(r.body, /could not be opened/);
    assert.doesNotMatch(r.body, /notes of session/);
  }
  assert.match(srv.log(), /msg="sealed value failed to open"/);
  // Their author can still delete them, unreadable as they are.
  for (const id of [a, b]) assert.equal((await mentor.post(`/sessions/${id}/delete`)).status, 303);
  assert.equal(srv.sql(`SELECT count(*) FROM meetings WHERE id IN (${a}, ${b})`), '0');
});

test('a third member and an admin get 404 on every session URL, GET and POST', async () => {
  await freshPair();
  const s = (await logSession(mentee, { shared_notes: 'pair only' })).headers.location;
  const third = await signup(srv, 'eve-nosy@example.com', 'Eve');
  const admin = await adminClient(srv, 'notes-admin@example.com');
  for (const who of [third, admin]) {
    assert.equal((await who.get(s)).status, 404);
    assert.equal((await who.post(`${s}/notes`, { private_notes: 'x' })).status, 404);
    assert.equal((await who.post(`${s}/feedback`, { rating: '1' })).status, 404);
    assert.equal((await who.get(`${ms}/sessions/new`)).status, 404);
    assert.equal((await who.post(`${ms}/sessions`, { held_on: today(), duration_min: '30', kind: 'peer' })).status, 404);
  }
  assert.equal(srv.sql(`SELECT count(*) FROM feedback WHERE author_id = ${uid('notes-admin@example.com')}`), '0');
});

test('logging validates the date and keeps what was typed', async () => {
  await freshPair();
  const r = await logSession(mentee, { held_on: '2100-01-01', shared_notes: 'keep me' });
  assert.equal(r.status, 422);
  assert.match(r.body, /cannot be in the future/);
  assert.match(r.body, />keep me<\/textarea>/);
  const early = await logSession(mentee, { held_on: '2001-01-01' });
  assert.equal(early.status, 422);
  assert.match(early.body, /before the mentorship started/);
  assert.equal((await logSession(mentee, { duration_min: '481' })).status, 422);
  assert.equal((await logSession(mentee, { kind: 'party' })).status, 400);
});

test('notes are editable for a week, then read-only; deleting removes every trace', async () => {
  await freshPair();
  const C = 'DELETE-CANARY-5c1d';
  const s = (await logSession(mentee, { shared_notes: `${C}-shared`, private_notes: `${C}-private` })).headers.location;
  await mentee.get(s);
  assert.equal((await mentee.post(`${s}/edit`, { agenda: 'Asks: more', shared_notes: 'edited notes' })).status, 303);
  assert.match((await mentee.get(s)).body, /edited notes/);
  await mentor.get(s);
  assert.equal((await mentor.post(`${s}/edit`, { agenda: 'x', shared_notes: 'mentor rewrite' })).status, 409, 'only the author edits shared notes');
  assert.equal((await mentor.post(`${s}/delete`)).status, 409, 'only the author deletes');

  srv.setClock(8 * 86400);
  const m2 = await login(srv, menteeEmail);
  const old = await m2.get(s);
  assert.match(old.body, /Read-only: a week has passed/);
  assert.equal((await m2.post(`${s}/edit`, { agenda: 'late', shared_notes: 'late' })).status, 409);
  assert.equal((await m2.post(`${s}/notes`, { private_notes: 'late' })).status, 409);
  assert.match((await m2.get(s)).body, /edited notes/, 'history is not rewritten');

  assert.equal((await m2.post(`${s}/feedback`, { rating: '3', went_well: `${C}-feedback`, shared: '1' })).status, 303);
  assert.equal(srv.sql(`SELECT count(*) FROM feedback WHERE meeting_id = ${s.split('/').pop()}`), '1');
  const id = s.split('/').pop();
  assert.equal((await m2.post(`${s}/delete`)).status, 303);
  srv.setClock(0);
  assert.equal(srv.sql(`SELECT (SELECT count(*) FROM meetings WHERE id = ${id}) + (SELECT count(*) FROM private_notes WHERE meeting_id = ${id}) + (SELECT count(*) FROM feedback WHERE meeting_id = ${id})`), '0');
  assert.equal((await m2.get(s)).status, 404);
  srv.sql('PRAGMA wal_checkpoint(TRUNCATE)');
  for (const f of readdirSync(srv.data).filter((n) => n.startsWith('tandem.db'))) {
    assert.ok(!readFileSync(join(srv.data, f)).includes('DELETE-CANARY'), `deleted text still in ${f}`);
  }
});

test('rotate-key re-encrypts everything under a new key; refuses while serving', async () => {
  await freshPair();
  const s = (await logSession(mentee, { shared_notes: 'survives the rotation', private_notes: 'mine, still' })).headers.location;
  const keyBefore = readFileSync(join(srv.data, 'secret.key'), 'utf8');
  const idBefore = srv.sql(`SELECT hex(substr(shared_notes, 2, 4)) FROM meetings WHERE id = ${s.split('/').pop()}`);
  assert.throws(() => execFileSync(BIN, ['rotate-key'], { env: srv.env, stdio: 'pipe' }), /stop the server first/);
  const data = srv.data;
  await srv.stop({ keep: true });
  const out = execFileSync(BIN, ['rotate-key'], { env: srv.env, encoding: 'utf8' });
  assert.match(out, /re-encrypted \d+ values under key \d+/);
  const keyAfter = readFileSync(join(data, 'secret.key'), 'utf8');
  assert.notEqual(keyAfter, keyBefore);
  assert.equal(keyAfter.trim().split('\n').length, 1, 'the old key is gone from the key file');
  srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' }, data);
  assert.notEqual(srv.sql(`SELECT hex(substr(shared_notes, 2, 4)) FROM meetings WHERE id = ${s.split('/').pop()}`), idBefore);
  // The restarted server has a new port: sign in again.
  mentee = await login(srv, menteeEmail);
  mentor = await login(srv, mentorEmail);
  const page = await mentee.get(s);
  assert.equal(page.status, 200);
  assert.match(page.body, /survives the rotation/);
  assert.match(page.body, /mine, still/);
});

test('action items: sealed, carried to later sessions until done', async () => {
  await freshPair();
  const C = 'ACTION-CANARY-9e2b';
  const s1 = (await logSession(mentee, { shared_notes: 'first' })).headers.location;
  await mentee.get(s1);
  assert.equal((await mentee.post(`${s1}/actions`, { owner: 'mentee', body: `${C} read chapter 4` })).status, 303);
  assert.equal((await mentee.post(`${s1}/actions`, { owner: 'mentor', body: 'send the article' })).status, 303);
  srv.sql('PRAGMA wal_checkpoint(FULL)');
  for (const f of readdirSync(srv.data).filter((n) => n.startsWith('tandem.db'))) {
    assert.ok(!readFileSync(join(srv.data, f)).includes(C), `action text found in ${f}`);
  }
  const seen = await mentor.get(s1);
  assert.match(seen.body, /Your mentee:<\/strong> ACTION-CANARY-9e2b read chapter 4/);
  assert.match(seen.body, /You:<\/strong> send the article/);
  const s2 = (await logSession(mentor, { shared_notes: 'second' })).headers.location;
  const later = await mentor.get(s2);
  assert.match(later.body, /read chapter 4 <span class="badge">carried over<\/span>/);
  const itemId = srv.sql("SELECT id FROM action_items WHERE owner = 'mentee' ORDER BY id DESC LIMIT 1");
  assert.equal((await mentor.post(`${s2}/actions/${itemId}/done`, { done: '1' })).status, 303);
  const s3 = (await logSession(mentor, { shared_notes: 'third' })).headers.location;
  const third = await mentor.get(s3);
  assert.doesNotMatch(third.body, /read chapter 4/, 'done items stop coming along');
  assert.match(third.body, /send the article/);
  const nosy = await signup(srv, 'nosy-actions@example.com', 'Nosy');
  assert.equal((await nosy.post(`${s2}/actions/${itemId}/done`, {})).status, 404);
  assert.equal((await nosy.post(`${s2}/actions`, { owner: 'mentor', body: 'x' })).status, 404);
});

test('the next session shows in each person\'s time zone; the mentee is reminded to send an agenda', async () => {
  await freshPair();
  srv.sql(`UPDATE profiles SET timezone = 'Europe/Berlin' WHERE user_id = ${uid(mentorEmail)}`);
  srv.sql(`UPDATE profiles SET timezone = 'UTC' WHERE user_id = ${uid(menteeEmail)}`);
  const inThreeHours = new Date(Date.now() + 3 * 3600 * 1000);
  inThreeHours.setUTCSeconds(0, 0);
  const local = inThreeHours.toISOString().slice(0, 16); // the mentee's zone is UTC
  await mentee.get(ms);
  assert.equal((await mentee.post(`${ms}/next`, { next_at: local })).status, 303);
  const berlin = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(inThreeHours);
  assert.match((await mentor.get(ms)).body, new RegExp(`${berlin} \\(Europe/Berlin\\)`));
  const menteeDash = await mentee.get('/');
  assert.match(menteeDash.body, /send your mentor an agenda/);
  assert.match(menteeDash.body, new RegExp(`${local.slice(11, 16)} \\(UTC\\)`));
  assert.doesNotMatch((await mentor.get('/')).body, /send your mentor an agenda/);
  assert.match((await mentor.get('/')).body, /Next sessions/);
  assert.equal((await mentee.post(`${ms}/next`, { next_at: '2001-01-01T10:00' })).status, 422);
});

test('admins see session ratings only as an average that moves in steps of 5 forms from 5 people, never the texts', async () => {
  // Five pairs: a step of the average needs forms from 5 different people.
  const raters = [];
  for (let i = 0; i < 5; i++) raters.push(await newMentorship(srv, { menteeName: `Rae Rater ${i}` }));
  // The attack: the overview's exact average moved with every new form,
  // so two views around one form gave that form's rating away.
  const admin = await adminClient(srv, 'ratings-admin@example.com');
  // Every form ever given (deleted sessions' too): what the steps count.
  const forms = () => Number(srv.sql('SELECT forms FROM rating_totals'));
  const stepped = () => srv.sql('SELECT shown_forms = forms AND forms > 0 FROM rating_totals') === '1';
  const logged = async (p, fields) => {
    await p.mentee.get(`${p.ms}/sessions/new`);
    return (await p.mentee.post(`${p.ms}/sessions`, { held_on: today(), duration_min: '30', kind: 'one_on_one', labels: 'career',
      agenda: '', shared_notes: '', private_notes: '', ...fields })).headers.location;
  };
  const rate = async (rating, i, who = raters[i % 5]) => {
    const s = await logged(who, { shared_notes: `rated ${i}` });
    await who.mentee.get(s);
    assert.equal((await who.mentee.post(`${s}/feedback`, { rating, went_well: `ADMIN-NEVER-SEES-${i}`, shared: '1' })).status, 303);
  };
  let page = (await admin.get('/admin')).body;
  if (!stepped()) assert.match(page, /session ratings show from 5 forms/);
  for (let i = 0; !stepped(); i++) await rate('4', i);
  const shown = async () => {
    page = (await admin.get('/admin')).body;
    const m = page.match(/(\d\.\d) \/ 5<\/span><span class="lbl">average session rating over (\d+) forms/);
    assert.ok(m, 'the average is shown');
    return { avg: m[1], over: Number(m[2]) };
  };
  const before = await shown();
  assert.equal(before.over, forms());
  await rate('1', 100, raters[0]);
  const after = await shown();
  assert.equal(after.avg, before.avg, 'one new form does not move the average');
  assert.equal(after.over, before.over);
  assert.doesNotMatch(page, new RegExp(`\\b${forms()} forms`), 'the exact count is not shown');
  // A deleted session takes its forms out of the table, not out of the
  // count: otherwise one more form would complete a step early, and the
  // two averages would give the deleted forms' ratings away.
  const doomed = await logged(raters[1], { shared_notes: 'to be deleted' });
  await raters[1].mentee.get(doomed);
  assert.equal((await raters[1].mentee.post(`${doomed}/feedback`, { rating: '2', shared: '1' })).status, 303);
  assert.equal((await raters[1].mentee.post(`${doomed}/delete`)).status, 303);
  await rate('1', 99, raters[2]);
  assert.equal((await shown()).avg, before.avg, 'a deletion does not bring the next step closer');
  await rate('1', 101, raters[3]);
  await rate('1', 102, raters[4]);
  const step = await shown();
  assert.equal(step.over, before.over + 5, 'it moves once 5 more forms from 5 people are in');
  assert.ok(Number(step.avg) < Number(before.avg));
  // Five more forms, all one person's: no step (the admin would read that
  // person's ratings from the difference of two averages).
  for (let i = 200; i < 205; i++) await rate('5', i, raters[0]);
  assert.deepEqual(await shown(), step, 'one person\'s five forms do not move the average');
  assert.doesNotMatch(page, /ADMIN-NEVER-SEES/);
});

test('sessions logged at once: each answered only once saved, none lost, a refused one undoes only itself', async (t) => {
  await freshPair();
  // Sent together, these reach the workers while others are in flight, so
  // they share commits (server/worker.c): a 303 must mean durable, and a
  // member that fails (the second feedback form, a future date) must take
  // nothing of the others with it.
  const target = (await logSession(mentee, { labels: 'burst-target' })).headers.location;
  await mentor.get(target);
  await mentee.get(`${ms}/sessions/new`);
  const future = new Date(Date.now() + 3 * 86400e3).toISOString().slice(0, 10);
  const post = (i) => mentee.post(`${ms}/sessions`, { held_on: today(), duration_min: '30', kind: 'pairing',
    labels: `burst-${i}`, agenda: '', shared_notes: `BURST-NOTE-${i}`, private_notes: '' });
  const [logged, refused, feedback] = await Promise.all([
    Promise.all(Array.from({ length: 24 }, (_, i) => post(i))),
    Promise.all(Array.from({ length: 4 }, () => mentee.post(`${ms}/sessions`, { held_on: future, duration_min: '30',
      kind: 'pairing', labels: 'burst-future', agenda: '', shared_notes: '', private_notes: '' }))),
    Promise.all(Array.from({ length: 3 }, (_, i) => mentor.post(`${target}/feedback`, { rating: String(3 + i),
      use_of_time: 'right', went_well: '', to_improve: '', next_steps: '', shared: '1' }))),
  ]);
  assert.deepEqual(logged.map((r) => r.status), Array(24).fill(303));
  const where = logged.map((r) => r.headers.location);
  assert.equal(new Set(where).size, 24, 'each request got its own session');
  assert.deepEqual(refused.map((r) => r.status), Array(4).fill(422));
  assert.match(refused[0].body, /cannot be in the future/i);
  assert.deepEqual(feedback.map((r) => r.status).sort(), [303, 409, 409], 'one feedback form per participant');

  assert.equal(srv.sql("SELECT count(*) FROM meetings WHERE labels LIKE 'burst-%' AND labels <> 'burst-target'"), '24');
  assert.equal(srv.sql("SELECT count(*) FROM meetings WHERE labels = 'burst-future'"), '0');
  assert.equal(srv.sql(`SELECT count(*) FROM feedback WHERE meeting_id = ${target.split('/').pop()}`), '1');
  for (let i = 0; i < 24; i += 5) {
    const page = (await mentor.get(where[i])).body;
    assert.ok(page.includes(`BURST-NOTE-${i}`), `session ${i} reads back its own note`);
  }
  const groups = [...srv.log().matchAll(/route="\/mentorships\/\{id\}\/sessions" status="303" [^\n]*group="(\d+)"/g)]
    .map((m) => Number(m[1]));
  t.diagnostic(`largest shared commit: ${Math.max(...groups)} requests`);
});

test('a shared commit that fails saves nothing of any request in it, and each of them is told so', async (t) => {
  await freshPair();
  // A real COMMIT failure, made by the test alone: a trigger gives one
  // session a row that breaks a deferred foreign key, checked only at
  // COMMIT, so the whole commit that carries it fails.
  srv.sql(`CREATE TABLE fault_parent(id INTEGER PRIMARY KEY);
    CREATE TABLE fault_child(p INTEGER REFERENCES fault_parent(id) DEFERRABLE INITIALLY DEFERRED);
    CREATE TRIGGER fault_commit AFTER INSERT ON meetings WHEN NEW.labels = 'fail-commit'
    BEGIN INSERT INTO fault_child VALUES (1); END;`);
  try {
    await mentee.get(`${ms}/sessions/new`);
    const post = (labels) => mentee.post(`${ms}/sessions`, { held_on: today(), duration_min: '30', kind: 'peer',
      labels, agenda: '', shared_notes: '', private_notes: '' });
    const rs = await Promise.all([...Array.from({ length: 8 }, (_, i) => post(`fate-${i}`)), post('fail-commit'),
      ...Array.from({ length: 8 }, (_, i) => post(`fate-${8 + i}`))]);
    const failed = rs[8];
    assert.equal(failed.status, 500);
    assert.match(failed.body, /nothing was saved/);
    for (let i = 0; i < 16; i++) {
      const r = rs[i < 8 ? i : i + 1];
      const stored = srv.sql(`SELECT count(*) FROM meetings WHERE labels = 'fate-${i}'`);
      assert.ok([303, 500].includes(r.status), `request ${i}: ${r.status}`);
      assert.equal(stored, r.status === 303 ? '1' : '0', `request ${i} answered ${r.status}: stored exactly when told so`);
    }
    t.diagnostic(`requests that shared the failed commit: ${rs.filter((r) => r.status === 500).length}`);
    assert.equal(srv.sql("SELECT count(*) FROM meetings WHERE labels = 'fail-commit'"), '0');
    assert.equal(srv.sql('SELECT count(*) FROM fault_child'), '0');
    assert.match(srv.log(), /msg="a shared commit failed: nothing of its requests was saved"/);
    // The writers' queue is free again: the next session is logged.
    assert.equal((await logSession(mentee, { labels: 'after-fault' })).status, 303);
  } finally {
    srv.sql('DROP TRIGGER fault_commit; DROP TABLE fault_child; DROP TABLE fault_parent;');
  }
});

test('a deleted session\'s id is never given to another session', async () => {
  await freshPair();
  const first = await logSession(mentee);
  assert.equal(first.status, 303);
  const firstId = Number(first.headers.location.match(/\/sessions\/(\d+)$/)[1]);
  // The newest one: with max(id) + 1 its id would come straight back.
  await mentee.get(first.headers.location);
  assert.equal((await mentee.post(`/sessions/${firstId}/delete`)).status, 303);
  const second = await logSession(mentee);
  assert.equal(second.status, 303);
  const secondId = Number(second.headers.location.match(/\/sessions\/(\d+)$/)[1]);
  assert.ok(secondId > firstId, `new id ${secondId} after deleted ${firstId}`);
  assert.equal((await mentee.get(`/sessions/${firstId}`)).status, 404);
  assert.equal((await mentee.get(`/sessions/${secondId}`)).status, 200);
  // The same for action items (their body is sealed for its id too).
  await mentee.get(`/sessions/${secondId}`);
  assert.equal((await mentee.post(`/sessions/${secondId}/actions`, { owner: 'mentee', body: 'first item' })).status, 303);
  const itemId = Number(srv.sql('SELECT max(id) FROM action_items'));
  assert.equal((await mentee.post(`/sessions/${secondId}/delete`)).status, 303);
  const third = (await logSession(mentee)).headers.location;
  await mentee.get(third);
  assert.equal((await mentee.post(`${third}/actions`, { owner: 'mentee', body: 'second item' })).status, 303);
  assert.ok(Number(srv.sql('SELECT max(id) FROM action_items')) > itemId, 'a new item id');
});

test('a topic link carries the topic percent-encoded: its query decodes back to exactly the topic', async () => {
  const topic = 'x&format=zz#y';
  const who = await signup(srv, 'odd.topic@example.com', 'Odd Topic');
  await who.get('/profile');
  const saved = await who.post('/profile', [['display_name', 'Odd Topic'], ['timezone', 'UTC'], ['interests', `${topic}, a b/c?d`]]);
  assert.equal(saved.status, 303, saved.body.slice(0, 400));
  const page = await who.get('/topics');
  const unescape = (s) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  const hrefs = [...page.body.matchAll(/href="(\/mentors\?topic=[^"]*)"/g)].map((m) => unescape(m[1]));
  for (const want of [topic, 'a b/c?d']) {
    const found = hrefs.filter((h) => new URL(h, srv.base).searchParams.get('topic') === want);
    assert.equal(found.length, 1, `a link for ${want} among ${hrefs.join(' ')}`);
    const u = new URL(found[0], srv.base);
    assert.equal(u.hash, '', 'no fragment cut off');
    assert.deepEqual([...u.searchParams.keys()], ['topic'], 'no extra parameter');
  }
});
