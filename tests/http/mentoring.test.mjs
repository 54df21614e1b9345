// Profiles, the directory, requests and mentorships.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signup, login, adminClient } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' }); });
after(async () => { await srv.stop(); });

const uid = (email) => srv.sql(`SELECT id FROM users WHERE email = '${email}'`);

async function becomeMentor(c, { focus = 'Rust, Public speaking', capacity = '2', formats = ['one_on_one', 'pairing'], team = 'Platform', title = 'Staff engineer', bio = 'I like helping.' } = {}) {
  await c.get('/profile');
  const name = c.last.body.match(/id="display_name"[^>]*value="([^"]*)"/)[1];
  const r = await c.post('/profile', [
    ['display_name', name], ['team', team], ['job_title', title], ['timezone', 'Europe/Berlin'], ['bio', bio],
    ['interests', ''], ['is_mentor', '1'], ['focus_areas', focus], ['capacity', capacity],
    ...formats.map((f) => ['formats', f]),
  ]);
  assert.equal(r.status, 303, r.body.slice(0, 2000));
}

async function ask(c, mentorId, fields = {}) {
  const page = await c.get(`/mentors/${mentorId}`);
  // The id the form itself carries, as a browser would send it.
  const hidden = page.body.match(/name="mentor_id" value="([^"]*)"/);
  return c.post('/requests', {
    mentor_id: hidden ? hidden[1] : mentorId, topic: 'Rust', goal: 'Write a small CLI in Rust with tests and error handling.',
    format: 'one_on_one', cadence: 'weekly', duration_min: '45', weeks: '6', message: 'Hello!', ...fields,
  });
}

test('profile: validation keeps what was typed; topics are shared and case-insensitive', async () => {
  const c = await signup(srv, 'maria@example.com', 'María García');
  const page = await c.get('/profile');
  assert.equal(page.status, 200);
  assert.match(page.body, /<option selected>UTC<\/option>/);
  assert.match(page.body, /<option>Europe\/Berlin<\/option>/);
  const bad = await c.post('/profile', [['display_name', 'María García'], ['team', 'Data'], ['job_title', ''], ['timezone', 'Mars/Olympus'],
    ['bio', 'x'.repeat(2001)], ['interests', 'SQL'], ['is_mentor', '1'], ['focus_areas', ''], ['capacity', '21']]);
  assert.equal(bad.status, 422);
  for (const m of [/time zone from the list/, /at most 2000 characters/, /at least one focus area/, /from 0 to 20/, /at least one format/]) assert.match(bad.body, m);
  assert.match(bad.body, /value="Data"/);
  assert.match(bad.body, /<input id="is_mentor" name="is_mentor" type="checkbox" value="1" checked>/);
  await becomeMentor(c, { focus: 'rust, SQL' });
  const d = await signup(srv, 'dev@example.com', 'Dev');
  await becomeMentor(d, { focus: 'RUST' });
  assert.equal(srv.sql("SELECT count(*) FROM topics WHERE key = 'rust'"), '1', 'one shared topic');
  const again = await c.get('/profile');
  assert.match(again.body, /value="rust, SQL"/);
  assert.match(again.body, /<option value="SQL">/, 'the datalist suggests existing topics');
  assert.equal((await c.post('/profile', { display_name: 'x', timezone: 'UTC', formats: 'telepathy' })).status, 400);
});

