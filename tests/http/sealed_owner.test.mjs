// The attack of someone who can write the database but holds no key (a
// tampered backup restored, a copy edited and put back): leave every
// ciphertext where it is and change who a row belongs to. A session
// pointed at another mentorship, a mentorship pointed at another person,
// a request or a pairing pointed at another person: each text is sealed
// with its owner in the associated data (store/sealed.h), so for the new
// "owner" it opens for nobody (an error page, never the text), and put
// back it reads as before. Written as the attack first: against the build
// before owners were sealed in, the outsider read every canary.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signup } from '../lib/server.mjs';
import { newMentorship } from '../lib/fixtures.mjs';

const C = 'OWNER-CANARY-3e81';
let srv;
before(async () => { srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' }); });
after(async () => { await srv.stop(); });

const today = () => new Date().toISOString().slice(0, 10);
const idOf = (url) => url.split('/').pop();
const userId = (email) => srv.sql(`SELECT id FROM users WHERE email = '${email}'`);

/** Change the database behind the server's back, read `url` as `who`,
 * and undo the change. The page must not hold the canary. */
async function tampered(change, undo, who, url) {
  srv.sql(change);
  const r = await who.get(url);
  srv.sql(undo);
  assert.ok(!r.body.includes(C), `${url} after "${change}" showed the canary (status ${r.status})`);
  return r;
}

test('a session pointed at another mentorship, or a mentorship at another person, opens for nobody', async () => {
  // serve ran the owner conversion at start (nothing to convert here) and emptied its table.
  assert.equal(srv.sql('SELECT count(*) FROM seal_owner_pending'), '0');
  const a = await newMentorship(srv);
  const b = await newMentorship(srv, { mentorName: 'Bea Other', menteeName: 'Eve Outsider' });
  await a.mentee.get(`${a.ms}/sessions/new`);
  const logged = await a.mentee.post(`${a.ms}/sessions`, { held_on: today(), duration_min: '30', kind: 'one_on_one',
    labels: 'career', agenda: `Asks: ${C}-agenda`, shared_notes: `${C}-shared`, private_notes: `${C}-private` });
  assert.equal(logged.status, 303);
  const s = logged.headers.location;
  assert.equal((await a.mentee.post(`${s}/feedback`, { rating: '5', use_of_time: 'right', went_well: `${C}-feedback`,
    to_improve: '', next_steps: '', shared: '1' })).status, 303);
  assert.equal((await a.mentee.post(`${s}/actions`, { owner: 'mentee', body: `${C}-action` })).status, 303);
  assert.equal((await a.mentor.post(`${a.ms}/plan/1`, { done: '1', note: `${C}-plan` })).status, 303);
  for (const part of ['agenda', 'shared', 'feedback', 'action']) {
    assert.ok((await a.mentor.get(s)).body.includes(`${C}-${part}`), `the mentor reads the ${part}`);
  }
  const msA = idOf(a.ms), msB = idOf(b.ms), sid = idOf(s);
  const eve = userId(b.menteeEmail), mentee = userId(a.menteeEmail);

  // The session moved into the outsiders' mentorship: its page is theirs now.
  const moved = await tampered(`UPDATE meetings SET mentorship_id = ${msB} WHERE id = ${sid}`,
    `UPDATE meetings SET mentorship_id = ${msA} WHERE id = ${sid}`, b.mentee, s);
  assert.equal(moved.status, 500);
  assert.match(moved.body, /could not be opened/);
  // The whole mentorship pointed at the outsider instead of its mentee:
  // the session, its feedback and action items, the plan's note.
  const swap = `UPDATE mentorships SET mentee_id = ${eve} WHERE id = ${msA}`;
  const back = `UPDATE mentorships SET mentee_id = ${mentee} WHERE id = ${msA}`;
  assert.equal((await tampered(swap, back, b.mentee, s)).status, 500);
  assert.equal((await tampered(swap, back, b.mentee, a.ms)).status, 500);
  // The private note too, moved with its author's place in the pair.
  assert.equal((await tampered(`UPDATE private_notes SET author_id = ${eve} WHERE meeting_id = ${sid}; ${swap}`,
    `UPDATE private_notes SET author_id = ${mentee} WHERE meeting_id = ${sid}; ${back}`, b.mentee, s)).status, 500);

  // Put back, everything reads as it did: nothing was lost.
  const page = await a.mentee.get(s);
  assert.equal(page.status, 200);
  for (const part of ['agenda', 'shared', 'private', 'feedback', 'action']) {
    assert.ok(page.body.includes(`${C}-${part}`), `the mentee reads the ${part} again`);
  }
  assert.ok((await a.mentee.get(a.ms)).body.includes(`${C}-plan`));
  assert.match(srv.log(), /sealed value/);
  assert.ok(!srv.log().includes(C));
});

test('a request or a pairing pointed at another person opens for nobody', async () => {
  const a = await newMentorship(srv, { mentorName: 'Ria Mentor', menteeName: 'Sol Mentee' });
  const eveEmail = `eve-${Date.now()}@example.com`;
  const eveC = await signup(srv, eveEmail, 'Eve Reader');
  const eve = userId(eveEmail), mentor = userId(a.mentorEmail), mentee = userId(a.menteeEmail);
  // A second request, still pending, with a message (the pair's first is accepted).
  const other = await signup(srv, `second-${Date.now()}@example.com`, 'Second Mentee');
  await other.get(`/mentors/${mentor}`);
  const req = await other.post('/requests', { mentor_id: mentor, topic: 'Career growth',
    goal: 'A goal of twenty characters or more.', format: 'one_on_one', cadence: 'weekly', duration_min: '30',
    weeks: '6', message: `${C}-message` });
  assert.equal(req.status, 303);
  const rid = idOf(req.headers.location);
  const second = srv.sql(`SELECT mentee_id FROM requests WHERE id = ${rid}`);
  assert.ok((await a.mentor.get(req.headers.location)).body.includes(`${C}-message`));
  const r = await tampered(`UPDATE requests SET mentee_id = ${eve} WHERE id = ${rid}`,
    `UPDATE requests SET mentee_id = ${second} WHERE id = ${rid}`, eveC, req.headers.location);
  assert.equal(r.status, 500);
  assert.ok((await other.get(req.headers.location)).body.includes(`${C}-message`), 'put back, it reads again');

  // A pairing the mentor logged with the mentee, moved to the outsider.
  await a.mentor.get('/pairings');
  const p = await a.mentor.post('/pairings', { partner_id: String(mentee), held_on: today(), duration_min: '45',
    topic: 'Pairing on a flaky test', link: '', labels: '', notes: `${C}-pairing` });
  assert.equal(p.status, 303);
  const pid = srv.sql(`SELECT max(id) FROM pairings WHERE author_id = ${mentor}`);
  assert.ok((await a.mentee.get(`/pairings/${pid}`)).body.includes(`${C}-pairing`));
  const moved = await tampered(`UPDATE pairings SET partner_id = ${eve} WHERE id = ${pid}`,
    `UPDATE pairings SET partner_id = ${mentee} WHERE id = ${pid}`, eveC, `/pairings/${pid}`);
  assert.notEqual(moved.status, 200);
  assert.ok((await a.mentee.get(`/pairings/${pid}`)).body.includes(`${C}-pairing`), 'put back, it reads again');
  assert.ok(!srv.log().includes(C));
});

// Review F: a flag the author sets with the text, flipped behind their
// back: feedback kept to oneself marked shared, a private thank-you note
// marked public. Each flag is sealed with its text, so the flipped text
// opens for nobody; flipped back, it reads as before.
test('feedback kept to oneself, flipped to shared, opens for nobody', async () => {
  const p = await newMentorship(srv, { mentorName: 'Cy Flag', menteeName: 'Di Flag' });
  await p.mentee.get(`${p.ms}/sessions/new`);
  const s = (await p.mentee.post(`${p.ms}/sessions`, { held_on: today(), duration_min: '30', kind: 'one_on_one',
    labels: '', agenda: 'a', shared_notes: '', private_notes: '' })).headers.location;
  await p.mentee.get(s);
  assert.equal((await p.mentee.post(`${s}/feedback`, { rating: '2', use_of_time: 'right', went_well: `${C}-own`,
    to_improve: '', next_steps: '' })).status, 303); // not shared
  assert.ok(!(await p.mentor.get(s)).body.includes(`${C}-own`), 'the mentor does not see it');
  const r = await tampered(`UPDATE feedback SET shared = 1 WHERE meeting_id = ${idOf(s)}`,
    `UPDATE feedback SET shared = 0 WHERE meeting_id = ${idOf(s)}`, p.mentor, s);
  assert.equal(r.status, 500);
  assert.ok((await p.mentee.get(s)).body.includes(`${C}-own`), 'flipped back, its author reads it');
});

test('a private thank-you note, flipped to public, is on nobody\'s page', async () => {
  const p = await newMentorship(srv, { topic: 'gdb', mentorName: 'Ana Flag', menteeName: 'Ben Flag' });
  const outsider = await signup(srv, `outsider-${Date.now()}@example.com`, 'Out Sider');
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/complete`, { outcome: 'goal_met', thanks: `${C}-thanks` })).status, 303);
  assert.ok((await p.mentor.get(p.ms)).body.includes(`${C}-thanks`), 'the mentor reads it');
  const flip = `UPDATE celebrations SET mentor_ok = 1, mentee_ok = 1, shown_at = unixepoch(), thanks_public = 1, ` +
    `thanks_mentor_ok = 1 WHERE mentorship_id = ${idOf(p.ms)}; ` +
    "UPDATE kept_counts SET n = n + 1 WHERE name = 'celebrations_version'";
  const back = `UPDATE celebrations SET mentor_ok = 0, mentee_ok = 0, shown_at = NULL, thanks_public = 0, ` +
    `thanks_mentor_ok = 0 WHERE mentorship_id = ${idOf(p.ms)}; ` +
    "UPDATE kept_counts SET n = n + 1 WHERE name = 'celebrations_version'";
  await tampered(flip, back, outsider, '/program');
  await tampered(flip, back, outsider, '/program/celebrations');
  assert.ok((await p.mentor.get(p.ms)).body.includes(`${C}-thanks`), 'flipped back, the mentor reads it again');
});
