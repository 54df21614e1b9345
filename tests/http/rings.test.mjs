// Mentor rings (issue 18): who sees what on every ring URL (a member, a
// former member, a third member, an admin), seats taken in one
// transaction, what is said in a ring sealed and shown to its people
// only, feedback once and reaching the mentors only as totals of k.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, signup, adminClient, BIN } from '../lib/server.mjs';
import { uniqueEmail, userId } from '../lib/fixtures.mjs';

const FAST = { TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' };
let srv;
after(async () => { if (srv) await srv.stop(); });
const server = async () => (srv ||= await startServer(FAST));

async function person(name) {
  const email = uniqueEmail('ring');
  const c = await signup(srv, email, name);
  c.id = userId(srv, email);
  return c;
}

async function openRing(mentor, fields = {}) {
  await mentor.get('/rings');
  const r = await mentor.post('/rings', { topic: 'Public speaking', description: 'Talks, demos, meetings.',
    seats: '3', cadence: 'biweekly', duration_min: '90', weeks: '12', ...fields });
  assert.equal(r.status, 303, r.body.slice(0, 300));
  return r.headers.location;
}

async function joinRing(c, ring) {
  await c.get(ring);
  return c.post(`${ring}/join`);
}

function atRest(needle) {
  srv.sql('PRAGMA wal_checkpoint(PASSIVE)');
  return readdirSync(srv.data).filter((n) => n.startsWith('tandem.db') || n === 'ring-backup.db')
    .filter((f) => readFileSync(join(srv.data, f)).includes(needle));
}

test('the ring matrix: members and mentors read the notes; a former member, a third member and an admin get 404 or nothing', async () => {
  await server();
  const C = `RING-CANARY-${Date.now()}`;
  const mentor = await person('Rina Mentor');
  const co = await person('Cole Comentor');
  const member = await person('Mae Member');
  const former = await person('Fern Former');
  const third = await person('Theo Third');
  const admin = await adminClient(srv, uniqueEmail('ringadmin'));
  const ring = await openRing(mentor);
  const id = ring.split('/').pop();
  // A co-mentor must accept before they are one.
  await mentor.get(ring);
  assert.equal((await mentor.post(`${ring}/mentors`, { user_id: String(co.id) })).status, 303);
  assert.equal(srv.sql(`SELECT count(*) FROM outbox WHERE event = 36 AND user_id = ${co.id} AND ref = ${id}`), '1');
  // The sender writes it (no SMTP here: an .eml file): the ring's topic and a link to it.
  let invite = '';
  for (let i = 0; i < 100 && !invite; i++) {
    const dir = join(srv.data, 'mail');
    try {
      invite = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8').replace(/=\r?\n/g, ''))
        .find((m) => m.includes('to co-mentor a ring: Public speaking')) || '';
    } catch { /* no mail yet */ }
    if (!invite) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(invite.includes(`/rings/${id}`), 'the co-mentor is told, with a link to the ring');
  await co.get(ring);
  assert.equal((await co.post(`${ring}/sessions`, { held_on: '2026-01-05', duration_min: '90' })).status, 404);
  assert.match(co.last.body, /not yours to see/);
  await co.get(ring);
  assert.equal((await co.post(`${ring}/mentors/accept`)).status, 303);
  await co.get(ring);
  assert.equal((await co.post(`${ring}/mentors/accept`)).status, 409);
  // A stranger cannot answer an invitation that is not theirs, nor ask one.
  await third.get(ring);
  assert.equal((await third.post(`${ring}/mentors/accept`)).status, 404);
  assert.equal((await third.post(`${ring}/mentors`, { user_id: String(third.id) })).status, 404);

  assert.equal((await joinRing(member, ring)).status, 303);
  assert.equal((await joinRing(former, ring)).status, 303);
  assert.equal((await joinRing(member, ring)).status, 409); // once
  await mentor.get(ring);
  const logged = await mentor.post(`${ring}/sessions`, [['held_on', '2026-01-05'], ['duration_min', '90'],
    ['attendees', String(member.id)], ['attendees', String(former.id)],
    ['agenda', `${C}-agenda`], ['shared_notes', `${C}-notes`]]);
  assert.equal(logged.status, 303, logged.body.slice(0, 400));
  const sid = srv.sql(`SELECT max(id) FROM ring_sessions WHERE ring_id = ${id}`);
  // The program's figures count it (issue 19): one ring session of 90
  // minutes in that week, whatever team the mentor is in.
  assert.equal(srv.sql("SELECT sum(s_ring) || '|' || sum(minutes) FROM insight_periods WHERE kind = 'w' AND period = '2026-01-05'"), '1|90');
  // Logged by a mentor only: a member is not one.
  await member.get(ring);
  assert.equal((await member.post(`${ring}/sessions`, { held_on: '2026-01-05', duration_min: '90', agenda: 'x' })).status, 404);
  for (const who of [mentor, co, member, former]) {
    const p = await who.get(ring);
    assert.equal(p.status, 200);
    assert.ok(p.body.includes(`${C}-agenda`) && p.body.includes(`${C}-notes`), 'its people read the notes');
  }
  // The former member leaves and loses access at once.
  await former.get(ring);
  assert.equal((await former.post(`${ring}/leave`)).status, 303);
  for (const who of [former, third, admin]) {
    const p = await who.get(ring);
    assert.equal(p.status, 200, 'the ring itself is listed for everyone, to join it');
    assert.ok(!p.body.includes(C), 'no note for someone outside the ring');
    assert.ok(!p.body.includes('Mae Member'), 'nor who is in it');
    assert.equal((await who.post(`${ring}/sessions/${sid}/feedback`, { rating: '4' })).status, 404);
    assert.equal((await who.post(`${ring}/sessions`, { held_on: '2026-01-05', duration_min: '90' })).status, 404);
    assert.equal((await who.post(`${ring}/close`)).status, 404);
    assert.equal((await who.post(`${ring}/close`, { end: '1' })).status, 404);
    assert.equal((await who.post(`${ring}/mentors`, { user_id: String(third.id) })).status, 404);
    assert.equal((await who.post(`${ring}/mentors/decline`)).status, 404);
    // A form that would fail its checks says nothing more to a stranger.
    assert.equal((await who.post(`${ring}/mentors`, {})).status, 404);
    assert.equal((await who.post(`${ring}/sessions/${sid}/feedback`, { rating: '9' })).status, 404);
    assert.equal((await who.post(`${ring}/leave`)).status, 404);
  }
  // An unknown ring is 404 for everyone.
  for (const who of [member, admin]) assert.equal((await who.get('/rings/999999')).status, 404);
  // A bad rating: the ring again (422), the form with a message and the
  // choice that was valid kept; nothing saved. (The session was held on
  // 2026-01-05: its form shows for 30 days, so the clock goes there.)
  srv.setClock(Math.floor(Date.parse('2026-01-10T12:00:00Z') / 1000) - Math.floor(Date.now() / 1000));
  try {
    // The fresh form chooses no rating for the member (UX review: it sent a 5).
    const fresh = (await member.get(ring)).body;
    assert.match(fresh, new RegExp(`id="rating-${sid}" name="rating" required><option value="">Choose…</option><option value="5">5</option>`));
    const badFb = await member.post(`${ring}/sessions/${sid}/feedback`, { rating: '9', use_of_time: 'too_slow' });
    assert.equal(badFb.status, 422);
    assert.match(badFb.body, new RegExp(`<p class="err" id="feedback-${sid}-err" role="alert">Choose a rating from 1 to 5\\.`));
    assert.match(badFb.body, /<option value="too_slow" selected>Too slow<\/option>/, 'the use of time chosen is kept');
    assert.match(badFb.body, new RegExp(`action="${ring}/sessions/${sid}/feedback"`), 'the ring page with its form, not a bare error');
  } finally {
    srv.setClock(0);
  }
  // Today the session is too old for its form: the message is above the sessions.
  await member.get(ring);
  const oldFb = await member.post(`${ring}/sessions/${sid}/feedback`, { rating: 'great' });
  assert.equal(oldFb.status, 422);
  assert.match(oldFb.body, /<div class="alert" role="alert" id="feedback-err"><p>Choose a rating from 1 to 5\./);
  assert.equal(srv.sql(`SELECT count(*) FROM ring_feedback WHERE session_id = ${sid}`), '0');
  // The member's feedback: once, then 409.
  await member.get(ring);
  assert.equal((await member.post(`${ring}/sessions/${sid}/feedback`, { rating: '5', use_of_time: 'right' })).status, 303);
  assert.equal((await member.post(`${ring}/sessions/${sid}/feedback`, { rating: '4' })).status, 409);
  assert.equal((await member.post(`${ring}/close`)).status, 404);
  // A session of this ring reached through another ring's address: 404.
  const other = await openRing(third, { topic: 'Another ring' });
  await member.get(other);
  assert.equal((await member.post(`${other}/sessions/${sid}/feedback`, { rating: '5' })).status, 404);
  // Open rings list this one, keyset-paged.
  const list = await third.get('/rings');
  assert.equal(list.status, 200);
  assert.ok(list.body.includes(`href="${ring}"`));

  // The canary: sealed in the database, its WAL and a backup; never logged.
  execFileSync(BIN, ['backup', join(srv.data, 'ring-backup.db')], { env: srv.env });
  assert.deepEqual(atRest(C), []);
  assert.ok(!srv.log().includes(C));
  assert.equal(srv.sql(`SELECT typeof(agenda) || typeof(shared_notes) FROM ring_sessions WHERE id = ${sid}`), 'blobblob');
  // Sealed for this ring and row: copied onto another row, it does not open.
  assert.match(srv.sql(`SELECT count(*) FROM ring_sessions WHERE id = ${sid} AND ring_id = ${id}`), /^1$/);
});

test('concurrent joins for the last seat seat exactly one; the others wait in line, and the first in line gets a freed seat', async () => {
  await server();
  const mentor = await person('Seat Mentor');
  const ring = await openRing(mentor, { seats: '2', topic: 'Last seat' });
  const id = ring.split('/').pop();
  const first = await person('First Seat');
  assert.equal((await joinRing(first, ring)).status, 303);
  const rush = [];
  for (let i = 0; i < 6; i++) rush.push(await person(`Rush ${i}`));
  for (const c of rush) await c.get(ring);
  const answers = await Promise.all(rush.map((c) => c.post(`${ring}/join`)));
  assert.deepEqual(answers.map((r) => r.status), Array(6).fill(303));
  assert.equal(srv.sql(`SELECT count(*) FROM ring_members WHERE ring_id = ${id} AND state = 'member'`), '2');
  assert.equal(srv.sql(`SELECT count(*) FROM ring_members WHERE ring_id = ${id} AND state = 'waiting'`), '5');
  assert.equal(srv.sql(`SELECT members FROM rings WHERE id = ${id}`), '2');
  // A full ring is no longer in the list of open rings with seats left.
  const openList = (await first.get('/rings')).body.split('id="open-rings"')[1];
  assert.ok(!openList.includes(`<a href="${ring}">`));
  const seated = srv.sql(`SELECT user_id FROM ring_members WHERE ring_id = ${id} AND state = 'member' AND user_id <> ${first.id}`);
  const nextInLine = srv.sql(`SELECT user_id FROM ring_members WHERE ring_id = ${id} AND state = 'waiting' ORDER BY since, user_id LIMIT 1`);
  const waiter = rush.find((c) => String(c.id) === nextInLine);
  assert.match((await waiter.get(ring)).body, /number 1 on the waiting list/);
  await first.get(ring);
  assert.equal((await first.post(`${ring}/leave`)).status, 303);
  assert.equal(srv.sql(`SELECT state FROM ring_members WHERE ring_id = ${id} AND user_id = ${nextInLine}`), 'member');
  assert.equal(srv.sql(`SELECT count(*) FROM outbox WHERE event = 37 AND ref = ${id}`), '1');
  assert.equal(srv.sql(`SELECT user_id FROM outbox WHERE event = 37 AND ref = ${id}`), nextInLine, 'the one seated is told');
  let seatedMail;
  for (let i = 0; i < 100 && !seatedMail; i++) {
    try {
      seatedMail = readdirSync(join(srv.data, 'mail')).map((f) => readFileSync(join(srv.data, 'mail', f), 'utf8').replace(/=\r?\n/g, ''))
        .find((m) => m.includes('Subject: A seat in the ring is yours: Last seat'));
    } catch { /* no mail yet */ }
    if (!seatedMail) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(seatedMail && seatedMail.includes(ring), 'a mail with the ring\'s link');
  assert.equal(srv.sql(`SELECT members FROM rings WHERE id = ${id}`), '2');
  assert.ok(seated);
});

test('feedback reaches the mentors only as totals of 5 or more, moving in steps of 5; ending invites to the survey', async () => {
  await server();
  const mentor = await person('Kay Mentor');
  const ring = await openRing(mentor, { seats: '8', topic: 'Feedback ring' });
  const id = ring.split('/').pop();
  const people = [];
  for (let i = 0; i < 7; i++) {
    const p = await person(`Member ${i}`);
    assert.equal((await joinRing(p, ring)).status, 303);
    people.push(p);
  }
  await mentor.get(ring);
  const fields = [['held_on', '2026-01-05'], ['duration_min', '90'], ...people.map((p) => ['attendees', String(p.id)])];
  assert.equal((await mentor.post(`${ring}/sessions`, fields)).status, 303);
  const sid = srv.sql(`SELECT max(id) FROM ring_sessions WHERE ring_id = ${id}`);
  for (let i = 0; i < 4; i++) {
    await people[i].get(ring);
    assert.equal((await people[i].post(`${ring}/sessions/${sid}/feedback`, { rating: '4' })).status, 303);
  }
  let page = (await mentor.get(ring)).body;
  assert.ok(!/forms, average rating/.test(page), 'four forms show nothing');
  await people[4].get(ring);
  assert.equal((await people[4].post(`${ring}/sessions/${sid}/feedback`, { rating: '2' })).status, 303);
  page = (await mentor.get(ring)).body;
  assert.match(page, /5 forms, average rating 3\.6 of 5/);
  await people[5].get(ring);
  assert.equal((await people[5].post(`${ring}/sessions/${sid}/feedback`, { rating: '1' })).status, 303);
  page = (await mentor.get(ring)).body;
  assert.match(page, /5 forms, average rating 3\.6 of 5/, 'a sixth form does not move the figure');
  // A member never sees the figures.
  assert.ok(!/forms, average rating/.test((await people[0].get(ring)).body));
  // 422 keeps what was typed.
  const bad = await mentor.post(`${ring}/sessions`, { held_on: new Date(Date.now() + 3 * 86400e3).toISOString().slice(0, 10), duration_min: '90', agenda: 'Typed agenda kept' });
  assert.equal(bad.status, 422);
  assert.match(bad.body, /Typed agenda kept/);
  assert.match(bad.body, /cannot be in the future/, bad.body.split('log-title')[1]);
  // Ending: members and the mentor are invited to their role's survey.
  await mentor.get(ring);
  assert.equal((await mentor.post(`${ring}/close`, { end: '1' })).status, 303);
  assert.equal(srv.sql(`SELECT count(*) FROM survey_invitations WHERE ring_id = ${id} AND role = 'mentee'`), '7');
  assert.equal(srv.sql(`SELECT count(*) FROM survey_invitations WHERE ring_id = ${id} AND role = 'mentor'`), '1');
  assert.match((await people[0].get('/surveys')).body, /Post-program survey for mentees/);
  // Each is told by mail (and reminded a week later), with the survey's link.
  assert.equal(srv.sql(`SELECT count(*) FROM outbox o JOIN survey_invitations i ON i.id = o.ref
    WHERE o.event IN (12, 13) AND i.ring_id = ${id}`), '16');
  let told = [];
  for (let i = 0; i < 100 && told.length < 8; i++) {
    const dir = join(srv.data, 'mail');
    try {
      told = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8').replace(/=\r?\n/g, ''))
        .filter((m) => m.includes('Your mentor ring "Feedback ring" has ended'));
    } catch { /* no mail yet */ }
    if (told.length < 8) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(told.length, 8);
  assert.ok(told.every((m) => /\/surveys\/\d+/.test(m)), 'the link opens the survey');
  // An ended ring takes nobody.
  const late = await person('Late Comer');
  assert.equal((await joinRing(late, ring)).status, 409);
});

test('a ring form with a bad value is 422 with the typed text kept', async () => {
  await server();
  const mentor = await person('Form Mentor');
  await mentor.get('/rings');
  const r = await mentor.post('/rings', { topic: 'Kept topic', description: '', seats: '40', cadence: 'weekly', duration_min: '90', weeks: '12' });
  assert.equal(r.status, 422);
  assert.match(r.body, /value="Kept topic"/);
  assert.match(r.body, /aria-invalid="true" aria-describedby="seats-err"/);
});

test('a member asked to co-mentor keeps their seat and what it shows until they answer', async () => {
  await server();
  const C = `SEAT-CANARY-${Date.now()}`;
  const mentor = await person('Sia Seatmentor');
  const seated = await person('Ola Seated');
  const ring = await openRing(mentor);
  assert.equal((await joinRing(seated, ring)).status, 303);
  await mentor.get(ring);
  const logged = await mentor.post(`${ring}/sessions`, [['held_on', '2026-01-05'], ['duration_min', '90'],
    ['attendees', String(seated.id)], ['agenda', `${C}-agenda`], ['shared_notes', `${C}-notes`]]);
  assert.equal(logged.status, 303);
  assert.ok((await seated.get(ring)).body.includes(`${C}-notes`), 'a member reads the notes');
  // Asked to co-mentor: still a member until they accept, so still reading
  // what members read (the notes, who is in it), with the invitation to answer.
  await mentor.get(ring);
  assert.equal((await mentor.post(`${ring}/mentors`, { user_id: String(seated.id) })).status, 303);
  const page = (await seated.get(ring)).body;
  assert.match(page, /You are asked to co-mentor this ring\./);
  assert.match(page, /You are a member; your seat stays yours until you accept\./);
  assert.ok(page.includes(`${C}-agenda`) && page.includes(`${C}-notes`), 'the seat still shows the notes');
  assert.ok(page.includes('Sia Seatmentor') && /id="ring-sessions"/.test(page));
  // Their feedback, as any attending member's (a bad rating first: the form again).
  const bad = await seated.post(`${ring}/sessions/${srv.sql(`SELECT max(id) FROM ring_sessions`)}/feedback`, { rating: '0' });
  assert.equal(bad.status, 422, 'a seat holder gets the form back, not a 404');
  // Not a mentor yet: logging is still refused.
  await seated.get(ring);
  assert.equal((await seated.post(`${ring}/sessions`, { held_on: '2026-01-06', duration_min: '90' })).status, 404);
  // Declined: still a member, still reading the notes.
  await seated.get(ring);
  assert.equal((await seated.post(`${ring}/mentors/decline`)).status, 303);
  assert.ok((await seated.get(ring)).body.includes(`${C}-notes`));
  // Someone asked who holds no seat sees no notes before accepting.
  const outside = await person('Uma Outside');
  await mentor.get(ring);
  assert.equal((await mentor.post(`${ring}/mentors`, { user_id: String(outside.id) })).status, 303);
  const theirs = (await outside.get(ring)).body;
  assert.match(theirs, /You are asked to co-mentor this ring\./);
  assert.ok(!theirs.includes(C), 'no seat, no notes until they accept');
  await outside.get(ring);
  assert.equal((await outside.post(`${ring}/mentors/accept`)).status, 303);
  assert.ok((await outside.get(ring)).body.includes(`${C}-notes`), 'a mentor once accepted');
});

test('a co-mentor invitation dies with the ring: accepting after the end is refused and shows no note (review I)', async () => {
  await server();
  const C = `ENDED-RING-CANARY-${Date.now()}`;
  const mentor = await person('Rhea Mentor'), member = await person('Max Member'), late = await person('Lee Late');
  const ring = await openRing(mentor, { seats: '4' });
  assert.equal((await joinRing(member, ring)).status, 303);
  await mentor.get(ring);
  const today = new Date(srv.now() * 1000).toISOString().slice(0, 10);
  assert.equal((await mentor.post(`${ring}/sessions`, [['held_on', today], ['duration_min', '60'], ['attendees', String(member.id)],
    ['agenda', `agenda ${C}`], ['shared_notes', `notes ${C}`]])).status, 303);
  // The mentor asks Lee (never a member), then ends the ring.
  await mentor.get(ring);
  assert.equal((await mentor.post(`${ring}/mentors`, { user_id: String(late.id) })).status, 303);
  await mentor.get(ring);
  assert.equal((await mentor.post(`${ring}/close`, { end: '1' })).status, 303);
  const acc = await late.post(`${ring}/mentors/accept`);
  assert.ok(acc.status === 404 || acc.status === 409, `accepting an invitation to an ended ring: ${acc.status}`);
  const page = await late.get(ring);
  assert.doesNotMatch(page.body, new RegExp(C), 'the ended ring\'s notes reached someone invited before its end');
  assert.equal(srv.sql(`SELECT count(*) FROM ring_mentors WHERE ring_id = ${ring.split('/').pop()} AND user_id = ${late.id}`), '0');
  // The ring's own people still read it.
  assert.match((await member.get(ring)).body, new RegExp(C));
});