test('directory: by topic, format and words; room left first; 2 of 3 places free', async () => {
  const a = await signup(srv, 'ana@example.com', 'Ana Directory');
  await becomeMentor(a, { focus: 'Kotlin, Gardening', capacity: '3', formats: ['pairing'] });
  // A mentor of other topics, who must not be listed for Kotlin.
  const other = await signup(srv, 'olga@example.com', 'Olga Othertopic');
  await becomeMentor(other, { focus: 'rust, SQL' });
  const b = await signup(srv, 'ben@example.com', 'Ben Seeker');
  const byTopic = await b.get('/mentors?topic=KOTLIN');
  assert.equal(byTopic.status, 200);
  assert.match(byTopic.body, /Ana Directory/);
  assert.match(byTopic.body, /3 of 3 places free/);
  assert.doesNotMatch(byTopic.body, /Olga Othertopic/);
  const pairing = await b.get('/mentors?format=pairing&topic=kotlin');
  assert.match(pairing.body, /Ana Directory/);
  // The filter keeps the chosen format, and only that one, selected.
  assert.match(pairing.body, /<option value="pairing" selected>Pairing<\/option>/);
  assert.equal((pairing.body.match(/ selected>/g) || []).length, 1);
  assert.doesNotMatch(byTopic.body, / selected>/);
  const peer = await b.get('/mentors?format=peer&topic=kotlin');
  assert.doesNotMatch(peer.body, /Ana Directory/);
  assert.match(peer.body, /<option value="peer" selected>/);
  // A card changes as soon as its mentor's profile does, whichever worker
  // answers (each keeps rendered cards).
  for (let i = 0; i < 4; i++) await b.get('/mentors?topic=kotlin');
  await becomeMentor(a, { focus: 'Kotlin, Gardening', capacity: '5', formats: ['pairing'], title: 'Principal gardener' });
  for (let i = 0; i < 4; i++) {
    const again = await b.get('/mentors?topic=kotlin');
    assert.match(again.body, /5 of 5 places free/);
    assert.match(again.body, /Principal gardener/);
    assert.doesNotMatch(again.body, /3 of 3 places free/);
  }
  assert.match((await b.get('/mentors?q=gardening+ana')).body, /Ana Directory/);
  assert.doesNotMatch((await b.get('/mentors?q=gardening+zebra')).body, /Ana Directory/);
  assert.match((await b.get('/mentors?topic=nonexistent')).body, /No mentor matches/);
  assert.equal((await b.get('/mentors?evil=1')).status, 400);
  const topics = await b.get('/topics');
  assert.match(topics.body, /Kotlin/);
});

test('directory order: room first, then overlap with my interests, then name; 20 a page', async () => {
  // Zig mentors: two share the viewer's interests (Elm, Haskell), twenty do
  // not, and the best match has no place left.
  const zoe = await signup(srv, 'zoe.rank@example.com', 'Zoe Overlap');
  await becomeMentor(zoe, { focus: 'Zig, Elm, Haskell', capacity: '2' });
  const yan = await signup(srv, 'yan.rank@example.com', 'Yan Overlap');
  await becomeMentor(yan, { focus: 'Zig, Elm', capacity: '2' });
  const aaron = await signup(srv, 'aaron.rank@example.com', 'Aaron Full');
  await becomeMentor(aaron, { focus: 'Zig, Elm, Haskell', capacity: '0' });
  for (let i = 1; i <= 20; i++) {
    const n = String(i).padStart(2, '0');
    const m = await signup(srv, `zig${n}.rank@example.com`, `Mentor ${n}`);
    await becomeMentor(m, { focus: 'Zig', capacity: '1' });
  }
  const viewer = await signup(srv, 'viewer.rank@example.com', 'Vera Viewer');
  await viewer.get('/profile');
  assert.equal((await viewer.post('/profile', [
    ['display_name', 'Vera Viewer'], ['team', ''], ['job_title', ''], ['timezone', 'UTC'], ['bio', ''],
    ['interests', 'Elm, Haskell'], ['focus_areas', ''], ['capacity', '0'],
  ])).status, 303);
  const names = (body) => [...body.matchAll(/<h2><a href="\/mentors\/\d+">([^<]+)<\/a><\/h2>/g)].map((m) => m[1]);
  const mentorsPage = (n) => Array.from({ length: n }, (_, i) => `Mentor ${String(i + 1).padStart(2, '0')}`);
  const p1 = await viewer.get('/mentors?topic=zig');
  assert.deepEqual(names(p1.body), ['Zoe Overlap', 'Yan Overlap', ...mentorsPage(18)]);
  const next = (body) => body.match(/href="([^"]*)" rel="next">Next page<\/a>/)[1].replace(/&amp;/g, '&');
  assert.match(next(p1.body), /^\/mentors\?topic=zig&after=/, 'the next page keeps the topic and starts after the last row');
  const p2 = await viewer.get(next(p1.body));
  assert.deepEqual(names(p2.body), ['Mentor 19', 'Mentor 20', 'Aaron Full']);
  assert.doesNotMatch(p2.body, /Next page/);
  assert.match(p2.body, /Previous page/);
  assert.match(p2.body, /No places free/);
  // Without interests there is no overlap to rank by: room first, then name.
  const plain = await signup(srv, 'plain.rank@example.com', 'Pat Plain');
  const q1 = await plain.get('/mentors?topic=zig');
  assert.deepEqual(names(q1.body), [...mentorsPage(20)]);
  const q2 = await plain.get(next(q1.body));
  assert.deepEqual(names(q2.body), ['Yan Overlap', 'Zoe Overlap', 'Aaron Full']);
});

