// A review's findings on this stop's features, each a test that failed
// before its fix: a mentor's consent is to the note they read (sql/0032),
// a ring session cannot be dated decades back, and someone in a ring's
// line who is asked to co-mentor keeps their place in sight.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signup, adminClient } from '../lib/server.mjs';
import { newMentorship, uniqueEmail } from '../lib/fixtures.mjs';

const FAST = { TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' };
let srv;
before(async () => { srv = await startServer(FAST); });
after(async () => { if (srv) await srv.stop(); });

// The mentor's consent is "for the note as written" (sql/0028), but the
// consent form carries nothing of the text the mentor read: a note the
// mentee changes between the mentor's read and the mentor's click is
// published on /program, a text the mentor never saw.
test('the mentor agrees to the note they read, not to one changed after they read it', async () => {
  const p = await newMentorship(srv, { topic: 'eBPF', mentorName: 'Ana Toctou', menteeName: 'Ben Toctou' });
  const other = await signup(srv, uniqueEmail('third'), 'Third Toctou');
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/complete`, { outcome: 'goal_met', celebrate: '1',
    thanks: 'Thank you for the eBPF sessions.', thanks_public: '1' })).status, 303);
  await p.mentor.get(p.ms);
  assert.equal((await p.mentor.post(`${p.ms}/celebrate`, { celebrate: '1' })).status, 303);
  // The mentor opens the page and reads the first text...
  const read = (await p.mentor.get(p.ms)).body;
  assert.match(read, /Thank you for the eBPF sessions\./);
  assert.doesNotMatch(read, /SECOND-TEXT/);
  // ...the mentee rewrites it meanwhile...
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/thanks`, { thanks: 'SECOND-TEXT the mentor never read', thanks_public: '1' })).status, 303);
  // ...and the mentor clicks "Agree" on the page as they read it (the
  // form as that page had it: only show=1 and the CSRF token).
  const rev = read.match(/name="rev" value="(\d+)"/)[1];
  const agreed = await p.mentor.post(`${p.ms}/thanks/show`, { show: '1', rev });
  assert.equal(agreed.status, 409);
  assert.match(agreed.body, /changed after you opened the page/);
  const program = (await other.get('/program')).body;
  assert.ok(!program.includes('SECOND-TEXT'),
    `a text the mentor never read is on /program (the agree answered ${agreed.status})`);
});

// 484507d refuses a pairing dated more than a year back ("1970 for 2026
// ... would stretch every insights history back to it"), but a ring
// session feeds the same figures (insight_session 'ring') and any member
// may open a ring and log one: the 1970 week is still one POST away.
test('a ring session dated decades back is refused like a pairing, with what was typed kept', async () => {
  const email = uniqueEmail('ringold');
  const mentor = await signup(srv, email, 'Rob Oldring');
  await mentor.get('/rings');
  const made = await mentor.post('/rings', { topic: 'Old rings', description: 'Back-dating.',
    seats: '3', cadence: 'biweekly', duration_min: '60', weeks: '12' });
  assert.equal(made.status, 303);
  const ring = made.headers.location;
  await mentor.get(ring);
  const r = await mentor.post(ring + '/sessions', { held_on: '1970-01-05', duration_min: '60', agenda: 'OLD-AGENDA-KEPT' });
  const rows = srv.sql("SELECT count(*) FROM insight_periods WHERE period < '2000'");
  assert.equal(r.status, 422, `a ring session held in 1970 was taken (${r.status}); insight_periods rows before 2000: ${rows}`);
  assert.match(r.body, /OLD-AGENDA-KEPT/);
  assert.equal(rows, '0');
});

// The fix for the invited co-mentor (role_seat) keeps a SEAT holder's view,
// but someone on the waiting list who is asked to co-mentor still loses
// theirs: the page no longer says they are in line, nor offers to leave
// the line, though the place is still held (and a seat may come to them).
test('someone in line who is asked to co-mentor still sees their place and can leave the line', async () => {
  const people = [];
  for (const name of ['Rae Ringmentor', 'Ada Seatone', 'Bea Seattwo', 'Cal Inline']) {
    const email = uniqueEmail('ringline');
    const c = await signup(srv, email, name);
    c.id = srv.sql(`SELECT id FROM users WHERE email = '${email}'`);
    people.push(c);
  }
  const [mentor, a, b, inLine] = people;
  await mentor.get('/rings');
  const made = await mentor.post('/rings', { topic: 'Line keeping', description: 'Who waits.',
    seats: '2', cadence: 'biweekly', duration_min: '60', weeks: '12' });
  assert.equal(made.status, 303);
  const ring = made.headers.location;
  for (const c of [a, b, inLine]) {
    await c.get(ring);
    assert.equal((await c.post(`${ring}/join`)).status, 303);
  }
  assert.match((await inLine.get(ring)).body, /You are number 1 on the waiting list/);
  await mentor.get(ring);
  assert.equal((await mentor.post(`${ring}/mentors`, { user_id: String(inLine.id) })).status, 303);
  const page = (await inLine.get(ring)).body;
  assert.match(page, /asked to co-mentor/);
  assert.match(page, /number 1 on the waiting list/, 'the place in line is no longer shown once asked to co-mentor');
  assert.match(page, /Leave the waiting list/, 'no way to leave the line from the ring page');
  // Their list of rings names it once.
  const mine = (await inLine.get('/rings')).body;
  assert.equal(mine.split(`href="${ring}"`).length - 1, 1, 'the ring is listed once in my rings');
});
