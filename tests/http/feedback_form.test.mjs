// The feedback form chooses nothing for the person (UX review): no rating
// is checked (sent as it came, it counted a 4 nobody gave) and the texts
// are not shared until the person ticks the box.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { newMentorship } from '../lib/fixtures.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

test('a fresh feedback form has no rating and shares nothing; sent without a rating it comes back with what was typed', async () => {
  const { mentor, mentee, ms } = await newMentorship(srv);
  const day = new Date(srv.now() * 1000).toISOString().slice(0, 10);
  await mentor.get(`${ms}/sessions/new`);
  const s = (await mentor.post(`${ms}/sessions`, { held_on: day, duration_min: '30', kind: 'one_on_one', labels: '',
    agenda: '', shared_notes: '', private_notes: '' })).headers.location;
  const page = (await mentee.get(s)).body;
  assert.doesNotMatch(page, /name="rating" value="\d"[^>]*checked/, 'no rating chosen for the person');
  assert.doesNotMatch(page, /id="shared" name="shared" type="checkbox" value="1" checked/, 'nothing shared by default');
  const r = await mentee.post(`${s}/feedback`, { use_of_time: 'right', went_well: 'Kept whole', to_improve: '', next_steps: '' });
  assert.equal(r.status, 422);
  assert.match(r.body, /Usefulness/);
  assert.match(r.body, />Kept whole</, 'what was typed is kept');
  assert.equal(srv.sql(`SELECT count(*) FROM feedback WHERE meeting_id = ${s.split('/').pop()}`), '0');
  // Sent with a rating and without the box: given, and not shared.
  assert.equal((await mentee.post(`${s}/feedback`, { rating: '3', use_of_time: 'right', went_well: 'Kept whole', to_improve: '',
    next_steps: '' })).status, 303);
  assert.equal(srv.sql(`SELECT shared FROM feedback WHERE meeting_id = ${s.split('/').pop()}`), '0');
  assert.doesNotMatch((await mentor.get(s)).body, /From your mentee: 3 of 5/);
});