test('requests: goal rules, no duplicates, no self, at most 3 pending', async () => {
  const mentors = [];
  for (const n of [1, 2, 3, 4]) {
    const m = await signup(srv, `m${n}@example.com`, `Mentor ${n}`);
    await becomeMentor(m);
    mentors.push(uid(`m${n}@example.com`));
  }
  const e = await signup(srv, 'eve@example.com', 'Eve Mentee');
  const short = await ask(e, mentors[0], { goal: 'Learn Rust' });
  assert.equal(short.status, 422);
  assert.match(short.body, /at least 20 characters/);
  assert.match(short.body, /State the problem clearly/);
  assert.match(short.body, />Learn Rust<\/textarea>/, 'the goal is kept');
  assert.match(short.body, />Hello!<\/textarea>/, 'the message is kept');
  const ok = await ask(e, mentors[0]);
  assert.equal(ok.status, 303);
  assert.match(ok.headers.location, /^\/requests\/\d+$/);
  const dup = await ask(e, mentors[0]);
  assert.equal(dup.status, 422);
  assert.match(dup.body, /already have a request waiting/);
  assert.equal((await ask(e, mentors[1])).status, 303);
  assert.equal((await ask(e, mentors[2])).status, 303);
  const fourth = await ask(e, mentors[3]);
  assert.equal(fourth.status, 422);
  assert.match(fourth.body, /3 requests waiting/);
  assert.equal(srv.sql(`SELECT count(*) FROM requests WHERE mentee_id = ${uid('eve@example.com')}`), '3');
  const self = await signup(srv, 'selfie@example.com', 'Selfie');
  await becomeMentor(self);
  const selfR = await ask(self, uid('selfie@example.com'));
  assert.equal(selfR.status, 422);
  assert.match(selfR.body, /yourself/);
  const notMentor = await ask(e, uid('eve@example.com'));
  assert.equal(notMentor.status, 404);
});

