// Mail (issue 14) through a real SMTP server (aiosmtpd on a free port):
// who gets what, the headers and both parts, links that work, calendar
// invitations (parsed with python3-icalendar), time-based reminders (the
// test clock), preferences, faults (the SMTP server down, the sender
// killed mid-batch, a refused request), and a canary written into every
// free-text field that no message may contain.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { statSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, signup, adminClient, BIN } from '../lib/server.mjs';
import { uniqueEmail, userId } from '../lib/fixtures.mjs';
import { startSink, mailbox, parseMail, part } from '../lib/mail.mjs';

let srv, sink, box, offset = 0;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  sink = await startSink();
  srv = await startServer({
    TANDEM_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, TANDEM_MAIL_FROM: 'mentoring@example.org',
    TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', TANDEM_IDLE_MINUTES: '1440', TANDEM_SESSION_HOURS: '720',
  });
  box = mailbox(() => sink.files());
});
after(async () => { await srv.stop(); await sink.stop(); sink.cleanup(); });

/** Move the server's clock forward (it never goes back within this file). */
function advance(seconds) { offset += seconds; srv.setClock(offset); }
const serverNow = () => Math.floor(Date.now() / 1000) + offset;
/** A UTC time as the datetime-local input of a UTC profile. */
const local = (t) => new Date(t * 1000).toISOString().slice(0, 16);
const today = () => new Date(serverNow() * 1000).toISOString().slice(0, 10);

async function mentorOf(topic, name = 'Mira Mentor') {
  const email = uniqueEmail('mentor');
  const c = await signup(srv, email, name);
  await c.get('/profile');
  assert.equal((await c.post('/profile', [['display_name', name], ['timezone', 'UTC'], ['is_mentor', '1'],
    ['focus_areas', topic], ['capacity', '3'], ['formats', 'one_on_one']])).status, 303);
  return { c, email, id: userId(srv, email) };
}

async function ask(mentee, mentor, topic, fields = {}) {
  await mentee.get(`/mentors/${mentor.id}`);
  return mentee.post('/requests', { mentor_id: mentor.id, topic, goal: 'Grow as a speaker at conferences.',
    format: 'one_on_one', cadence: 'weekly', duration_min: '30', weeks: '6', message: '', ...fields });
}

/** A mentor, a mentee and an accepted mentorship of this test's own. */
async function pair(topic = 'Public speaking', { mentorName = 'Mira Mentor', menteeName = 'Tom Mentee', fields = {} } = {}) {
  const mentor = await mentorOf(topic, mentorName);
  const menteeEmail = uniqueEmail('mentee');
  const mentee = await signup(srv, menteeEmail, menteeName);
  const r = await ask(mentee, mentor, topic, fields);
  assert.equal(r.status, 303);
  await mentor.c.get(r.headers.location);
  const ms = (await mentor.c.post(`${r.headers.location}/accept`)).headers.location;
  assert.match(ms, /^\/mentorships\/\d+$/);
  return { mentor: mentor.c, mentee, mentorEmail: mentor.email, menteeEmail, ms, request: r.headers.location };
}

const subjects = (addr) => box.to(addr).map((m) => m.headers.subject);
const waitFor = (addr, re, what = String(re)) =>
  box.until(() => box.to(addr).some((m) => re.test(m.headers.subject)), `${what} to ${addr}`).then(() => box.to(addr).find((m) => re.test(m.headers.subject)));
const pathOf = (url) => new URL(url).pathname;

