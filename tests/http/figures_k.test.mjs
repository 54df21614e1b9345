// Figures about people that admins and mentors see never isolate fewer
// than k of them, also from two views at different times (holes found by
// an adversarial review, each test seen failing before its fix).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signup, adminClient, login } from '../lib/server.mjs';
import { uniqueEmail, userId, newMentorship } from '../lib/fixtures.mjs';

const FAST = { TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', TANDEM_IDLE_MINUTES: '600' };
const K = 5;
let srv, admin, adminEmail;
after(async () => { if (srv) await srv.stop(); });
async function server() {
  if (!srv) {
    srv = await startServer(FAST);
    adminEmail = uniqueEmail('figuresadmin');
    admin = await adminClient(srv, adminEmail);
  }
  return srv;
}

async function person(name, prefix = 'rev') {
  const email = uniqueEmail(prefix);
  const c = await signup(srv, email, name);
  c.id = Number(userId(srv, email));
  c.email = email;
  c.name = name;
  return c;
}

test('/admin/coffee: the share that met never tells an admin that fewer than k matches met (one "we met" moves it)', async () => {
  await server();
  // No scheduled round races the admin's (as tests/http/coffee.test.mjs does).
  srv.sql("INSERT INTO coffee_rounds(ran_at, on_demand, people, matches) VALUES (strftime('%s', 'now') + 31536000, 0, 0, 0)");
  const people = [];
  for (let i = 0; i < 2 * K; i++) {
    const c = await person(`Coffee Person ${i}`, 'coffee');
    await c.get('/coffee');
    assert.equal((await c.post('/coffee', { opt_in: '1', every: '2w', across_teams: '1' })).status, 303);
    people.push(c);
  }
  await admin.get('/admin/coffee');
  assert.equal((await admin.post('/admin/coffee')).status, 303);
  assert.match((await admin.get('/admin/coffee')).body, new RegExp(`Round run: ${2 * K} people due, ${K} matches\\.`));
  const share = async () => (await admin.get('/admin/coffee')).body.match(/id="met-share">([^<]*)</)[1];
  const before = await share();
  // One pair (two people) says they met.
  const a = people[0];
  const match = srv.sql(`SELECT match_id FROM coffee_match_people WHERE user_id = ${a.id}`);
  await a.get('/coffee');
  assert.equal((await a.post(`/coffee/matches/${match}/met`)).status, 303);
  const afterOne = await share();
  // The admin must not be able to read "exactly one match met" (20 % of 5),
  // nor tell from two views that one pair just met: a count of 1..k-1 matches.
  const implied = (s) => (/^(at least )?\d+ %$/.test(s) ? Math.round((parseInt(s.replace('at least ', ''), 10) / 100) * K) : null);
  const met = implied(afterOne);
  assert.ok(met === null || met === 0 || met >= K,
    `the admin page says ${afterOne} of ${K} matches met: exactly ${met} match(es), fewer than k`);
  assert.ok(before === afterOne || afterOne === 'hidden',
    `one pair's "we met" moved the admin's figure from ${before} to ${afterOne}`);
});

test('/admin/rotations/{id}: the attendance figure never moves by 1..k-1 people when one help session is logged', async () => {
  await server();
  // Two leads (a lead leads at most one session a week).
  const leads = [];
  for (const name of ['Lee Lead', 'Lou Lead']) {
    const email = uniqueEmail('revlead');
    await signup(srv, email, name);
    leads.push({ email, id: Number(userId(srv, email)) });
  }
  // Monday and Tuesday of one week: two help sessions.
  await admin.get('/admin/rotations');
  const r = await admin.post('/admin/rotations', [['name', 'Review rotation'], ['label', ''], ['weekdays', '1'], ['weekdays', '2'],
    ['start_time', '16:00'], ['timezone', 'UTC'], ['duration_min', '45'], ['leads', String(leads[0].id)], ['leads', String(leads[1].id)], ['weeks', '1']]);
  assert.equal(r.status, 303, r.body.slice(0, 600));
  const rid = Number(r.headers.location.split('/').pop());
  const [monday, tuesday] = srv.sql(`SELECT id FROM help_sessions WHERE rotation_id = ${rid} ORDER BY starts_at`).split('\n').map(Number);
  assert.ok(monday && tuesday, 'two help sessions planned');
  const many = [];
  for (let i = 0; i < K; i++) many.push(await person(`Help Joiner ${i}`, 'help'));
  const one = await person('Lone Joiner', 'help');
  for (const c of many) { await c.get('/help-sessions'); assert.equal((await c.post(`/help-sessions/${monday}/join`)).status, 303); }
  await one.get('/help-sessions');
  assert.equal((await one.post(`/help-sessions/${tuesday}/join`)).status, 303);
  const at = Number(srv.sql(`SELECT starts_at FROM help_sessions WHERE id = ${tuesday}`));
  srv.setClock(at + 3600 - Math.floor(Date.now() / 1000));
  try {
    const leadOf = async (sid) => login(srv, leads.find((x) => x.id === Number(srv.sql(`SELECT lead_id FROM help_sessions WHERE id = ${sid}`))).email);
    let l = await leadOf(monday);
    // Signed in again while the clock stands days ahead: the master's
    // minutely housekeeping may expire every session idle for longer than
    // TANDEM_IDLE_MINUTES (the shared admin's too, as it should), and a
    // session begun now stays valid once the clock is back.
    admin = await login(srv, adminEmail);
    const attendance = async () => (await admin.get(`/admin/rotations/${rid}`)).body.match(/Attendance \(all held sessions\): ([^<]*)</)[1].trim();
    await l.get('/help-sessions');
    assert.equal((await l.post(`/help-sessions/${monday}/log`, [...many.map((c) => ['attendees', String(c.id)]), ['labels', '']])).status, 303);
    const before = await attendance();
    assert.equal(before, `at least ${K}`, 'k people came on Monday: shown, counted in groups of k');
    // The plan on the same page says which session was just held.
    l = await leadOf(tuesday);
    await l.get('/help-sessions');
    assert.equal((await l.post(`/help-sessions/${tuesday}/log`, [['attendees', String(one.id)], ['labels', '']])).status, 303);
    const afterOne = await attendance();
    const num = (x) => (/\d+/.test(x) ? Number(x.match(/\d+/)[0]) : null);
    const moved = num(afterOne) === null ? null : num(afterOne) - num(before);
    assert.ok(moved === null || moved === 0 || moved >= K,
      `the admin saw attendance go from ${before} to ${afterOne}: Tuesday's session (marked held on the same page) had ${moved} attendee(s)`);
  } finally {
    srv.setClock(0);
  }
});

test('/admin: the average session rating is never shown from fewer than k people (one mentee\'s five private ratings)', async () => {
  await server();
  assert.match((await admin.get('/admin')).body, /session ratings show from 5 forms/, 'no rating given yet on this server');
  const p = await newMentorship(srv, { mentorName: 'Max Mentor', menteeName: 'Pia Private' });
  const today = new Date(srv.now() * 1000).toISOString().slice(0, 10);
  for (let i = 0; i < K; i++) {
    await p.mentor.get(`${p.ms}/sessions/new`);
    const s = (await p.mentor.post(`${p.ms}/sessions`, { held_on: today, duration_min: '30', kind: 'one_on_one', labels: '',
      agenda: '', shared_notes: '', private_notes: '' })).headers.location;
    assert.match(s, /^\/sessions\/\d+$/);
    await p.mentee.get(s);
    // Not shared with the pair: the mentor never sees this rating.
    assert.equal((await p.mentee.post(`${s}/feedback`, { rating: '2', use_of_time: 'right',
      went_well: '', to_improve: '', next_steps: '' })).status, 303);
    assert.doesNotMatch((await p.mentor.get(s)).body, /From your mentee: 2 of 5/, 'the mentor does not see it');
  }
  const page = (await admin.get('/admin')).body;
  // Five forms, all from one person: the admin reads Pia's own rating.
  assert.doesNotMatch(page, /2\.0 \/ 5/, 'the admin overview shows the average of one person\'s private ratings');
  assert.match(page, /session ratings show from 5 forms/);
});

test('a ring member who rated a session and then co-mentors the ring never sees a figure that is the other k-1 forms plus their own', async () => {
  await server();
  const mentor = await person('Rhea Ringlead', 'ring');
  await mentor.get('/rings');
  const r = await mentor.post('/rings', { topic: 'Negotiation', description: 'Practice.', seats: '10', cadence: 'biweekly',
    duration_min: '60', weeks: '6' });
  assert.equal(r.status, 303);
  const ring = r.headers.location;
  const members = [];
  for (let i = 0; i < K; i++) {
    const c = await person(`Ring Member ${i}`, 'ring');
    await c.get(ring);
    assert.equal((await c.post(`${ring}/join`)).status, 303);
    members.push(c);
  }
  const today = new Date(srv.now() * 1000).toISOString().slice(0, 10);
  await mentor.get(ring);
  assert.equal((await mentor.post(`${ring}/sessions`, [['held_on', today], ['duration_min', '60'],
    ...members.map((c) => ['attendees', String(c.id)]), ['agenda', ''], ['shared_notes', '']])).status, 303);
  const sid = srv.sql(`SELECT max(id) FROM ring_sessions WHERE ring_id = ${ring.split('/').pop()}`);
  // Four members rate 1; the fifth (soon a co-mentor) rates 5.
  const [spy, ...others] = members;
  for (const c of others) {
    await c.get(ring);
    assert.equal((await c.post(`${ring}/sessions/${sid}/feedback`, { rating: '1', use_of_time: 'right' })).status, 303);
  }
  await spy.get(ring);
  assert.equal((await spy.post(`${ring}/sessions/${sid}/feedback`, { rating: '5', use_of_time: 'right' })).status, 303);
  // The mentors now see the figure of k forms (the ring's rule).
  assert.match((await mentor.get(ring)).body, /Feedback: 5 forms, average rating 1\.8 of 5/);
  // The fifth member is asked to co-mentor and accepts.
  await mentor.get(ring);
  assert.equal((await mentor.post(`${ring}/mentors`, { user_id: String(spy.id) })).status, 303);
  await spy.get(ring);
  assert.equal((await spy.post(`${ring}/mentors/accept`)).status, 303);
  const page = (await spy.get(ring)).body;
  // 1.8 over 5 forms, minus their own 5: the other four gave 4 in all,
  // so each of the four gave 1. A figure of k-1 people, each one known.
  assert.doesNotMatch(page, /Feedback: 5 forms, average rating 1\.8 of 5/,
    'the new co-mentor subtracts their own form and reads the other four members\' ratings');
});

test('raising TANDEM_SURVEY_K between runs never lets ring mentors read one member\'s rating', async () => {
  let s2 = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', TANDEM_IDLE_MINUTES: '600' });
  try {
    const person = async (name) => {
      const email = uniqueEmail('ringk');
      const c = await signup(s2, email, name);
      return { c, email, id: Number(userId(s2, email)) };
    };
    const lead = await person('Kai Lead');
    await lead.c.get('/rings');
    const r = await lead.c.post('/rings', { topic: 'Public speaking', description: 'Practice.', seats: '10', cadence: 'biweekly',
      duration_min: '60', weeks: '6' });
    assert.equal(r.status, 303, r.body.slice(0, 300));
    const ring = r.headers.location;
    const members = [];
    for (let i = 0; i < 6; i++) {
      const m = await person(`K Member ${i}`);
      await m.c.get(ring);
      assert.equal((await m.c.post(`${ring}/join`)).status, 303);
      members.push(m);
    }
    const today = new Date(s2.now() * 1000).toISOString().slice(0, 10);
    await lead.c.get(ring);
    assert.equal((await lead.c.post(`${ring}/sessions`, [['held_on', today], ['duration_min', '60'],
      ...members.map((m) => ['attendees', String(m.id)]), ['agenda', ''], ['shared_notes', '']])).status, 303);
    const sid = s2.sql(`SELECT max(id) FROM ring_sessions WHERE ring_id = ${ring.split('/').pop()}`);
    for (const m of members.slice(0, 5)) {
      await m.c.get(ring);
      assert.equal((await m.c.post(`${ring}/sessions/${sid}/feedback`, { rating: '1', use_of_time: 'right' })).status, 303);
    }
    assert.match((await lead.c.get(ring)).body, /Feedback: 5 forms, average rating 1\.0 of 5/);
    // The operator raises k to 6 and restarts on the same data.
    const data = s2.data;
    await s2.stop({ keep: true });
    s2 = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', TANDEM_IDLE_MINUTES: '600', TANDEM_SURVEY_K: '6' }, data);
    const last = await login(s2, members[5].email);
    await last.get(ring);
    assert.equal((await last.post(`${ring}/sessions/${sid}/feedback`, { rating: '5', use_of_time: 'right' })).status, 303);
    const leadAgain = await login(s2, lead.email);
    const page = (await leadAgain.get(ring)).body;
    // 6 x 1.7 - 5 x 1.0 = 5: the sixth member's rating.
    assert.doesNotMatch(page, /Feedback: 6 forms, average rating 1\.7 of 5/,
      'one form after the last step is shown as a step of its own');
  } finally {
    await s2.stop();
  }
});

/** Make signed-in c a mentor with room for ten mentees. */
async function becomeMentor(c, name) {
  await c.get('/profile');
  assert.equal((await c.post('/profile', [['display_name', name], ['timezone', 'UTC'], ['is_mentor', '1'],
    ['focus_areas', 'Career growth'], ['capacity', '10'], ['formats', 'one_on_one']])).status, 303);
}

/** A new member named name asks mentor (by id) on s; returns [client, request path]. */
async function askMentor(s, mentorId, name) {
  const c = await signup(s, uniqueEmail('asker'), name);
  const page = await c.get(`/mentors/${mentorId}`);
  const r = await c.post('/requests', { mentor_id: page.body.match(/name="mentor_id" value="(\d+)"/)[1], topic: 'Career growth',
    goal: 'Prepare a promotion case with concrete examples.', format: 'one_on_one', cadence: 'weekly', duration_min: '30',
    weeks: '6', message: '' });
  assert.equal(r.status, 303);
  return [c, r.headers.location];
}

test('/admin: forms an admin could know (their own, and those shared with them) are left out of the average rating', async () => {
  // Review H: an admin who mentors k-1 people who share their forms with
  // them read the one private form of a step (k x average - what they saw).
  const own = await startServer(FAST);
  try {
    const boss = await adminClient(own, uniqueEmail('ratingadmin'));
    const day = new Date(own.now() * 1000).toISOString().slice(0, 10);
    const logSession = async (mentor, ms) => {
      await mentor.get(`${ms}/sessions/new`);
      const s = (await mentor.post(`${ms}/sessions`, { held_on: day, duration_min: '30', kind: 'one_on_one', labels: '',
        agenda: '', shared_notes: '', private_notes: '' })).headers.location;
      assert.match(s, /^\/sessions\/\d+$/);
      return s;
    };
    const rate = async (c, s, rating, shared) => {
      await c.get(s);
      const form = { rating: String(rating), use_of_time: 'right', went_well: '', to_improve: '', next_steps: '' };
      if (shared) form.shared = '1';
      assert.equal((await c.post(`${s}/feedback`, form)).status, 303);
    };
    await becomeMentor(boss, 'Ada Admin');
    const bossId = own.sql("SELECT id FROM users WHERE role = 'admin' LIMIT 1").trim();
    // k-1 mentees of the admin rate 5 and share it with their mentor, who
    // reads it on the session page; the admin rates one of those sessions.
    let known = 0;
    for (let i = 0; i < K - 1; i++) {
      const [c, req] = await askMentor(own, bossId, `Admin Mentee ${i}`);
      await boss.get(req);
      const ms = (await boss.post(`${req}/accept`)).headers.location;
      const s = await logSession(boss, ms);
      await rate(c, s, 5, true);
      assert.match((await boss.get(s)).body, /From your mentee: 5 of 5/, 'a shared form is shown to the mentor');
      known += 5;
      if (i === 0) await rate(boss, s, 4, false);
    }
    // Tess rates 1 and shares it with nobody.
    const tess = await newMentorship(own, { mentorName: 'Omar Other', menteeName: 'Tess Target' });
    await rate(tess.mentee, await logSession(tess.mentor, tess.ms), 1, false);
    // Five people gave forms, but four of them are known to the admin: no step.
    assert.match((await boss.get('/admin')).body, /session ratings show from 5 forms/,
      `the step would be ${known} known + Tess's 1: the admin reads her rating`);
    // Four more people rate 3, privately: a step of the five the admin cannot know.
    for (let i = 0; i < K - 1; i++) {
      const p = await newMentorship(own, { mentorName: `Other Mentor ${i}`, menteeName: `Other Mentee ${i}` });
      await rate(p.mentee, await logSession(p.mentor, p.ms), 3, false);
    }
    const page = (await boss.get('/admin')).body;
    assert.match(page, /2\.6 \/ 5<\/span><span class="lbl">average session rating over 5 forms/,
      'the average is (1 + 4 x 3) / 5, over the forms no admin could know');
  } finally {
    await own.stop();
  }
});

test('/admin: fewer than k open requests show no count and no median wait (one request\'s answer time, review H)', async () => {
  const own = await startServer(FAST);
  try {
    const boss = await adminClient(own, uniqueEmail('openadmin'));
    const mentorEmail = uniqueEmail('openmentor');
    const omar = await signup(own, mentorEmail, 'Omar Slowreply');
    await becomeMentor(omar, 'Omar Slowreply');
    const ask = async (name) => (await askMentor(own, userId(own, mentorEmail), name))[1];
    const first = await ask('Tess Asker');
    // Five hours later the admin looks (the count is kept a minute per worker).
    own.setClock(5 * 3600 + 120);
    const one = (await boss.get('/admin')).body;
    assert.match(one, /&lt; 5<\/span><span class="lbl">open requests: fewer than 5 have no count or median wait/);
    assert.doesNotMatch(one, /waiting [^<]*\(median\)/, 'one request\'s wait is never shown');
    await omar.get(first);
    assert.match((await omar.post(`${first}/accept`)).headers.location, /^\/mentorships\/\d+$/);
    own.setClock(5 * 3600 + 300);
    assert.match((await boss.get('/admin')).body, /&lt; 5<\/span><span class="lbl">open requests: fewer/,
      'the answer moves nothing the admin sees');
    // From k open requests on, the count and the median wait are shown.
    for (let i = 0; i < K; i++) await ask(`Asker ${i}`);
    own.setClock(6 * 3600 + 400);
    assert.match((await boss.get('/admin')).body, />5<\/span><span class="lbl">open requests, waiting [^<]+ \(median\)/);
  } finally {
    own.setClock(0);
    await own.stop();
  }
});

test('a member made admin: their own forms and those shared with them leave the rating, and the figure waits for a new step (review K)', async () => {
  const own = await startServer(FAST);
  try {
    const boss = await adminClient(own, uniqueEmail('promoadmin'));
    const day = new Date(own.now() * 1000).toISOString().slice(0, 10);
    const rate = async (c, s, rating, shared) => {
      await c.get(s);
      const form = { rating: String(rating), use_of_time: 'right', went_well: '', to_improve: '', next_steps: '' };
      if (shared) form.shared = '1';
      assert.equal((await c.post(`${s}/feedback`, form)).status, 303);
    };
    const session = async (mentor, ms) => {
      await mentor.get(`${ms}/sessions/new`);
      return (await mentor.post(`${ms}/sessions`, { held_on: day, duration_min: '30', kind: 'one_on_one', labels: '',
        agenda: '', shared_notes: '', private_notes: '' })).headers.location;
    };
    // Mo, a member, mentors k-1 people who share a 5 with him.
    const moEmail = uniqueEmail('mo');
    const mo = await signup(own, moEmail, 'Mo Mentor');
    await becomeMentor(mo, 'Mo Mentor');
    for (let i = 0; i < K - 1; i++) {
      const [c, req] = await askMentor(own, userId(own, moEmail), `Mo Mentee ${i}`);
      await mo.get(req);
      const ms = (await mo.post(`${req}/accept`)).headers.location;
      await rate(c, await session(mo, ms), 5, true);
    }
    // Tess rates 1, privately: five people, a step the admins see.
    const tess = await newMentorship(own, { mentorName: 'Omar Other', menteeName: 'Tess Target' });
    await rate(tess.mentee, await session(tess.mentor, tess.ms), 1, false);
    assert.match((await boss.get('/admin')).body, /4\.2 \/ 5<\/span><span class="lbl">average session rating over 5 forms/);
    // Mo is made admin: the step he could undo (5 x 4.2 - 20 = 1) is no longer shown.
    await boss.get('/admin/users');
    assert.equal((await boss.post(`/admin/users/${userId(own, moEmail)}/role`, { role: 'admin' })).status, 303);
    assert.match((await boss.get('/admin')).body, /session ratings show from 5 forms/, 'hidden until a new step');
    // Five more people rate 3: the step holds Tess's 1 and their five, not Mo's four.
    for (let i = 0; i < K; i++) {
      const p = await newMentorship(own, { mentorName: `Later Mentor ${i}`, menteeName: `Later Mentee ${i}` });
      await rate(p.mentee, await session(p.mentor, p.ms), 3, false);
    }
    assert.match((await boss.get('/admin')).body, /2\.7 \/ 5<\/span><span class="lbl">average session rating over 6 forms/,
      '(1 + 5 x 3) / 6: nothing Mo was shown is in it');
  } finally {
    await own.stop();
  }
});
