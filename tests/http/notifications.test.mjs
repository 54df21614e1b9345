// What a person hears about and what waits on them: notification
// preferences, the unsubscribe link (RFC 8058 one click, no sign-in), the
// private calendar feed, the agenda written ahead for a planned session,
// and the dashboard's "Waits on me" list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, signup, request } from '../lib/server.mjs';
import { newMentorship, userId, uniqueEmail, linkToken as makeToken } from '../lib/fixtures.mjs';

let srv;
before(async () => { srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' }); });
after(async () => { await srv.stop(); });

// The kinds in core/notifykind.h order: the bit of each in notify_prefs.off.
const KINDS = ['request_new', 'request_answer', 'request_overdue', 'mentorship', 'session_plan', 'session_soon', 'feedback', 'survey'];

/** The events of an iCalendar text, parsed by python3-icalendar (Debian). */
function parseIcs(text) {
  const py = `
import sys, json, icalendar
cal = icalendar.Calendar.from_ical(sys.stdin.read())
out = []
for e in cal.walk('VEVENT'):
    out.append({'uid': str(e['UID']), 'seq': int(e.get('SEQUENCE', 0)), 'start': e.decoded('DTSTART').isoformat(),
                'end': e.decoded('DTEND').isoformat() if 'DTEND' in e else None,
                'duration': e.decoded('DURATION').total_seconds() if 'DURATION' in e else None,
                'summary': str(e['SUMMARY']), 'url': str(e.get('URL', '')), 'description': str(e.get('DESCRIPTION', ''))})
print(json.dumps({'version': str(cal['VERSION']), 'prodid': str(cal['PRODID']), 'events': out}))`;
  return JSON.parse(execFileSync('/usr/bin/python3', ['-c', py], { input: text, encoding: 'utf8' }));
}

const linkToken = (purpose, uid, arg) => makeToken(srv, purpose, uid, arg);
const off = (email) => Number(srv.sql(`SELECT coalesce((SELECT off FROM notify_prefs WHERE user_id = ${userId(srv, email)}), 0)`));
const msId = (ms) => Number(ms.split('/').pop());
const noCookie = (method, path, body) => request(srv, method, path, body === undefined ? {} : { body });

/** A planned session `hours` from now, in UTC minutes (both test people's zone is UTC). */
async function plan(who, ms, hours) {
  const at = new Date(Date.now() + hours * 3600 * 1000);
  at.setUTCSeconds(0, 0);
  await who.get(ms);
  assert.equal((await who.post(`${ms}/next`, { next_at: at.toISOString().slice(0, 16) })).status, 303);
  return at;
}

test('notification preferences are saved and shown, with the account navigation linking to them', async () => {
  const email = uniqueEmail('prefs');
  const me = await signup(srv, email, 'Pia Prefs');
  const home = await me.get('/');
  assert.match(home.body, /href="\/account\/notifications"/);
  let page = await me.get('/account/notifications');
  assert.equal(page.status, 200);
  for (const k of KINDS) assert.match(page.body, new RegExp(`name="${k}" type="checkbox" value="1" checked`), `${k} is on by default`);
  assert.doesNotMatch(page.body, /name="digest" type="checkbox" value="1" checked/);
  // Everything on but "feedback" and "survey", as a daily digest.
  const fields = KINDS.filter((k) => k !== 'feedback' && k !== 'survey').map((k) => [k, '1']);
  const r = await me.post('/account/notifications', [...fields, ['digest', '1']]);
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/account/notifications');
  page = await me.get('/account/notifications');
  assert.match(page.body, /Saved: what you chose comes in one mail a day, at 08:00 in your time zone\./);
  assert.match(page.body, /name="feedback" type="checkbox" value="1">/);
  assert.match(page.body, /name="survey" type="checkbox" value="1">/);
  assert.match(page.body, /name="request_new" type="checkbox" value="1" checked/);
  assert.match(page.body, /name="digest" type="checkbox" value="1" checked/);
  assert.equal(off(email), (1 << 6) | (1 << 7));
  // Everything off, at once.
  assert.equal((await me.post('/account/notifications', [])).status, 303);
  assert.match((await me.get('/account/notifications')).body, /Tandem sends you no mail now/);
  assert.equal(off(email), 255);
  // A forged field changes nothing; neither does a form without its CSRF token.
  assert.equal((await me.post('/account/notifications', [['feedback', 'yes']])).status, 400);
  assert.equal((await me.post('/account/notifications', [['feedback', '1'], ['csrf', 'forged']])).status, 403);
  assert.equal(off(email), 255);
});

test('the unsubscribe link: GET changes nothing, one POST without cookie, CSRF or Origin turns one kind off', async () => {
  const email = uniqueEmail('unsub');
  const me = await signup(srv, email, 'Uma Unsub');
  const uid = userId(srv, email);
  const token = linkToken('u', uid, KINDS.indexOf('feedback'));
  const get = await noCookie('GET', `/unsubscribe/${token}`);
  assert.equal(get.status, 200);
  assert.match(get.body, /Stop mails about: <strong>Feedback I still owe after a session<\/strong>/);
  assert.match(get.body, /For Uma Unsub\./);
  assert.match(get.body, /<button[^>]*>Stop these mails<\/button>/);
  // A mail scanner's prefetch, twice: nothing changes.
  await noCookie('GET', `/unsubscribe/${token}`);
  assert.equal(off(email), 0);
  // RFC 8058: the mail client's one-click POST.
  const post = await request(srv, 'POST', `/unsubscribe/${token}`, { body: 'List-Unsubscribe=One-Click' });
  assert.equal(post.status, 200);
  assert.match(post.body, /You are unsubscribed/);
  assert.match(post.body, /no longer mails Uma Unsub about: <strong>Feedback I still owe after a session<\/strong>/);
  assert.match(post.body, /href="\/account\/notifications"/);
  assert.equal(off(email), 1 << KINDS.indexOf('feedback'), 'exactly that one kind is off');
  // Again: still just that kind.
  assert.equal((await request(srv, 'POST', `/unsubscribe/${token}`, { body: 'List-Unsubscribe=One-Click' })).status, 200);
  assert.equal(off(email), 1 << KINDS.indexOf('feedback'));
  const page = await me.get('/account/notifications');
  assert.match(page.body, /name="feedback" type="checkbox" value="1">/);
  assert.match(page.body, /name="survey" type="checkbox" value="1" checked/);
  // A second kind's link turns that one off too.
  const t2 = linkToken('u', uid, KINDS.indexOf('survey'));
  assert.equal((await request(srv, 'POST', `/unsubscribe/${t2}`, { body: 'List-Unsubscribe=One-Click' })).status, 200);
  assert.equal(off(email), (1 << 6) | (1 << 7));
  // RFC 8058 says a mail client SHOULD send it as multipart/form-data.
  const boundary = 'xYzZY';
  const multipart = { headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    body: `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n` };
  const t3 = linkToken('u', uid, KINDS.indexOf('mentorship'));
  assert.equal((await request(srv, 'POST', `/unsubscribe/${t3}`, multipart)).status, 200);
  assert.equal(off(email), (1 << 3) | (1 << 6) | (1 << 7));
  // Every other form still takes only urlencoded bodies.
  assert.equal((await request(srv, 'POST', '/account/notifications', multipart)).status, 415);
  assert.equal((await request(srv, 'POST', '/login', multipart)).status, 415);
  // The token never reaches the log: not from the link, nor from a link
  // with junk after it (404) or a body of the wrong kind (415).
  assert.equal((await noCookie('GET', `/unsubscribe/${token}/more`)).status, 404);
  assert.equal((await request(srv, 'POST', `/unsubscribe/${token}`, { body: 'x', headers: { 'Content-Type': 'text/plain' } })).status, 415);
  await new Promise((r) => setTimeout(r, 200));
  assert.match(srv.log(), /path="?\/unsubscribe\/\{token\}"? route=/);
  for (const t of [token, t2, t3]) assert.ok(!srv.log().includes(t));
});

test('forged, altered or foreign unsubscribe and calendar links are 404, the same for everyone', async () => {
  const email = uniqueEmail('forge');
  await signup(srv, email, 'Fay Forge');
  const uid = userId(srv, email);
  const good = linkToken('u', uid, 0);
  const flip = (t, i) => t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
  const bad = [
    flip(good, 5), // the person changed
    flip(good, 12), // the kind changed
    flip(good, good.length - 3), // the MAC changed
    linkToken('c', uid, 0), // a calendar link used to unsubscribe
    linkToken('u', uid, 99), // no such kind
    linkToken('u', 999999, 0), // nobody
    good.slice(0, -1), // cut short
  ];
  let nobody;
  for (const t of bad) {
    const g = await noCookie('GET', `/unsubscribe/${t}`);
    assert.equal(g.status, 404, t);
    assert.match(g.body, /This link does not work \(any more\)/);
    const p = await request(srv, 'POST', `/unsubscribe/${t}`, { body: 'List-Unsubscribe=One-Click' });
    assert.equal(p.status, 404);
    if (t === bad[5]) nobody = p.body;
  }
  // A genuine link of someone who does not exist reads like a forged one.
  const forged = (await request(srv, 'POST', `/unsubscribe/${bad[0]}`, { body: 'List-Unsubscribe=One-Click' })).body;
  const strip = (s) => s.replace(/[0-9a-f]{16}/g, '');
  assert.equal(strip(nobody), strip(forged));
  assert.equal(off(email), 0);
  assert.equal((await noCookie('GET', `/calendar/${linkToken('u', uid, 0)}.ics`)).status, 404);
  assert.equal((await noCookie('GET', `/calendar/${flip(linkToken('c', uid, 0), 20)}.ics`)).status, 404);
  assert.equal((await noCookie('GET', `/calendar/${linkToken('c', uid, 1)}.ics`)).status, 404, 'a generation not yet made');
  // A deactivated member's links stop working.
  const token = linkToken('u', uid, 0);
  srv.sql(`UPDATE users SET active = 0 WHERE id = ${uid}`);
  assert.equal((await noCookie('GET', `/unsubscribe/${token}`)).status, 404);
  assert.equal((await noCookie('GET', `/calendar/${linkToken('c', uid, 0)}.ics`)).status, 404);
});

test('the calendar feed: valid iCalendar with the planned session (UID, SEQUENCE, time), no agenda, dead once replaced', async () => {
  const { mentor, mentee, ms, menteeEmail } = await newMentorship(srv, { mentorName: 'Cal Mentor', menteeName: 'Cleo Mentee' });
  const at = await plan(mentee, ms, 48);
  const C = 'CANARY-cal-5e1d';
  await mentee.get(ms);
  assert.equal((await mentee.post(`${ms}/agenda`, { agenda: `${C} agenda` })).status, 303);
  const page = await mentee.get('/account/notifications');
  const url = page.body.match(/value="(http:\/\/127\.0\.0\.1:\d+\/calendar\/([A-Za-z0-9_-]+)\.ics)"/);
  assert.ok(url, 'the page shows the feed link');
  assert.match(page.body, /Anyone with this link sees your planned sessions/);
  assert.equal(url[2], linkToken('c', userId(srv, menteeEmail), 0), 'the test helper makes links as the server does');
  const path = new URL(url[1]).pathname;
  const feed = await noCookie('GET', path);
  assert.equal(feed.status, 200);
  assert.equal(feed.headers['content-type'], 'text/calendar; charset=utf-8');
  assert.ok(!feed.body.includes(C), 'no agenda in the feed');
  assert.match(feed.body, /\r\n/);
  const cal = parseIcs(feed.body);
  assert.equal(cal.version, '2.0');
  const id = msId(ms);
  const [planNo, planSeq] = srv.sql(`SELECT plan_no || ' ' || plan_seq FROM mentorships WHERE id = ${id}`).split(' ').map(Number);
  const ev = cal.events.find((e) => e.uid === `mentorship-${id}-${planNo}@127.0.0.1`);
  assert.ok(ev, `the planned session is in the feed: ${JSON.stringify(cal.events)}`);
  assert.equal(ev.seq, planSeq);
  assert.equal(new Date(ev.start).getTime(), at.getTime());
  assert.equal(ev.summary, 'Mentoring: Cal Mentor');
  assert.ok(ev.url.endsWith(ms));
  const mentorFeed = await mentor.get('/account/notifications');
  const mentorPath = new URL(mentorFeed.body.match(/value="(http[^"]+\.ics)"/)[1]).pathname;
  const mev = parseIcs((await noCookie('GET', mentorPath)).body).events.find((e) => e.uid === ev.uid);
  assert.equal(mev.summary, 'Mentoring: Cleo Mentee', 'the mentor sees the same event, named after the mentee');
  // Replace the link: the old one dies at once, the new one works.
  const r = await mentee.post('/account/notifications/calendar', {});
  assert.equal(r.status, 303);
  const after = await mentee.get('/account/notifications');
  assert.match(after.body, /New calendar link made\. The old one stopped working/);
  const newPath = new URL(after.body.match(/value="(http[^"]+\.ics)"/)[1]).pathname;
  assert.notEqual(newPath, path);
  assert.equal((await noCookie('GET', path)).status, 404);
  assert.equal((await noCookie('GET', newPath)).status, 200);
  assert.ok(!srv.log().includes(url[2]), 'the token never reaches the log');
});

test('the agenda of a planned session: the pair only, sealed, shown, carried into the logged session', async () => {
  const { mentor, mentee, ms } = await newMentorship(srv, { mentorName: 'Ada Mentor', menteeName: 'Ari Mentee' });
  const C = 'CANARY-agenda-9b7c';
  // Nothing planned: 422 with the text kept, and a clear message.
  await mentee.get(ms);
  assert.doesNotMatch((await mentee.get(ms)).body, /name="agenda"/, 'no agenda form without a planned session');
  const early = await mentee.post(`${ms}/agenda`, { agenda: `${C} too early` });
  assert.equal(early.status, 422);
  assert.match(early.body, /No session is planned yet/);
  assert.match(early.body, new RegExp(`<textarea[^>]*name="agenda"[^>]*>${C} too early</textarea>`));
  await plan(mentee, ms, 30);
  // Strangers: 404, the same as for a mentorship that does not exist.
  const nosy = await signup(srv, uniqueEmail('nosy'), 'Nosy Parker');
  await nosy.get('/');
  assert.equal((await nosy.post(`${ms}/agenda`, { agenda: 'mine now' })).status, 404);
  assert.equal((await nosy.post('/mentorships/999999/agenda', { agenda: 'x' })).status, 404);
  // Too long: 422, the text kept.
  const long = 'x'.repeat(8001);
  const tooLong = await mentee.post(`${ms}/agenda`, { agenda: long });
  assert.equal(tooLong.status, 422);
  assert.ok(tooLong.body.includes(long));
  // Written by the mentee, read (and editable) by the mentor.
  await mentee.get(ms);
  const saved = await mentee.post(`${ms}/agenda`, { agenda: `Asks: ${C}\n<b>bold?</b>` });
  assert.equal(saved.status, 303);
  assert.match((await mentee.get(ms)).body, /Agenda saved\./);
  const seen = (await mentor.get(ms)).body;
  assert.match(seen, new RegExp(`Asks: ${C}\n&lt;b&gt;bold\\?&lt;/b&gt;`));
  assert.match(seen, /Agenda for this session/);
  assert.doesNotMatch(seen, /<b>bold/);
  assert.equal(srv.sql(`SELECT next_agenda IS NOT NULL FROM mentorships WHERE id = ${msId(ms)}`), '1');
  for (const f of readdirSync(srv.data).filter((n) => n.startsWith('tandem.db') || n.endsWith('.log'))) {
    assert.ok(!readFileSync(join(srv.data, f)).includes(C), `canary found in ${f}`);
  }
  // Once the planned time has passed it is still shown (read-only) until
  // the session is logged.
  const planned = srv.sql(`SELECT next_session_at FROM mentorships WHERE id = ${msId(ms)}`);
  srv.sql(`UPDATE mentorships SET next_session_at = unixepoch() - 600 WHERE id = ${msId(ms)}`);
  const passed = (await mentor.get(ms)).body;
  assert.match(passed, /Agenda written for the planned session/);
  assert.match(passed, new RegExp(`Asks: ${C}`));
  assert.doesNotMatch(passed, /name="agenda"/);
  srv.sql(`UPDATE mentorships SET next_session_at = ${planned} WHERE id = ${msId(ms)}`);
  // Carried into the session: the log form starts from it, and once the
  // session is logged the planned agenda is gone.
  const form = await mentor.get(`${ms}/sessions/new`);
  assert.match(form.body, new RegExp(`<textarea id="agenda"[^>]*>Asks: ${C}`));
  const agendaSent = form.body.match(/<textarea id="agenda"[^>]*>([^<]*)<\/textarea>/)[1]
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  const logged = await mentor.post(`${ms}/sessions`, { held_on: new Date().toISOString().slice(0, 10), duration_min: '30',
    kind: 'one_on_one', labels: '', agenda: agendaSent, shared_notes: '', private_notes: '' });
  assert.equal(logged.status, 303);
  assert.match((await mentee.get(logged.headers.location)).body, new RegExp(`Asks: ${C}`));
  assert.equal(srv.sql(`SELECT next_agenda IS NULL FROM mentorships WHERE id = ${msId(ms)}`), '1');
  const after = (await mentee.get(ms)).body;
  assert.match(after, /No agenda yet/);
  assert.doesNotMatch(after, new RegExp(C));
  // A mentorship that has ended has no next session to prepare: 409.
  await mentee.get(ms);
  assert.equal((await mentee.post(`${ms}/end`, { reason: 'We are done early.' })).status, 303);
  await mentee.get(ms);
  assert.equal((await mentee.post(`${ms}/agenda`, { agenda: 'late' })).status, 409);
});

test('feedback still owed: the newest 20 sessions of the last 30 days, newest first, across my mentorships', async () => {
  const a = await newMentorship(srv, { mentorName: 'Fay First', menteeName: 'Olga Owing' });
  // A second mentor for the same mentee.
  const secondEmail = uniqueEmail('second');
  const second = await signup(srv, secondEmail, 'Sam Second');
  await second.get('/profile');
  assert.equal((await second.post('/profile', [['display_name', 'Sam Second'], ['timezone', 'UTC'], ['is_mentor', '1'],
    ['focus_areas', 'Career growth'], ['capacity', '2'], ['formats', 'one_on_one']])).status, 303);
  await a.mentee.get(`/mentors/${userId(srv, secondEmail)}`);
  const r = await a.mentee.post('/requests', { mentor_id: String(userId(srv, secondEmail)), topic: 'Career growth',
    goal: 'Prepare a promotion case with concrete examples of impact.', format: 'one_on_one', cadence: 'weekly',
    duration_min: '30', weeks: '6', message: '' });
  assert.equal(r.status, 303);
  await second.get(r.headers.location);
  const ms2 = (await second.post(`${r.headers.location}/accept`)).headers.location;
  const day = (n) => new Date(Date.now() - n * 86400000).toISOString().slice(0, 10);
  // Both mentorships began long ago, so sessions can be logged in the past.
  srv.sql(`UPDATE mentorships SET started_on = '${day(60)}'`);
  const held = {}, name = {};
  const log = async (who, ms, n, mentor) => {
    await who.get(`${ms}/sessions/new`);
    const p = await who.post(`${ms}/sessions`, { held_on: day(n), duration_min: '30', kind: 'one_on_one', labels: '',
      agenda: '', shared_notes: '', private_notes: '' });
    assert.equal(p.status, 303, p.body.slice(0, 400));
    held[p.headers.location] = n;
    name[p.headers.location] = mentor;
    return p.headers.location;
  };
  // One 31 days ago (too old); 22 from 1 to 22 days ago in the first
  // mentorship; four in the second, two of them on days the first has
  // one too (the later logged is listed first).
  await log(a.mentor, a.ms, 31, 'Fay First');
  delete held[Object.keys(held)[0]];
  for (let n = 22; n >= 1; n--) await log(a.mentor, a.ms, n, 'Fay First');
  for (const n of [2, 6, 6, 25]) await log(second, ms2, n, 'Sam Second');
  // One given feedback: it leaves the list.
  const done = Object.keys(held).find((k) => held[k] === 3);
  await a.mentee.get(done);
  assert.equal((await a.mentee.post(`${done}/feedback`, { rating: '4', use_of_time: 'right', went_well: '', to_improve: '',
    next_steps: '' })).status, 303);
  delete held[done];
  const id = (k) => Number(k.split('/').pop());
  const want = Object.keys(held).sort((x, y) => held[x] - held[y] || id(y) - id(x)).slice(0, 20)
    .map((k) => [k, name[k], day(held[k])]);
  const page = (await a.mentee.get('/')).body;
  const shown = [...page.matchAll(/<a href="(\/sessions\/\d+)">Give feedback on your session with ([^<]+)<\/a> \(held (\d{4}-\d\d-\d\d)\)/g)]
    .map((m) => [m[1], m[2], m[3]]);
  assert.deepEqual(shown, want, 'the newest 20 sessions without my form, newest first, each with its mentor');
  assert.equal(shown[0][2], day(1));
});

test('the dashboard lists what waits on me, and each item goes once it is done', async () => {
  const { mentor, mentee, ms, mentorEmail } = await newMentorship(srv, { mentorName: 'Wes Mentor', menteeName: 'Wanda Mentee' });
  assert.match((await mentee.get('/')).body, /Nothing waits on you right now\./);
  assert.match((await mentor.get('/')).body, /Nothing waits on you right now\./);
  // A session in 3 hours: the mentee writes its agenda, the mentor reads it.
  await plan(mentee, ms, 3);
  let dash = (await mentee.get('/')).body;
  assert.match(dash, new RegExp(`<a href="${ms}#agenda-title">Write the agenda for your session with Wes Mentor</a>`));
  assert.match((await mentor.get('/')).body, /Your session with Wanda Mentee \(no agenda yet\)/);
  await mentee.get(ms);
  assert.equal((await mentee.post(`${ms}/agenda`, { agenda: 'Promotion case' })).status, 303);
  assert.match((await mentor.get('/')).body, new RegExp(`<a href="${ms}#agenda-title">Read the agenda for your session with Wanda Mentee</a>`));
  assert.match((await mentee.get('/')).body, /Check the agenda for your session with Wes Mentor/);
  // A session two days away does not wait on anyone yet.
  await plan(mentee, ms, 48);
  assert.doesNotMatch((await mentee.get('/')).body, /agenda for your session/);
  // A logged session: both owe feedback until each gives it.
  await mentor.get(`${ms}/sessions/new`);
  const s = (await mentor.post(`${ms}/sessions`, { held_on: new Date().toISOString().slice(0, 10), duration_min: '30',
    kind: 'one_on_one', labels: '', agenda: '', shared_notes: '', private_notes: '' })).headers.location;
  assert.match((await mentee.get('/')).body, new RegExp(`<a href="${s}">Give feedback on your session with Wes Mentor</a>`));
  assert.match((await mentor.get('/')).body, /Give feedback on your session with Wanda Mentee/);
  await mentee.get(s);
  assert.equal((await mentee.post(`${s}/feedback`, { rating: '5', use_of_time: 'right', went_well: '', to_improve: '', next_steps: '', shared: '1' })).status, 303);
  assert.doesNotMatch((await mentee.get('/')).body, /Give feedback/);
  assert.match((await mentor.get('/')).body, /Give feedback on your session with Wanda Mentee/);
  // A request to the mentor, 8 days old: overdue; answered, it goes.
  const asker = await signup(srv, uniqueEmail('asker'), 'Oscar Overdue');
  const mp = await asker.get(`/mentors/${userId(srv, mentorEmail)}`);
  const req = await asker.post('/requests', { mentor_id: mp.body.match(/name="mentor_id" value="(\d+)"/)[1], topic: 'Career growth',
    goal: 'Learn to give talks at conferences.', format: 'one_on_one', cadence: 'weekly', duration_min: '30', weeks: '4', message: '' });
  assert.equal(req.status, 303);
  assert.doesNotMatch((await mentor.get('/')).body, /Answer Oscar Overdue/, 'not overdue on day one');
  srv.sql(`UPDATE requests SET created_at = created_at - 8 * 86400 WHERE id = ${req.headers.location.split('/').pop()}`);
  assert.match((await mentor.get('/')).body, new RegExp(`<a href="${req.headers.location}">Answer Oscar Overdue&#39;s request: Career growth</a> \\(overdue: waiting 8 days`));
  await mentor.get(req.headers.location);
  assert.equal((await mentor.post(`${req.headers.location}/decline`, { reason: 'No room this quarter, sorry.' })).status, 303);
  assert.doesNotMatch((await mentor.get('/')).body, /Answer Oscar Overdue/);
  await mentor.get(s);
  assert.equal((await mentor.post(`${s}/feedback`, { rating: '4', use_of_time: 'right', went_well: '', to_improve: '', next_steps: '', shared: '1' })).status, 303);
  assert.match((await mentor.get('/')).body, /Nothing waits on you right now\./);
  // The mentorship completed: a survey to answer, until it is answered.
  await mentee.get(ms);
  assert.equal((await mentee.post(`${ms}/complete`, { outcome: 'goal_met' })).status, 303);
  const line = (await mentor.get('/')).body.match(/<li><a href="(\/surveys\/\d+)">([^<]+)<\/a>: a survey to answer/);
  assert.ok(line, 'the survey waits on the mentor');
  const form = await mentor.get(line[1]);
  const names = [...new Set([...form.body.matchAll(/name="(q\d+)"/g)].map((m) => m[1]))];
  const fields = Object.fromEntries(names.map((q) => [q, form.body.includes(`<textarea id="${q}"`) ? ''
    : form.body.includes(`name="${q}" value="5"`) ? '4' : 'About right']));
  assert.equal((await mentor.post(line[1], fields)).status, 303);
  assert.match((await mentor.get('/')).body, /Nothing waits on you right now\./);
});