test('a new request reaches the mentor: headers, both parts, a link that opens the request', async () => {
  const mentor = await mentorOf('Public speaking', 'Zoë Ångström');
  const menteeEmail = uniqueEmail('mentee');
  const mentee = await signup(srv, menteeEmail, 'Tom "T" Mentee');
  const r = await ask(mentee, mentor, 'Public speaking');
  assert.equal(r.status, 303);
  const m = await waitFor(mentor.email, /New mentoring request from Tom "T" Mentee: Public speaking/);
  const h = m.headers;
  assert.equal(h['x-envelope-to'], mentor.email, 'sent to the mentor alone');
  assert.match(h.from, /<mentoring@example\.org>/, 'from TANDEM_MAIL_FROM');
  assert.equal(h.to, `Zoë Ångström <${mentor.email}>`, 'the display name decodes back');
  assert.match(m.raw, /\r\nTo: =\?UTF-8\?B\?[A-Za-z0-9+/=]+\?= </, 'a non-ASCII name is an RFC 2047 encoded-word');
  assert.equal(h['auto-submitted'], 'auto-generated');
  assert.match(h['message-id'], /^<outbox-\d+@127\.0\.0\.1>$/);
  assert.match(h['list-unsubscribe'], new RegExp(`^<${srv.base}/unsubscribe/[A-Za-z0-9_-]{44}>$`));
  assert.equal(h['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
  assert.equal(m.content_type, 'multipart/alternative');
  const text = part(m, 'text/plain').body, html = part(m, 'text/html').body;
  assert.match(text, /Hello Zoë Ångström,/);
  assert.match(html, /Hello Zoë Ångström,/);
  assert.match(html, /Tom &quot;T&quot; Mentee asks you/, 'names are escaped in the HTML part');
  const link = text.match(/http:\/\/\S+\/requests\/\d+/)[0];
  assert.ok(html.includes(`href="${link}"`), 'the same link in both parts');
  const page = await mentor.c.get(pathOf(link));
  assert.equal(page.status, 200, 'the link opens the request for the mentor');
  assert.match(page.body, /Public speaking/);
  assert.equal((await mentee.get(pathOf(link))).status, 200);
});

test('accepting tells the mentee, and both hear the mentorship starts; a decline tells the mentee without its reason', async () => {
  const p = await pair('Negotiation');
  const acc = await waitFor(p.menteeEmail, /Mira Mentor accepted your request: Negotiation/);
  const link = part(acc, 'text/plain').body.match(/http:\/\/\S+\/mentorships\/\d+/)[0];
  assert.equal(pathOf(link), p.ms);
  assert.equal((await p.mentee.get(p.ms)).status, 200, 'the link opens the mentorship');
  await waitFor(p.mentorEmail, /Your mentorship with Tom Mentee starts: Negotiation/);
  await waitFor(p.menteeEmail, /Your mentorship with Mira Mentor starts: Negotiation/);

  const mentor = await mentorOf('Negotiation', 'Dora Decliner');
  const email = uniqueEmail('mentee');
  const mentee = await signup(srv, email, 'Dan Declined');
  const r = await ask(mentee, mentor, 'Negotiation');
  await mentor.c.get(r.headers.location);
  assert.equal((await mentor.c.post(`${r.headers.location}/decline`, { reason: 'DECLINE-REASON-canary' })).status, 303);
  const d = await waitFor(email, /Dora Decliner declined your request: Negotiation/);
  assert.ok(!d.raw.includes('DECLINE-REASON-canary'));
});

test('a planned session: an invitation to both; a move keeps the UID and raises SEQUENCE; clearing it cancels', async () => {
  const p = await pair('Architecture');
  const id = p.ms.split('/').pop();
  const at = serverNow() + 3 * 86400 - (serverNow() % 3600);
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/next`, { next_at: local(at) })).status, 303);
  const inv = async (addr, re) => {
    const m = await waitFor(addr, re);
    const cal = part(m, 'text/calendar');
    assert.ok(cal, 'a text/calendar part');
    return { m, ics: cal.ics, params: cal.params };
  };
  const a = await inv(p.mentorEmail, /^Session planned with Tom Mentee/);
  const b = await inv(p.menteeEmail, /^Session planned with Mira Mentor/);
  for (const x of [a, b]) {
    assert.equal(x.ics.method, 'REQUEST');
    assert.equal(x.params.method, 'REQUEST', 'the part says method=REQUEST');
    assert.equal(x.ics.uid, `mentorship-${id}-1@127.0.0.1`);
    assert.equal(x.ics.sequence, 0);
    assert.equal(new Date(x.ics.start).getTime() / 1000, at);
  }
  assert.match(part(a.m, 'text/plain').body, new RegExp(`/mentorships/${id}`));

  assert.equal((await p.mentee.post(`${p.ms}/next`, { next_at: local(at + 3600) })).status, 303);
  const moved = await inv(p.mentorEmail, /^Session moved with Tom Mentee/);
  assert.equal(moved.ics.uid, a.ics.uid, 'the same event');
  assert.equal(moved.ics.sequence, 1);
  assert.equal(new Date(moved.ics.start).getTime() / 1000, at + 3600);

  assert.equal((await p.mentor.post(`${p.ms}/next`, { next_at: '' })).status, 303, 'an empty date cancels');
  const gone = await inv(p.menteeEmail, /^Session cancelled with Mira Mentor/);
  assert.equal(gone.ics.method, 'CANCEL');
  assert.equal(gone.params.method, 'CANCEL');
  assert.equal(gone.ics.uid, a.ics.uid);
  assert.equal(gone.ics.sequence, 2);
  assert.equal(gone.ics.status, 'CANCELLED');

  assert.equal((await p.mentee.post(`${p.ms}/next`, { next_at: local(at + 86400) })).status, 303);
  const again = await inv(p.mentorEmail, /^Session planned with Tom Mentee.*/);
  await box.until(() => box.to(p.mentorEmail).filter((m) => /^Session planned/.test(m.headers.subject)).length === 2, 'a second plan');
  const second = box.to(p.mentorEmail).filter((m) => /^Session planned/.test(m.headers.subject)).map((m) => part(m, 'text/calendar').ics);
  assert.ok(again);
  assert.deepEqual(second.map((i) => i.uid).sort(), [`mentorship-${id}-1@127.0.0.1`, `mentorship-${id}-2@127.0.0.1`],
    'a session planned after a cancel is a new event');
});

test('a refused request (409, 422) sends nothing', async () => {
  const mentor = await mentorOf('Refusals');
  const email = uniqueEmail('mentee');
  const mentee = await signup(srv, email, 'Rita Refused');
  const rows = () => Number(srv.sql(`SELECT count(*) FROM outbox WHERE user_id IN (${mentor.id}, ${userId(srv, email)})`));
  assert.equal((await ask(mentee, mentor, 'Refusals', { goal: '' })).status, 422);
  assert.equal(rows(), 0, 'a 422 wrote no mail');
  assert.equal((await ask(mentee, mentor, 'Refusals')).status, 303);
  const after1 = rows();
  assert.equal((await ask(mentee, mentor, 'Refusals')).status, 422, 'a second request to the same mentor');
  assert.equal(rows(), after1, 'a refused duplicate wrote no mail');
  await waitFor(mentor.email, /New mentoring request from Rita Refused/);
  const req = srv.sql(`SELECT id FROM requests WHERE mentor_id = ${mentor.id}`);
  await mentee.get(`/requests/${req}`);
  assert.equal((await mentee.post(`/requests/${req}/withdraw`)).status, 303);
  await mentor.c.get(`/requests/${req}`);
  assert.equal((await mentor.c.post(`/requests/${req}/decline`, { reason: '' })).status, 409, 'no longer pending');
  assert.equal((await mentor.c.post(`/requests/${req}/accept`)).status, 409);
  assert.equal(rows(), after1, 'a 409 wrote no mail');
  await sleep(1500);
  assert.equal(subjects(mentor.email).length, 1, 'one request, one message');
});

test('turned off: no message; daily digest: one message at 08:00 in the person\'s zone', async () => {
  const p = await pair('Digests');
  await waitFor(p.menteeEmail, /starts: Digests/);
  const mentorId = userId(srv, p.mentorEmail), menteeId = userId(srv, p.menteeEmail);
  // session_plan (bit 4) off for the mentor; the mentee takes a digest.
  srv.sql(`INSERT INTO notify_prefs(user_id, off, digest) VALUES (${mentorId}, 16, 0), (${menteeId}, 0, 1)`);
  srv.sql(`UPDATE profiles SET timezone = 'Asia/Tokyo' WHERE user_id = ${menteeId}`);
  const at = serverNow() + 5 * 86400;
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/next`, { next_at: local(at) })).status, 303);
  await box.until(() => Number(srv.sql(`SELECT count(*) FROM outbox WHERE user_id = ${menteeId} AND digest = 1`)) >= 1, 'held for the digest');
  await box.until(() => srv.sql(`SELECT state FROM outbox WHERE user_id = ${mentorId} AND event = 8`) === '3', 'the mentor\'s skipped');
  assert.ok(!subjects(p.mentorEmail).some((s) => /Session planned/.test(s)), 'off: never sent');
  assert.ok(!subjects(p.menteeEmail).some((s) => /Session planned/.test(s)), 'digest: not at once');
  const due = Number(srv.sql(`SELECT due FROM outbox WHERE user_id = ${menteeId} AND digest = 1 LIMIT 1`));
  const tokyo = new Date(due * 1000).toLocaleString('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' });
  assert.equal(tokyo, '08:00', 'due at 08:00 in Tokyo');
  assert.ok(due > serverNow() && due <= serverNow() + 86400);
  advance(due - serverNow() + 5);
  const d = await waitFor(p.menteeEmail, /^Your Tandem day: 1 update/);
  assert.match(part(d, 'text/plain').body, /Session planned with Mira Mentor/);
  assert.match(part(d, 'text/html').body, new RegExp(`href="${srv.base}${p.ms}"`));
});

