// A session is logged on the day where its author lives (UX review): the
// form offers that day, and a session held this morning in Tokyo, which
// is still yesterday in UTC, is not "in the future". Pairings did this
// already; the 1:1 and ring forms took the UTC day.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../lib/server.mjs';
import { newMentorship } from '../lib/fixtures.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

test('a mentee in Asia/Tokyo logs a session held today, their date, at 05:00 local (20:00 UTC the day before)', async () => {
  const now = Math.floor(Date.now() / 1000);
  const target = Math.floor(now / 86400) * 86400 + 20 * 3600;
  srv.setClock(target - now);
  try {
    const { mentee, ms } = await newMentorship(srv);
    await mentee.get('/profile');
    assert.equal((await mentee.post('/profile', { display_name: 'Tom Mentee', timezone: 'Asia/Tokyo' })).status, 303);
    const tokyo = new Date((target + 9 * 3600) * 1000).toISOString().slice(0, 10);
    const form = await mentee.get(`${ms}/sessions/new`);
    assert.equal(form.body.match(/id="held_on"[^>]*value="([^"]*)"/)[1], tokyo, 'the form offers the day in Tokyo');
    const r = await mentee.post(`${ms}/sessions`, { held_on: tokyo, duration_min: '30', kind: 'one_on_one', labels: '',
      agenda: 'a', shared_notes: '', private_notes: '' });
    assert.equal(r.status, 303, (r.body.match(/class="err"[^>]*>([^<]*)/) || [])[1]);
    // The day after, in Tokyo, is still the future.
    const next = new Date((target + 33 * 3600) * 1000).toISOString().slice(0, 10);
    await mentee.get(`${ms}/sessions/new`);
    const late = await mentee.post(`${ms}/sessions`, { held_on: next, duration_min: '30', kind: 'one_on_one', labels: '',
      agenda: 'b', shared_notes: '', private_notes: '' });
    assert.equal(late.status, 422);
    assert.match(late.body, new RegExp(`The date cannot be in the future \\(today is ${tokyo}\\)`));
  } finally {
    srv.setClock(0);
  }
});