test('accepting starts a mentorship with a plan and closes the other requests on that topic', async () => {
  const e = await signup(srv, 'finn@example.com', 'Finn');
  const m1 = await signup(srv, 'acc1@example.com', 'Accepting Mentor');
  const m2 = await signup(srv, 'acc2@example.com', 'Other Mentor');
  await becomeMentor(m1);
  await becomeMentor(m2);
  const r1 = (await ask(e, uid('acc1@example.com'), { weeks: '8' })).headers.location;
  const r2 = (await ask(e, uid('acc2@example.com'))).headers.location;
  const dash = await m1.get('/');
  assert.match(dash.body, /Finn: rust/i);
  await m1.get(r1);
  const acc = await m1.post(`${r1}/accept`);
  assert.equal(acc.status, 303);
  const ms = acc.headers.location;
  assert.match(ms, /^\/mentorships\/\d+$/);
  const page = await m1.get(ms);
  assert.match(page.body, /Week 1:<\/strong> Introductions/);
  assert.match(page.body, /Week 8:<\/strong> Review and post-mortem/);
  assert.equal((page.body.match(/<strong>Week \d+:/g) || []).length, 8);
  // Both dashboards list it, with each person's role and the plan's progress.
  assert.match((await m1.get('/')).body, new RegExp(`href="${ms}">Rust</a> with Finn <span class="muted">\\(mentor, 0 of 8 weeks done\\)`, 'i'));
  assert.match((await e.get('/')).body, new RegExp(`href="${ms}">Rust</a> with Accepting Mentor <span class="muted">\\(mentee, 0 of 8 weeks done\\)`, 'i'));
  const other = await m2.get(r2);
  assert.match(other.body, /matched elsewhere/i);
  assert.match(other.body, /found a mentor for this topic elsewhere/);
  assert.equal((await e.get(ms)).status, 200, 'the mentee sees it too');
  // plan: tick week 1 with a note
  const tick = await e.post(`${ms}/plan/1`, { done: '1', note: 'Met for coffee' });
  assert.equal(tick.status, 303);
  assert.match((await e.get(ms)).body, /1 of 8 weeks done/);
  // The dashboards and the lists of mentorships count it too (a count kept
  // on the mentorship, sql/0041), and untick it.
  assert.match((await m1.get('/')).body, /\(mentor, 1 of 8 weeks done\)/);
  assert.match((await e.get('/mentorships')).body, /<td>1 of 8 weeks<\/td>/);
  assert.equal((await e.post(`${ms}/plan/1`, { note: 'Met for coffee' })).status, 303);
  assert.match((await e.get('/')).body, /\(mentee, 0 of 8 weeks done\)/);
  assert.equal((await e.post(`${ms}/plan/1`, { done: '1', note: 'Met for coffee' })).status, 303);
  assert.equal((await e.post(`${ms}/plan/99`, { done: '1' })).status, 404);
  // decline and withdraw
  const g = await signup(srv, 'gail@example.com', 'Gail');
  const rd = (await ask(g, uid('acc2@example.com'))).headers.location;
  await m2.get(rd);
  assert.equal((await m2.post(`${rd}/decline`, { reason: '' })).status, 303);
  // No reason given: the mentor is not told the mentee sees one.
  const after = (await m2.get('/requests')).body;
  assert.match(after, /Declined\. The mentee can ask someone else\./);
  assert.doesNotMatch(after, /sees your reason/);
  const seen = await g.get(rd);
  assert.match(seen.body, /Declined/);
  assert.match(seen.body, /Thank you for asking/);
  // Her dashboard offers the topic's other mentors.
  assert.match((await g.get('/')).body, /Declined<\/span> <a href="\/mentors\?topic=rust">Ask someone else<\/a>/);
  const rw = (await ask(g, uid('acc2@example.com'))).headers.location;
  await g.get(rw);
  assert.equal((await g.post(`${rw}/withdraw`)).status, 303);
  assert.equal((await g.post(`${rw}/withdraw`)).status, 409);
  // complete, once
  await e.get(ms);
  assert.equal((await e.post(`${ms}/complete`, { outcome: 'goal_met' })).status, 303);
  assert.match((await e.get(ms)).body, /Goal met/);
  assert.equal((await e.post(`${ms}/complete`, { outcome: 'goal_met' })).status, 409);
});

test('capacity holds when accepts race for the last place', async () => {
  const m = await signup(srv, 'busy@example.com', 'Busy Mentor');
  await becomeMentor(m, { capacity: '1' });
  const mid = uid('busy@example.com');
  const reqs = [];
  for (let i = 0; i < 6; i++) {
    const e = await signup(srv, `racer${i}@example.com`, `Racer ${i}`);
    reqs.push((await ask(e, mid, { topic: 'Public speaking' })).headers.location);
  }
  await m.get('/requests');
  const results = await Promise.all(reqs.map((r) => m.post(`${r}/accept`)));
  const codes = results.map((r) => r.status).sort();
  assert.deepEqual(codes, [303, 409, 409, 409, 409, 409]);
  assert.equal(srv.sql(`SELECT count(*) FROM mentorships WHERE mentor_id = ${mid} AND status = 'active'`), '1');
  assert.match(results.find((r) => r.status === 409).body, /no places free/);
  const full = await (await signup(srv, 'late@example.com', 'Late')).get(`/mentors/${mid}`);
  assert.match(full.body, /No places free right now/);
  assert.doesNotMatch(full.body, /action="\/requests"/);
});