test('24 hours before a planned session both are reminded: the mentee to write the agenda, the mentor to read it', async () => {
  const p = await pair('Reminders');
  const at = serverNow() + 2 * 86400;
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/next`, { next_at: local(at) })).status, 303);
  await waitFor(p.menteeEmail, /^Session planned/);
  await sleep(1000);
  assert.ok(!subjects(p.menteeEmail).some((s) => /agenda/.test(s)), 'not before its time');
  advance(at - 86400 - serverNow() + 60);
  const e = await waitFor(p.menteeEmail, /^Write the agenda: session with Mira Mentor/);
  const r = await waitFor(p.mentorEmail, /^Read the agenda: session with Tom Mentee/);
  for (const m of [e, r]) assert.ok(part(m, 'text/plain').body.includes(`${srv.base}${p.ms}`), 'links to the mentorship page');
});

test('feedback still owed an hour after a session: only who has not given it, once', async () => {
  const p = await pair('Feedback');
  // Sessions are logged on a past or present day, after the mentorship started.
  await p.mentee.get(`${p.ms}/sessions/new`);
  const s = (await p.mentee.post(`${p.ms}/sessions`, { held_on: today(), duration_min: '30', kind: 'one_on_one', labels: '',
    agenda: '', shared_notes: '', private_notes: '' })).headers.location;
  assert.match(s, /^\/sessions\/\d+$/);
  await p.mentee.get(s);
  assert.equal((await p.mentee.post(`${s}/feedback`, { rating: '5', use_of_time: 'right', went_well: '', to_improve: '', next_steps: '', shared: '1' })).status, 303);
  advance(3700);
  const m = await waitFor(p.mentorEmail, /^Your feedback on the session with Tom Mentee/);
  assert.ok(part(m, 'text/plain').body.includes(`${srv.base}${s}`));
  await box.until(() => srv.sql(`SELECT count(*) FROM outbox WHERE event = 11 AND ref = ${s.split('/').pop()} AND state = 0`) === '0', 'both rows done');
  assert.ok(!subjects(p.menteeEmail).some((x) => /Your feedback/.test(x)), 'the mentee gave it: nothing');
  advance(7200);
  await sleep(1500);
  assert.equal(subjects(p.mentorEmail).filter((x) => /Your feedback/.test(x)).length, 1, 'once');
});

test('a survey invitation when the mentorship ends, and one reminder after 7 days if unanswered', async () => {
  const admin = await adminClient(srv, uniqueEmail('admin'));
  await admin.get('/admin/surveys');
  const url = (await admin.post('/admin/surveys', { title: 'After mentoring', audience: 'both' })).headers.location;
  assert.equal((await admin.post(`${url}/questions`, { kind: 'rating', prompt: 'Good?', required: '1' })).status, 303);
  assert.equal((await admin.post(`${url}/status`, { status: 'open' })).status, 303);
  const p = await pair('Surveys');
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/complete`, { outcome: 'goal_met' })).status, 303);
  const a = await waitFor(p.menteeEmail, /^Survey: After mentoring/);
  await waitFor(p.mentorEmail, /^Survey: After mentoring/);
  const link = part(a, 'text/plain').body.match(/http:\/\/\S+\/surveys\/\d+/)[0];
  const page = await p.mentee.get(pathOf(link));
  assert.equal(page.status, 200, 'the link opens the survey');
  // The mentee answers; the mentor does not.
  const q = page.body.match(/name="(q\d+)"/)[1];
  assert.equal((await p.mentee.post(pathOf(link), { [q]: '4' })).status, 303);
  advance(7 * 86400 + 60);
  await waitFor(p.mentorEmail, /^Reminder: After mentoring/);
  await box.until(() => srv.sql(`SELECT count(*) FROM outbox WHERE event = 13 AND user_id = ${userId(srv, p.menteeEmail)} AND state = 0`) === '0', 'reminders done');
  assert.ok(!subjects(p.menteeEmail).some((x) => /^Reminder: After mentoring/.test(x)), 'answered: no reminder');
});

