// UX review: a session planned (both got a calendar invitation,
// METHOD:REQUEST) stays in both calendars when the mentorship is completed
// or ended early: no "Session cancelled" mail (METHOD:CANCEL) is sent,
// unlike clearing the date by hand. Now it is, to both, seen failing before.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from '../lib/server.mjs';
import { newMentorship } from '../lib/fixtures.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
function subjects(addr) {
  const dir = join(srv.data, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8'))
    .filter((t) => t.includes(`<${addr}>`)).map((t) => (t.match(/^Subject: (.*)$/m) || [])[1]);
}
async function waitSubject(addr, re, ms = 8000) {
  for (let i = 0; i < ms / 200; i++) { if (subjects(addr).some((s) => re.test(s))) return true; await sleep(200); }
  return false;
}

for (const how of ['complete', 'end']) {
  test(`${how}: the planned session is cancelled in both calendars`, async () => {
    const { mentor, mentee, menteeEmail, ms } = await newMentorship(srv);
    const at = new Date((srv.now() + 3 * 86400) * 1000).toISOString().slice(0, 11) + '10:00';
    await mentor.get(ms);
    assert.equal((await mentor.post(`${ms}/next`, { next_at: at })).status, 303);
    assert.ok(await waitSubject(menteeEmail, /^Session planned with Mira Mentor/), 'the invitation went out');
    await mentee.get(ms);
    const r = how === 'complete'
      ? await mentee.post(`${ms}/complete`, { outcome: 'goal_met', thanks: '' })
      : await mentee.post(`${ms}/end`, { reason: 'We both changed teams.' });
    assert.equal(r.status, 303);
    assert.ok(await waitSubject(menteeEmail, /^Session cancelled with Mira Mentor/),
      `no cancellation after ${how}; mail to the mentee: ${JSON.stringify(subjects(menteeEmail))}`);
    const cancel = readdirSync(join(srv.data, 'mail')).map((f) => readFileSync(join(srv.data, 'mail', f), 'utf8'))
      .find((t) => t.includes(`<${menteeEmail}>`) && /^Subject: Session cancelled/m.test(t));
    assert.match(cancel, /METHOD:CANCEL/, 'the calendar is told to remove it');
    assert.equal(srv.sql(`SELECT next_session_at IS NULL FROM mentorships WHERE id = ${ms.split('/').pop()}`), '1');
  });
}