test('requests become overdue after 7 days and expire after 14; the mentee can ask again', async () => {
  const m = await signup(srv, 'slow@example.com', 'Slow Mentor');
  await becomeMentor(m);
  const e = await signup(srv, 'patient@example.com', 'Patient');
  const r = (await ask(e, uid('slow@example.com'))).headers.location;
  srv.setClock(8 * 86400); // sessions time out too: sign in again at each step
  let mc = await login(srv, 'slow@example.com');
  const dash = await mc.get('/');
  assert.match(dash.body, /Patient: rust<\/a> <span class="muted">waiting 8 days<\/span> <span class="badge bad">Overdue/i);
  srv.setClock(15 * 86400);
  mc = await login(srv, 'slow@example.com');
  assert.doesNotMatch((await mc.get('/')).body, /Patient: rust/i);
  const ec = await login(srv, 'patient@example.com');
  const seen = await ec.get(r);
  assert.match(seen.body, /Expired after 14 days/);
  assert.match(seen.body, /Ask someone else/);
  await mc.get(r);
  assert.equal((await mc.post(`${r}/accept`)).status, 409, 'an expired request cannot be accepted');
  assert.equal((await ask(ec, uid('slow@example.com'))).status, 303, 'and the mentee may ask again');
  srv.setClock(0);
});

test('a third member and an admin get 404 for every request and mentorship URL of a pair', async () => {
  const m = await signup(srv, 'pairm@example.com', 'Pair Mentor');
  await becomeMentor(m);
  const m2 = await signup(srv, 'pairm2@example.com', 'Second Mentor');
  await becomeMentor(m2);
  const e = await signup(srv, 'paire@example.com', 'Pair Mentee');
  const first = await ask(e, uid('pairm2@example.com'), { topic: 'Public speaking' });
  assert.equal(first.status, 303, first.body.match(/<p class="err"[^<]*<\/p>/)?.[0]);
  const pending = first.headers.location;
  const accepted = (await ask(e, uid('pairm@example.com'))).headers.location;
  assert.ok(accepted);
  await m.get(accepted);
  const ms = (await m.post(`${accepted}/accept`)).headers.location;
  const third = await signup(srv, 'nosy@example.com', 'Nosy');
  const admin = await adminClient(srv, 'curious-admin@example.com');
  const urls = [
    ['GET', pending], ['GET', accepted], ['GET', ms],
    ['POST', `${pending}/accept`], ['POST', `${pending}/decline`], ['POST', `${pending}/withdraw`],
    ['POST', `${ms}/complete`], ['POST', `${ms}/end`], ['POST', `${ms}/plan/1`],
  ];
  const bodies = { [`${ms}/complete`]: { outcome: 'goal_met' }, [`${ms}/end`]: { reason: 'nosy' }, [`${ms}/plan/1`]: { done: '1' }, [`${pending}/decline`]: { reason: 'no' } };
  for (const who of [third, admin]) {
    for (const [method, url] of urls) {
      const r = method === 'GET' ? await who.get(url) : await who.post(url, bodies[url] || {});
      assert.equal(r.status, 404, `${method} ${url}`);
      assert.doesNotMatch(r.body, /Pair Mentee|Write a small CLI/);
    }
  }
  assert.equal(srv.sql(`SELECT status FROM requests WHERE id = ${pending.split('/').pop()}`), 'pending');
  assert.equal(srv.sql(`SELECT status FROM mentorships WHERE id = ${ms.split('/').pop()}`), 'active');
  assert.equal((await admin.get('/admin')).status, 200);
  assert.match(admin.last.body, /active mentorships/);
  assert.match(admin.last.body, /&lt; 5<\/span><span class="lbl">open requests: fewer than 5 have no count or median wait/);
  assert.match(admin.last.body, /survey response rate/);
  assert.doesNotMatch(admin.last.body, /Write a small CLI/, 'admins see counts, never a goal');
});