test('a week before a mentorship\'s planned end both are told, and not while it still has longer', async () => {
  const p = await pair('Endings', { fields: { weeks: '2' } });
  await waitFor(p.menteeEmail, /starts: Endings/);
  await sleep(1000);
  assert.ok(!subjects(p.menteeEmail).some((x) => /ends in a week/.test(x)));
  advance(7 * 86400 + 60);
  const m = await waitFor(p.menteeEmail, /^Your mentorship with Mira Mentor ends in a week: Endings/);
  await waitFor(p.mentorEmail, /^Your mentorship with Tom Mentee ends in a week: Endings/);
  const end = srv.sql(`SELECT planned_end FROM mentorships WHERE id = ${p.ms.split('/').pop()}`);
  assert.ok(part(m, 'text/plain').body.includes(`planned to end on ${end}`));
});

test('mail settings are checked at start, with a message that says what is wrong', () => {
  const run = (env) => spawnSync(BIN, ['migrate'], { env: { ...srv.env, TANDEM_DATA: srv.data, ...env }, encoding: 'utf8' });
  let r = run({ TANDEM_SMTP_URL: 'http://mail.example.com' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /TANDEM_SMTP_URL must be smtp:\/\/host:port \(STARTTLS\) or smtps:\/\/host:port/);
  r = run({ TANDEM_MAIL_FROM: 'Tandem <x@example.com>' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /TANDEM_MAIL_FROM must be one plain address/);
  r = run({ TANDEM_SMTP_PASSWORD_FILE: '/nonexistent/pw', TANDEM_SMTP_USER: 'u' });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /cannot read TANDEM_SMTP_PASSWORD_FILE \/nonexistent\/pw/);
  const pw = join(srv.data, 'smtp-password');
  writeFileSync(pw, 'S3cret-pass-never-logged\n', { mode: 0o600 });
  r = run({ TANDEM_SMTP_PASSWORD_FILE: pw });
  assert.match(r.stderr, /TANDEM_SMTP_PASSWORD_FILE needs TANDEM_SMTP_USER/);
  r = run({ TANDEM_SMTP_PASSWORD_FILE: pw, TANDEM_SMTP_USER: 'u', TANDEM_SMTP_URL: 'smtps://mail.example.com:465' });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!(r.stdout + r.stderr).includes('S3cret'), 'the password is never printed');
});

