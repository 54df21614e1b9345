// Pairing sessions with anyone (issue 17): logged by one, confirmed or
// removed by the other, sealed notes, 404 for everyone else (admins too),
// the week's count against the intention in each person's own time zone,
// and "who could I pair with?".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signup, adminClient } from '../lib/server.mjs';
import { uniqueEmail, userId } from '../lib/fixtures.mjs';

let srv;
before(async () => { srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', TANDEM_IDLE_MINUTES: '600' }); });
after(async () => { await srv.stop(); });

const today = () => new Date(Date.now() + clockOffset * 1000).toISOString().slice(0, 10);
let clockOffset = 0;
const setClock = (s) => { clockOffset = s; srv.setClock(s); };

async function person(name, { tz = 'UTC', goal = '0', focus = '', interests = '' } = {}) {
  const email = uniqueEmail('pair');
  const c = await signup(srv, email, name);
  await c.get('/profile');
  const fields = [['display_name', name], ['timezone', tz], ['interests', interests], ['pairing_goal_per_week', goal]];
  if (focus) fields.push(['is_mentor', '1'], ['focus_areas', focus], ['capacity', '1'], ['formats', 'pairing']);
  const r = await c.post('/profile', fields);
  assert.equal(r.status, 303, r.body.slice(0, 600));
  return { c, id: userId(srv, email), email };
}

async function logPairing(who, partnerId, fields = {}) {
  await who.get('/pairings');
  return who.post('/pairings', { partner_id: String(partnerId), held_on: today(), duration_min: '45',
    topic: 'Flaky integration test', link: 'https://tracker.example.com/T-42', labels: 'debugging', notes: '', ...fields });
}

const pairingId = (srv, a, b) => Number(srv.sql(`SELECT max(id) FROM pairings WHERE author_id = ${a} AND partner_id = ${b}`));

test('a pairing logged by one is seen by both and confirmed by the other; notes are sealed', async () => {
  const a = await person('Sena Senior', { goal: '5' });
  const b = await person('Juno Junior');
  const r = await logPairing(a.c, b.id, { notes: 'Bisected the flake to the clock mock.' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/pairings');
  const id = pairingId(srv, a.id, b.id);
  // Sealed at rest: the words are nowhere in the database file.
  assert.doesNotMatch(srv.sql(`SELECT hex(notes) FROM pairings WHERE id = ${id}`), new RegExp(Buffer.from('Bisected').toString('hex'), 'i'));
  assert.equal(srv.sql(`SELECT typeof(notes) FROM pairings WHERE id = ${id}`), 'blob');
  const mine = await a.c.get('/pairings');
  assert.match(mine.body, /Flaky integration test<\/a> with Juno Junior/);
  assert.match(mine.body, /Waiting for the partner/);
  assert.doesNotMatch(mine.body, new RegExp(`action="/pairings/${id}/confirm"`), 'the author cannot confirm');
  const theirs = await b.c.get('/pairings');
  assert.match(theirs.body, /Flaky integration test<\/a> with Sena Senior/);
  assert.match(theirs.body, new RegExp(`action="/pairings/${id}/confirm"`));
  const detail = await b.c.get(`/pairings/${id}`);
  assert.equal(detail.status, 200);
  assert.match(detail.body, /Bisected the flake to the clock mock\./);
  assert.match(detail.body, /href="https:\/\/tracker\.example\.com\/T-42"/);
  // The author may not confirm their own.
  assert.equal((await a.c.post(`/pairings/${id}/confirm`)).status, 409);
  assert.equal((await b.c.post(`/pairings/${id}/confirm`)).status, 303);
  assert.match((await b.c.get('/pairings')).body, /Confirmed/);
  assert.equal(srv.sql(`SELECT status FROM pairings WHERE id = ${id}`), 'confirmed');
  // Both count it this week.
  assert.match((await a.c.get('/')).body, /This week: 1 of 5 pairings/);
  assert.match((await b.c.get('/')).body, /This week: 1 pairing</);
});

test('the partner removes a pairing that did not happen: it counts for neither', async () => {
  const a = await person('Rémi Senior', { goal: '3' });
  const b = await person('Bea Junior', { goal: '2' });
  // the program's figures (issue 19) count it, and count it out again
  const program = () => srv.sql("SELECT coalesce(sum(s_pairing), 0) FROM insight_periods WHERE kind = 'w'");
  const before = Number(program());
  assert.equal((await logPairing(a.c, b.id)).status, 303);
  assert.equal(Number(program()), before + 1);
  const id = pairingId(srv, a.id, b.id);
  assert.match((await a.c.get('/')).body, /This week: 1 of 3 pairings/);
  assert.match((await b.c.get('/')).body, /This week: 1 of 2 pairings/);
  assert.equal((await b.c.post(`/pairings/${id}/remove`)).status, 303);
  assert.equal(srv.sql(`SELECT status FROM pairings WHERE id = ${id}`), 'removed');
  assert.equal(Number(program()), before);
  assert.match((await a.c.get('/')).body, /This week: 0 of 3 pairings/);
  assert.match((await b.c.get('/')).body, /This week: 0 of 2 pairings/);
  assert.match((await a.c.get('/pairings')).body, /Removed: did not happen/);
  // Removed once: a second removal or a confirmation is refused.
  assert.equal((await b.c.post(`/pairings/${id}/remove`)).status, 409);
  assert.equal((await b.c.post(`/pairings/${id}/confirm`)).status, 409);
  // The kept counters agree with a recount.
  const kept = srv.sql(`SELECT coalesce(sum(n), 0) FROM activity_weeks WHERE kind = 'pairing' AND user_id IN (${a.id}, ${b.id})`);
  const recount = srv.sql(`SELECT 2 * count(*) FROM pairings WHERE status <> 'removed' AND author_id = ${a.id}`);
  assert.equal(kept, recount);
});

test('notes as long as the form allows are kept, in any script (8,000 characters of 9 bytes each once encoded)', async () => {
  const a = await person('Lena Long');
  const b = await person('Kai Kurz');
  const notes = '日'.repeat(8000);
  const r = await logPairing(a.c, b.id, { notes });
  assert.equal(r.status, 303, `answered ${r.status}: ${r.body.slice(0, 200)}`);
  const page = await a.c.get(`/pairings/${pairingId(srv, a.id, b.id)}`);
  assert.equal(page.status, 200);
  assert.ok(page.body.includes(notes), 'the whole note is shown back');
  // One character more: the form says what to fix and keeps the text.
  const over = await logPairing(a.c, b.id, { notes: notes + '日' });
  assert.equal(over.status, 422);
  assert.ok(over.body.includes(notes), 'the text typed is kept');
});

test('a third member and an admin get 404 on every pairing URL', async () => {
  const a = await person('Ona Owner');
  const b = await person('Pat Partner');
  const stranger = await person('Sly Stranger');
  const admin = await adminClient(srv, uniqueEmail('admin'));
  assert.equal((await logPairing(a.c, b.id, { notes: 'private words' })).status, 303);
  const id = pairingId(srv, a.id, b.id);
  for (const who of [stranger.c, admin]) {
    await who.get('/pairings');
    const page = await who.get(`/pairings/${id}`);
    assert.equal(page.status, 404);
    assert.doesNotMatch(page.body, /private words|Flaky/);
    assert.equal((await who.post(`/pairings/${id}/confirm`)).status, 404);
    assert.equal((await who.post(`/pairings/${id}/remove`)).status, 404);
    assert.doesNotMatch((await who.get('/pairings')).body, /Flaky integration test/);
  }
  assert.equal(srv.sql(`SELECT status FROM pairings WHERE id = ${id}`), 'logged');
});

test('bad input: 422 with the form kept; only http(s) links; active members only', async () => {
  const a = await person('Val Validator');
  const b = await person('Kim Kept');
  const bad = [
    [{ link: 'javascript:alert(1)' }, /http:\/\/ or https:\/\//],
    [{ link: 'ftp://example.com/x' }, /http:\/\/ or https:\/\//],
    [{ duration_min: '500' }, /Length/],
    [{ held_on: new Date(Date.now() + 2 * 86400000).toISOString().slice(0, 10) }, /date is in the future/],
    [{ topic: '' }, /Topic/],
  ];
  for (const [fields, why] of bad) {
    const r = await logPairing(a.c, b.id, { notes: 'keep me', ...fields });
    assert.equal(r.status, 422, JSON.stringify(fields));
    assert.match(r.body, why);
    assert.match(r.body, />keep me<\/textarea>/, 'what was typed is kept');
  }
  assert.equal((await logPairing(a.c, a.id)).status, 422);
  assert.equal((await logPairing(a.c, 99999999)).status, 422);
  assert.equal(srv.sql(`SELECT count(*) FROM pairings WHERE author_id = ${a.id}`), '0');
});

test('who could I pair with: interests matching my focus areas, not paired in the last 4 weeks, by overlap', async () => {
  const topicA = `Tracing${Date.now() % 100000}`, topicB = `Kernels${Date.now() % 100000}`;
  const senior = await person('Sam Suggest', { focus: `${topicA}, ${topicB}` });
  const both = await person('Bo Both', { interests: `${topicA}, ${topicB}` });
  const one = await person('Oli One', { interests: topicA });
  const paired = await person('Pia Paired', { interests: `${topicA}, ${topicB}` });
  await person('Nia None', { interests: 'Gardening' });
  assert.equal((await logPairing(senior.c, paired.id)).status, 303);
  const page = await senior.c.get('/pairings');
  const list = page.body.match(/<ul class="list" id="suggestions">([\s\S]*?)<\/ul>/)[1];
  assert.match(list, /Bo Both[\s\S]*Oli One/, 'two topics in common before one');
  assert.match(list, /2 topics in common/);
  assert.doesNotMatch(list, /Pia Paired/, 'paired this week');
  assert.doesNotMatch(list, /Nia None/);
  assert.match(list, new RegExp(`href="/pairings\\?with=${both.id}"`));
  // The link fills in the partner.
  assert.match((await senior.c.get(`/pairings?with=${one.id}`)).body, new RegExp(`<option value="${one.id}" selected>Oli One`));
});

test('the week against the intention turns over on Monday in each person\'s own time zone', async () => {
  // Sunday 23:30 UTC: still Sunday in London/UTC, already Monday 00:30 in Paris.
  const now = new Date();
  const sunday = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + ((7 - now.getUTCDay()) % 7 || 7), 23, 30));
  setClock(Math.round((sunday.getTime() - Date.now()) / 1000));
  try {
    const utc = await person('Una Utc', { tz: 'UTC', goal: '5' });
    const paris = await person('Paul Paris', { tz: 'Europe/Paris', goal: '5' });
    const sundayDay = sunday.toISOString().slice(0, 10);
    assert.equal((await logPairing(utc.c, paris.id, { held_on: sundayDay })).status, 303);
    const monday = new Date(sunday.getTime() - 6 * 86400000).toISOString().slice(0, 10);
    // UTC: still the week of that Sunday.
    let home = await utc.c.get('/');
    assert.match(home.body, /This week: 1 of 5 pairings/);
    assert.match(home.body, /<svg class="chart" role="img"[^>]*><title id="pairing-chart-title">Pairings in each of the last 12 weeks/);
    // Paris: a new week has begun; the Sunday counts in last week's row.
    home = await paris.c.get('/');
    assert.match(home.body, /This week: 0 of 5 pairings/);
    assert.match(home.body, new RegExp(`<tr><td>${monday}</td><td>1</td></tr>`));
    // An hour later it is Monday in UTC too.
    setClock(clockOffset + 3600);
    home = await utc.c.get('/');
    assert.match(home.body, /This week: 0 of 5 pairings/);
    assert.match(home.body, new RegExp(`<tr><td>${monday}</td><td>1</td></tr>`));
  } finally {
    setClock(0);
  }
});
