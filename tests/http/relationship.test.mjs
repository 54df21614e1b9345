// Issue 21: a first conversation, goals that move, quiet pairs, reaching
// each other, follow-ups, more than one mentor, the guide, and the small
// things (datalist, long searches, empty lists, surveys in the navigation).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, signup, login, adminClient } from '../lib/server.mjs';

const FAST = { TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', TANDEM_MAX_MENTORS: '2' };
let srv;
before(async () => { srv = await startServer(FAST); });
after(async () => { await srv.stop(); });

const DAY = 86400;
let n = 0;
const uniq = (p) => `${p}${++n}-${process.pid}@example.com`;
const uid = (email) => srv.sql(`SELECT id FROM users WHERE email = '${email}'`);
/** The server's today (UTC), with the test clock's offset. */
let offset = 0;
const today = () => new Date(Date.now() + offset * 1000).toISOString().slice(0, 10);
const dayPlus = (d) => new Date(Date.now() + (offset + d * DAY) * 1000).toISOString().slice(0, 10);
const clock = (s) => { offset = s; srv.setClock(s); };
/** Move the clock, and sign these people in again (sessions time out). */
async function jump(s, ...people) {
  clock(s);
  for (const p of people) p.c = await login(srv, p.email);
}

async function mentor(focus = 'Rust', capacity = '1') {
  const email = uniq('rm');
  const c = await signup(srv, email, `Mentor ${n}`);
  await c.get('/profile');
  const r = await c.post('/profile', [['display_name', `Mentor ${n}`], ['timezone', 'Asia/Tokyo'], ['is_mentor', '1'],
    ['focus_areas', focus], ['capacity', capacity], ['formats', 'one_on_one']]);
  assert.equal(r.status, 303, r.body.slice(0, 800));
  return { c, id: uid(email), email };
}

async function mentee(name = 'Mentee') {
  const email = uniq('re');
  return { c: await signup(srv, email, `${name} ${n}`), id: uid(email), email };
}

async function ask(who, m, fields = {}) {
  await who.c.get(`/mentors/${m.id}`);
  return who.c.post('/requests', { mentor_id: m.id, topic: 'Rust', goal: 'Write a small CLI in Rust with tests and errors.',
    format: 'one_on_one', cadence: 'weekly', duration_min: '45', weeks: '6', ...fields });
}

async function pair(fields = {}, focus = 'Rust', capacity = '1') {
  const m = await mentor(focus, capacity);
  const e = await mentee();
  const r = await ask(e, m, fields);
  assert.equal(r.status, 303, r.body.slice(0, 800));
  await m.c.get(r.headers.location);
  const a = await m.c.post(`${r.headers.location}/accept`);
  assert.equal(a.status, 303, a.body.slice(0, 800));
  return { m, e, ms: a.headers.location, msId: a.headers.location.split('/').pop() };
}

async function logSession(who, ms, held = today()) {
  await who.c.get(`${ms}/sessions/new`);
  const r = await who.c.post(`${ms}/sessions`, { held_on: held, duration_min: '30', kind: 'one_on_one', labels: '',
    agenda: 'What I tried', shared_notes: '', private_notes: '' });
  assert.equal(r.status, 303, r.body.slice(0, 800));
}

test('a single conversation: no plan; counted against capacity until held; then continued as a mentorship', async () => {
  const m = await mentor('Rust', '1');
  const e = await mentee();
  const form = await e.c.get(`/mentors/${m.id}`);
  assert.match(form.body, /A single conversation first/);
  assert.match(form.body, /A single conversation first \(worth it: you have not worked together yet\)/, 'worth it for a first contact');
  assert.match(form.body, /You have 0 of 2 mentors/);
  const r = await ask(e, m, { kind: 'single' });
  assert.equal(r.status, 303);
  assert.match((await e.c.get(r.headers.location)).body, /A single conversation \(no plan\)/);
  await m.c.get(r.headers.location);
  const ms = (await m.c.post(`${r.headers.location}/accept`)).headers.location;
  // The mentor's flash says what started: a conversation, not a plan.
  const accepted = (await m.c.get(ms)).body;
  assert.match(accepted, /Accepted\. Your conversation is on/);
  assert.doesNotMatch(accepted, /here is a plan to adapt/);
  const page = await e.c.get(ms);
  assert.match(page.body, /A single conversation: hold it by/);
  assert.doesNotMatch(page.body, /<h2>Plan<\/h2>/);
  // the dashboard says what it is, not "0 of 0 weeks done"
  const dash = (await e.c.get('/')).body;
  assert.match(dash, /\(mentee, a first conversation\)/);
  assert.doesNotMatch(dash, /0 of 0 weeks/);
  const msId = ms.split('/').pop();
  assert.equal(srv.sql(`SELECT count(*) FROM plan_weeks WHERE mentorship_id = ${msId}`), '0');
  // Capacity 1: the single conversation takes the place until it is held.
  const other = await mentee();
  assert.match((await other.c.get(`/mentors/${m.id}`)).body, /No places free/);
  assert.equal((await ask(other, m)).status, 422);
  // Continuing before it was held is refused.
  assert.equal((await e.c.post(`${ms}/continue`, { goal: 'Ship the CLI to my team with docs and tests.', cadence: 'weekly', duration_min: '45', weeks: '6' })).status, 409);
  await logSession(e, ms);
  assert.equal(srv.sql(`SELECT status FROM mentorships WHERE id = ${msId}`), 'completed');
  assert.match((await other.c.get(`/mentors/${m.id}`)).body, /1 of 1 place free/);
  // Either proposes to continue; the other accepts; the plan starts then.
  const held = await m.c.get(ms);
  assert.match(held.body, /Propose to continue/);
  assert.equal((await m.c.post(`${ms}/continue`, { goal: 'Ship the CLI to my team with docs and tests.', cadence: 'biweekly', duration_min: '60', weeks: '4' })).status, 303);
  assert.equal((await m.c.post(`${ms}/continue/accept`)).status, 403, 'not the proposer to accept');
  assert.match((await e.c.get('/')).body, /a proposal waits for your answer/);
  const acc = await e.c.post(`${ms}/continue/accept`);
  assert.equal(acc.status, 303, acc.body.slice(0, 500));
  const row = srv.sql(`SELECT status || ',' || kind || ',' || weeks || ',' || cadence || ',' || planned_end FROM mentorships WHERE id = ${msId}`);
  assert.equal(row, `active,series,4,biweekly,${dayPlus(28)}`);
  assert.equal(srv.sql(`SELECT count(*) FROM plan_weeks WHERE mentorship_id = ${msId}`), '4');
  // Counted once: one mentorship, capacity full again.
  assert.equal(srv.sql(`SELECT count(*) FROM mentorships WHERE mentor_id = ${m.id} AND status = 'active'`), '1');
  assert.match((await other.c.get(`/mentors/${m.id}`)).body, /No places free/);
  assert.match((await e.c.get(ms)).body, /Ship the CLI to my team/);
  // Weeks added later move the end from where the continued plan ends,
  // not from the day of the first conversation (here two months before).
  srv.sql(`UPDATE mentorships SET started_on = date(started_on, '-60 days') WHERE id = ${msId}`);
  assert.equal((await e.c.post(`${ms}/changes`, { goal: '', weeks: '6', reason: 'Two more weeks for the docs' })).status, 303);
  const cid = srv.sql(`SELECT max(id) FROM ms_changes WHERE mentorship_id = ${msId}`);
  assert.equal((await m.c.post(`${ms}/changes/${cid}/accept`)).status, 303);
  assert.equal(srv.sql(`SELECT weeks || ',' || planned_end FROM mentorships WHERE id = ${msId}`), `6,${dayPlus(42)}`);
});

test('goal changes: proposed by the mentee, accepted and declined by the mentor, history kept; weeks move the end', async () => {
  const { m, e, ms, msId } = await pair();
  assert.equal((await m.c.post(`${ms}/changes`, { goal: '', weeks: '8', reason: 'More time' })).status, 403, 'the mentee proposes');
  // Bad input: 422, the typed text kept.
  // 20 characters, not bytes: seven CJK characters are 21 bytes and still too short.
  const cjk = await e.c.post(`${ms}/changes`, { goal: '学习嵌入式编程', weeks: '6', reason: 'Because I want to' });
  assert.equal(cjk.status, 422);
  const bad = await e.c.post(`${ms}/changes`, { goal: 'short', weeks: '6', reason: 'Because I want to' });
  assert.equal(bad.status, 422);
  assert.match(bad.body, /at least 20 characters/);
  assert.match(bad.body, /Because I want to/);
  const r = await e.c.post(`${ms}/changes`, { goal: 'Build a Rust web service with a database and tests.', weeks: '8', reason: 'The CLI is done already' });
  assert.equal(r.status, 303);
  assert.equal((await e.c.post(`${ms}/changes`, { goal: '', weeks: '7', reason: 'again' })).status, 409, 'one pending at a time');
  const seen = await m.c.get(ms);
  assert.match(seen.body, /The CLI is done already/);
  const cid = srv.sql(`SELECT id FROM ms_changes WHERE mentorship_id = ${msId}`);
  assert.equal((await e.c.post(`${ms}/changes/${cid}/accept`)).status, 403, 'the mentor answers');
  assert.equal((await m.c.post(`${ms}/changes/${cid}/accept`)).status, 303);
  assert.equal(srv.sql(`SELECT weeks || ',' || planned_end || ',' || goal FROM mentorships WHERE id = ${msId}`),
    `8,${dayPlus(56)},Build a Rust web service with a database and tests.`);
  assert.equal(srv.sql(`SELECT count(*) FROM plan_weeks WHERE mentorship_id = ${msId}`), '8');
  assert.equal((await m.c.post(`${ms}/changes/${cid}/decline`)).status, 409, 'already answered');
  // A second change, declined: nothing moves; both stay in the history.
  await e.c.post(`${ms}/changes`, { goal: 'Learn embedded Rust on a microcontroller board.', weeks: '10', reason: 'Curious' });
  const cid2 = srv.sql(`SELECT max(id) FROM ms_changes WHERE mentorship_id = ${msId}`);
  assert.equal((await m.c.post(`${ms}/changes/${cid2}/decline`)).status, 303);
  assert.equal(srv.sql(`SELECT weeks FROM mentorships WHERE id = ${msId}`), '8');
  const page = await e.c.get(ms);
  const hist = page.body.match(/<ol class="list" id="goal-history">([\s\S]*?)<\/ol>/)[1];
  assert.match(hist, /Write a small CLI in Rust/);
  assert.match(hist, /Build a Rust web service/);
  assert.doesNotMatch(hist, /embedded Rust/);
  assert.match(page.body, /Declined/);
  // Fewer weeks than are done: refused.
  for (const w of [1, 2, 3]) await e.c.post(`${ms}/plan/${w}`, { done: '1', note: '' });
  const fewer = await e.c.post(`${ms}/changes`, { goal: '', weeks: '2', reason: 'Shorter' });
  assert.equal(fewer.status, 422);
  assert.match(fewer.body, /at least as many weeks as are already done/);
  // Fewer, but not below the done weeks: rows go, the end moves back.
  await e.c.post(`${ms}/changes`, { goal: '', weeks: '5', reason: 'Shorter' });
  const cid3 = srv.sql(`SELECT max(id) FROM ms_changes WHERE mentorship_id = ${msId}`);
  assert.equal((await m.c.post(`${ms}/changes/${cid3}/accept`)).status, 303);
  assert.equal(srv.sql(`SELECT count(*) FROM plan_weeks WHERE mentorship_id = ${msId}`), '5');
  assert.equal(srv.sql(`SELECT planned_end FROM mentorships WHERE id = ${msId}`), dayPlus(35));
  // A stranger: 404 everywhere.
  const x = await mentee('Stranger');
  assert.equal((await x.c.post(`${ms}/changes`, { goal: '', weeks: '9', reason: 'hm' })).status, 404);
  assert.equal((await x.c.post(`${ms}/changes/${cid3}/decline`)).status, 404);
});

test('past the planned end and stalled, at their boundaries (test clock); counted and listed for admins', async () => {
  clock(0);
  const adminEmail = uniq('adm');
  const admin = { c: await adminClient(srv, adminEmail), email: adminEmail };
  const base = Number(srv.sql("SELECT count(*) FROM mentorships WHERE status = 'active' AND coalesce(last_session_on, started_on) <= date('now', '-28 days')"));
  const { m, e, ms } = await pair({ weeks: '2' });
  // Day 14 is the planned end: not past it yet.
  await jump(14 * DAY, m, e);
  assert.doesNotMatch((await e.c.get('/')).body, /passed its planned end/);
  assert.doesNotMatch((await e.c.get(ms)).body, /id="past-end"/);
  const msId = ms.split('/').pop();
  const sent = () => srv.sql(`SELECT count(*) FROM outbox WHERE event = 50 AND ref = ${msId} AND state = 1`);
  assert.equal(sent(), '0', 'no mail before the end has passed');
  await jump(15 * DAY, m, e);
  // Both are asked by mail too (the outbox, sent by the mail process).
  for (let i = 0; i < 100 && sent() !== '2'; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal(sent(), '2');
  const mails = readdirSync(join(srv.data, 'mail')).map((f) => readFileSync(join(srv.data, 'mail', f), 'utf8'));
  assert.ok(mails.some((t) => /complete it, extend it, or end it/.test(t.replace(/=\r?\n/g, ''))), 'the mail asks to complete, extend or end');
  assert.match((await e.c.get('/')).body, /passed its planned end/);
  assert.match((await m.c.get('/')).body, /passed its planned end/);
  assert.match((await e.c.get(ms)).body, /id="past-end"/);
  // Extending it (4 weeks in all) moves the end: no longer past it, and
  // the question is queued again for the day after the new end.
  assert.equal((await e.c.post(`${ms}/changes`, { goal: '', weeks: '4', reason: 'A few more weeks' })).status, 303);
  const cid = srv.sql(`SELECT max(id) FROM ms_changes WHERE mentorship_id = ${msId}`);
  assert.equal((await m.c.post(`${ms}/changes/${cid}/accept`)).status, 303);
  assert.doesNotMatch((await e.c.get(ms)).body, /id="past-end"/);
  assert.doesNotMatch((await e.c.get('/')).body, /passed its planned end/);
  assert.equal(srv.sql(`SELECT count(*) FROM outbox WHERE event = 50 AND ref = ${msId} AND state = 0`), '2');
  // A session on day 15: 27 days later not stalled, 28 days later stalled.
  await logSession(e, ms, today());
  await jump((15 + 27) * DAY, m, e, admin);
  assert.doesNotMatch((await e.c.get(ms)).body, /id="stalled"/);
  await jump((15 + 28) * DAY, m, e, admin);
  assert.match((await e.c.get(ms)).body, /id="stalled"/);
  assert.match((await m.c.get('/')).body, /is stalled: no session since/);
  const ov = await admin.c.get('/admin');
  const stalled = Number(ov.body.match(/id="stalled-num">(\d+)</)[1]);
  assert.ok(stalled >= base + 1, `stalled ${stalled}, base ${base}`);
  const pairs = await admin.c.get('/admin/pairs');
  assert.equal(pairs.status, 200);
  assert.match(pairs.body, /Stalled/);
  assert.doesNotMatch(pairs.body, /What I tried/, 'never what the pair wrote');
  assert.equal((await e.c.get('/admin/pairs')).status, 403);
  clock(0);
});

test('reaching each other: address, time zone, local time; where the mentor sets (rooms and http(s) only)', async () => {
  const { m, e, ms } = await pair();
  const page = await e.c.get(ms);
  assert.match(page.body, new RegExp(`mailto:${m.email.replace('.', '\\.')}`));
  assert.match(page.body, /Asia\/Tokyo/);
  assert.match(page.body, /id="their-time">now /);
  assert.match((await m.c.get(ms)).body, new RegExp(e.email.replace('.', '\\.')));
  assert.equal((await e.c.post(`${ms}/where`, { where: 'Room 4' })).status, 403, 'the mentor sets it');
  const bad = await m.c.post(`${ms}/where`, { where: 'javascript://alert(1)' });
  assert.equal(bad.status, 422);
  assert.match(bad.body, /javascript:\/\/alert\(1\)/, 'typed value kept');
  assert.equal((await m.c.post(`${ms}/where`, { where: 'https://meet.example.com/rust' })).status, 303);
  assert.match((await e.c.get(ms)).body, /<a href="https:\/\/meet\.example\.com\/rust" rel="noopener noreferrer">/);
});

test('follow-ups: after the end, seen by the two only; sealed (canary nowhere in the files or logs)', async () => {
  const C = 'FOLLOWUP-CANARY-9e1b';
  const { m, e, ms } = await pair();
  assert.equal((await e.c.post(`${ms}/follow-ups`, { body: `${C} early` })).status, 422, 'not while active');
  const done = await e.c.post(`${ms}/complete`, { outcome: 'goal_met' });
  assert.equal(done.status, 303);
  const after = await e.c.get(ms);
  assert.match(after.body, /offer Rust as a mentor/, 'a mentee whose goal was met is invited to mentor');
  const offer = await e.c.get('/profile?offer=Rust');
  assert.match(offer.body, /id="focus_areas"[^>]*value="Rust"/, 'the profile form opens with the topic');
  assert.match(offer.body, /id="is_mentor"[^>]* checked/);
  assert.equal((await e.c.post(`${ms}/follow-ups`, { body: `${C}: I shipped the CLI` })).status, 303);
  assert.match((await m.c.get(ms)).body, new RegExp(`${C}: I shipped the CLI`));
  assert.match((await m.c.get('/')).body, /A follow-up from/);
  assert.match((await e.c.get(ms)).body, new RegExp(C));
  const third = await mentee('Third');
  assert.equal((await third.c.get(ms)).status, 404);
  assert.equal((await third.c.post(`${ms}/follow-ups`, { body: 'hello there' })).status, 404);
  const admin = await adminClient(srv, uniq('adm'));
  assert.equal((await admin.get(ms)).status, 404);
  assert.equal((await admin.post(`${ms}/follow-ups`, { body: 'hello there' })).status, 404);
  srv.sql('PRAGMA wal_checkpoint(FULL)');
  const files = readdirSync(srv.data).filter((f) => f.startsWith('tandem.db') || f.endsWith('.log'));
  assert.ok(files.some((f) => f === 'tandem.db-wal' || f === 'tandem.db'));
  for (const f of files) assert.ok(!readFileSync(join(srv.data, f)).includes(C), `canary in ${f}`);
  assert.ok(!srv.log().includes(C), 'canary in the logs');
});

test('more than one mentor: TANDEM_MAX_MENTORS active mentorships per mentee', async () => {
  const e = await mentee('Busy');
  for (const topic of ['Go', 'SQL']) {
    const m = await mentor(topic, '2');
    const r = await ask(e, m, { topic });
    await m.c.get(r.headers.location);
    assert.equal((await m.c.post(`${r.headers.location}/accept`)).status, 303);
  }
  assert.match((await e.c.get('/mentors')).body, /You have 2 of 2 mentors the program allows at once: complete or end/);
  const third = await mentor('Rust', '2');
  const form = await e.c.get(`/mentors/${third.id}`);
  assert.match(form.body, /as many mentors as the program allows/);
  const r = await ask(e, third);
  assert.equal(r.status, 422);
  assert.match(r.body, /as many mentors as the program allows/);
  assert.equal(srv.sql(`SELECT count(*) FROM requests WHERE mentee_id = ${e.id} AND mentor_id = ${third.id}`), '0');
});

test('the guide: default text for members; admins edit it as plain text, shown escaped', async () => {
  const e = await mentee();
  const g = await e.c.get('/guide');
  assert.equal(g.status, 200);
  for (const h of ['For mentees', 'For mentors', 'What each can expect', 'Preparing a session', 'Burnout or a blocker', 'Ending well']) assert.match(g.body, new RegExp(`<h2 id="g\\d">${h}</h2>`));
  assert.equal((await e.c.post('/admin/guide', { text: '# x' })).status, 403);
  const admin = await adminClient(srv, uniq('adm'));
  const bad = await admin.post('/admin/guide', { text: 'no heading first' });
  assert.equal(bad.status, 422);
  assert.match(bad.body, /no heading first/);
  const r = await admin.post('/admin/guide', { text: '# Tips <script>alert(1)</script>\nBe <b>kind</b>.\n\n- one & two\n- <img src=x onerror=alert(1)>\n' });
  assert.equal(r.status, 303);
  const shown = await e.c.get('/guide');
  assert.match(shown.body, /<h2 id="g1">Tips &lt;script&gt;alert\(1\)&lt;\/script&gt;<\/h2>/);
  assert.match(shown.body, /<p>Be &lt;b&gt;kind&lt;\/b&gt;\.<\/p>/);
  assert.match(shown.body, /<li>one &amp; two<\/li>/);
  assert.doesNotMatch(shown.body, /<script>alert|<img src=x/);
  // Two headings in a row: the first is a section without text, the second shown once.
  assert.equal((await admin.post('/admin/guide', { text: '# Empty section\n# Second\nBody' })).status, 303);
  const two = (await e.c.get('/guide')).body;
  assert.equal((two.match(/>Second<\/h2>/g) || []).length, 1, 'the second heading once');
  assert.doesNotMatch(two, /# Second/);
  assert.equal((await admin.post('/admin/guide', { text: '' })).status, 303);
  assert.match((await e.c.get('/guide')).body, /For mentees/);
  // The tip on the request form links to it.
  const m = await mentor('Rust', '2');
  assert.match((await e.c.get(`/mentors/${m.id}`)).body, /State the problem in a sentence or two, and share what you already tried/);
});

test('small things: the topic datalist, a search over 100 characters, empty lists say what next, surveys in the navigation', async () => {
  const m = await mentor('Quantum Basket Weaving', '2');
  const e = await mentee();
  const dir = await e.c.get('/mentors');
  assert.match(dir.body, /<datalist id="topic-suggest">[^]*<option value="Quantum Basket Weaving"><\/option>[^]*<\/datalist>/);
  assert.match(dir.body, /<input id="q" name="q" type="search" maxlength="100"/);
  const long = `${m.c ? 'Mentor' : ''} ${'x'.repeat(120)}`;
  const r = await e.c.get(`/mentors?q=${encodeURIComponent('Quantum ' + 'y'.repeat(120))}`);
  assert.equal(r.status, 200);
  assert.match(r.body, /only its first 100 characters were searched/);
  assert.match(r.body, /id="no-match"/, 'the first 100 characters are searched, not every mentor shown');
  assert.ok(long.length > 100);
  const fits = await e.c.get(`/mentors?q=${encodeURIComponent('Quantum')}`);
  assert.doesNotMatch(fits.body, /only its first 100/);
  assert.match(fits.body, /Quantum Basket Weaving/);
  // Empty lists.
  assert.match((await e.c.get('/requests')).body, /id="outgoing-empty"/);
  assert.match((await e.c.get('/requests')).body, /id="incoming-empty"/);
  assert.match((await e.c.get('/mentorships')).body, /id="mentorships-empty"/);
  assert.match((await e.c.get('/surveys')).body, /id="surveys-empty"/);
  assert.match((await e.c.get('/')).body, /<a href="\/surveys">Surveys<\/a>/);
});