test('the SMTP server down: retried with growing delays, delivered once it is back', async () => {
  const mentor = await mentorOf('Outages');
  const email = uniqueEmail('mentee');
  const mentee = await signup(srv, email, 'Olga Outage');
  await sink.stop();
  const r = await ask(mentee, mentor, 'Outages');
  assert.equal(r.status, 303, 'the request itself does not wait for mail');
  const row = `SELECT tries || ' ' || (due - ${serverNow()}) FROM outbox WHERE user_id = ${mentor.id} AND event = 1`;
  await box.until(() => srv.sql(row).startsWith('1 '), 'a first failed attempt');
  const [, wait1] = srv.sql(row).split(' ').map(Number);
  assert.ok(wait1 >= 50 && wait1 <= 70, `retried about a minute later (${wait1} s)`);
  advance(61);
  await box.until(() => srv.sql(row).startsWith('2 '), 'a second failed attempt');
  const wait2 = Number(srv.sql(row).split(' ')[1]) - 61;
  assert.ok(wait2 >= 280 && wait2 <= 310, `then about 5 minutes (${wait2} s)`);
  assert.match(srv.log(), /mail not delivered; will retry/);
  sink = await startSink(sink.port, sink.dir);
  advance(301);
  await waitFor(mentor.email, /New mentoring request from Olga Outage/);
  assert.equal(srv.sql(`SELECT state FROM outbox WHERE user_id = ${mentor.id} AND event = 1`), '1');
});

test('given up after every retry: counted on /admin as mail that could not be delivered, the reply in the log', async () => {
  const admin = await adminClient(srv, uniqueEmail('admin'));
  const count = async () => Number((await admin.get('/admin')).body.match(/(\d+)<\/span><span class="lbl">mail that could not be delivered/)[1]);
  const before0 = await count();
  const mentor = await mentorOf('Lost');
  const mentee = await signup(srv, uniqueEmail('mentee'), 'Lena Lost');
  await sink.stop();
  await ask(mentee, mentor, 'Lost');
  const tries = () => Number(srv.sql(`SELECT tries FROM outbox WHERE user_id = ${mentor.id} AND event = 1`));
  for (const [n, wait] of [[1, 61], [2, 301], [3, 1801], [4, 7201], [5, 43201]]) {
    await box.until(() => tries() >= n, `attempt ${n}`);
    advance(wait);
  }
  await box.until(() => srv.sql(`SELECT state FROM outbox WHERE user_id = ${mentor.id} AND event = 1`) === '2', 'given up');
  assert.equal(tries(), 6, 'the first attempt and five retries');
  assert.equal(await count(), before0 + 1);
  assert.match(srv.log(), /msg="mail given up" outbox="\d+" tries="6" reply="[^"]+"/);
  sink = await startSink(sink.port, sink.dir);
});

test('kill -9 of the sender in the middle of a batch: every committed event is delivered at least once', async () => {
  // Sessions logged now ask for feedback an hour later: many rows fall due at once.
  const pairs = [];
  for (let i = 0; i < 6; i++) pairs.push(await pair(`Crash ${i}`));
  const ids = [];
  for (const p of pairs) {
    for (let k = 0; k < 5; k++) {
      await p.mentee.get(`${p.ms}/sessions/new`);
      const s = (await p.mentee.post(`${p.ms}/sessions`, { held_on: today(), duration_min: '30', kind: 'one_on_one', labels: '',
        agenda: '', shared_notes: '', private_notes: '' })).headers.location;
      ids.push(s.split('/').pop());
    }
  }
  // No mail row rides in a session's commit: an hour later the sender makes one for each of the pair.
  assert.ok(Number(srv.sql(`SELECT last FROM id_counters WHERE name = 'feedback_asked'`)) < Math.min(...ids.map(Number)));
  const owed = () => srv.sql(`SELECT id FROM outbox WHERE event = 11 AND ref IN (${ids.join(',')})`).split('\n').filter(Boolean);
  assert.equal(owed().length, 0);
  const senderPid = () => Number([...srv.log().matchAll(/msg="mail sender started" pid="(\d+)"/g)].pop()[1]);
  const first = senderPid();
  advance(3700);
  await box.until(() => owed().length === 60, 'a row for each of the pair');
  const rows = owed();
  await box.until(() => box.all().some((m) => rows.includes(m.headers['message-id'].match(/outbox-(\d+)@/)?.[1])), 'the first of the batch');
  process.kill(first, 'SIGKILL');
  await box.until(() => senderPid() !== first, 'a new sender', 20000);
  const got = () => new Set(box.all().map((m) => m.headers['message-id'].match(/outbox-(\d+)@/)?.[1]).filter((x) => rows.includes(x)));
  await box.until(() => got().size === rows.length, 'all 60 messages', 30000);
  assert.equal(srv.sql(`SELECT count(*) FROM outbox WHERE id IN (${rows.join(',')}) AND state = 1`), '60');
  assert.match(srv.log(), /mail sender died; restarting/);
});

test('a canary in every free-text field reaches no message', async () => {
  const C = 'CANARY-5c1f-wombat';
  const admin = await adminClient(srv, uniqueEmail('admin'));
  await admin.get('/admin/surveys');
  const url = (await admin.post('/admin/surveys', { title: 'Canary check', audience: 'both' })).headers.location;
  assert.equal((await admin.post(`${url}/questions`, { kind: 'text', prompt: 'Anything?', max_len: '300' })).status, 303);
  assert.equal((await admin.post(`${url}/status`, { status: 'open' })).status, 303);
  const start = box.all().length;
  const p = await pair('Canaries', { fields: { goal: `${C}-goal`, message: `${C}-message` } });
  const id = p.ms.split('/').pop();
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/plan/1`, { done: '1', note: `${C}-plan-note` })).status, 303);
  await p.mentee.get(`${p.ms}/sessions/new`);
  const s = (await p.mentee.post(`${p.ms}/sessions`, { held_on: today(), duration_min: '30', kind: 'one_on_one', labels: 'canary',
    agenda: `${C}-agenda`, shared_notes: `${C}-shared`, private_notes: `${C}-private` })).headers.location;
  await p.mentor.get(s);
  assert.equal((await p.mentor.post(`${s}/notes`, { private_notes: `${C}-private-mentor` })).status, 303);
  assert.equal((await p.mentor.post(`${s}/actions`, { owner: 'mentee', body: `${C}-action` })).status, 303);
  assert.equal((await p.mentor.post(`${s}/feedback`, { rating: '4', use_of_time: 'right', went_well: `${C}-went-well`,
    to_improve: `${C}-improve`, next_steps: `${C}-next`, shared: '1' })).status, 303);
  assert.equal((await p.mentee.post(`${p.ms}/next`, { next_at: local(serverNow() + 2 * 86400) })).status, 303);
  await waitFor(p.mentorEmail, /^Session planned with Tom Mentee/);
  // A declined request with a reason, from the same mentee to another mentor.
  const other = await mentorOf('Canaries', 'Other Mentor');
  const r2 = await ask(p.mentee, other, 'Canaries', { goal: `${C}-goal2`, message: `${C}-message2` });
  await other.c.get(r2.headers.location);
  assert.equal((await other.c.post(`${r2.headers.location}/decline`, { reason: `${C}-decline` })).status, 303);
  assert.equal((await p.mentor.post(`${p.ms}/end`, { reason: `${C}-end-reason` })).status, 303);
  const inv = await waitFor(p.menteeEmail, /^Survey: Canary check/);
  const sp = pathOf(part(inv, 'text/plain').body.match(/http:\/\/\S+\/surveys\/\d+/)[0]);
  const q = (await p.mentee.get(sp)).body.match(/name="(q\d+)"/)[1];
  assert.equal((await p.mentee.post(sp, { [q]: `${C}-survey-comment` })).status, 303);
  // Every kind of mail this pair can get: reminders, feedback, survey reminder.
  advance(8 * 86400);
  await waitFor(p.mentorEmail, /^Reminder: Canary check/);
  await waitFor(p.menteeEmail, /declined your request/);
  const mine = box.all().slice(start).filter((m) => [p.mentorEmail, p.menteeEmail, other.email].some((a) => m.headers.to.includes(a)));
  assert.ok(mine.length >= 8, `the pair got their mail (${mine.length})`);
  for (const m of mine) {
    const all = [m.raw, ...m.parts.map((x) => x.body), JSON.stringify(m.headers)].join('\n');
    assert.ok(!all.includes('CANARY'), `no canary in "${m.headers.subject}"`);
  }
  assert.ok(mine.some((m) => m.headers.subject.includes(`Session planned`) && part(m, 'text/calendar').ics.uid.startsWith(`mentorship-${id}-`)));
});

test('without TANDEM_SMTP_URL each message is an .eml file (0600) in $TANDEM_DATA/mail, its path logged', async () => {
  const own = await startServer({});
  try {
    const mentorEmail = uniqueEmail('mentor');
    const mentor = await signup(own, mentorEmail, 'Eve Eml');
    await mentor.get('/profile');
    await mentor.post('/profile', [['display_name', 'Eve Eml'], ['timezone', 'UTC'], ['is_mentor', '1'],
      ['focus_areas', 'Files'], ['capacity', '3'], ['formats', 'one_on_one']]);
    const mentee = await signup(own, uniqueEmail('mentee'), 'Fred File');
    const mid = userId(own, mentorEmail);
    await mentee.get(`/mentors/${mid}`);
    assert.equal((await mentee.post('/requests', { mentor_id: mid, topic: 'Files', goal: 'CANARY-eml-goal: a goal long enough to pass',
      format: 'one_on_one', cadence: 'weekly', duration_min: '30', weeks: '6', message: 'CANARY-eml-message' })).status, 303);
    const dir = join(own.data, 'mail');
    const files = () => { try { return readdirSync(dir).filter((f) => /^\d+\.eml$/.test(f)).map((f) => join(dir, f)); } catch { return []; } };
    const end = Date.now() + 15000;
    while (!files().length && Date.now() < end) await sleep(200);
    const [m] = parseMail(files());
    assert.ok(m, 'a file was written');
    assert.equal(statSync(m.file).mode & 0o777, 0o600);
    assert.match(m.headers.subject, /New mentoring request from Fred File: Files/);
    assert.match(m.headers.to, new RegExp(`<${mentorEmail}>`));
    assert.ok(!m.raw.includes('CANARY'));
    assert.ok(own.log().includes(`msg="mail written" path="${m.file}"`));
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temporary file left');
  } finally { await own.stop(); }
});
