// Helpers for tests that create everything they need, so any one test
// passes run alone (tests/lib/each-alone.mjs runs each one that way).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signup } from './server.mjs';

let n = 0;
/** An address no other test uses: `prefix-<n><random>@example.com`. */
export function uniqueEmail(prefix = 'user') {
  n++;
  return `${prefix}-${n}${randomBytes(3).toString('hex')}@example.com`;
}

/** A string safe to put inside a RegExp, matching itself. */
export const reEscape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export const userId = (srv, email) => srv.sql(`SELECT id FROM users WHERE email = '${email}'`);

/** A mentor (one_on_one, `topic`) and a mentee of their own, the request
 * accepted: { mentor, mentee, mentorEmail, menteeEmail, ms } (ms: the
 * mentorship's URL). */
export async function newMentorship(srv, { topic = 'Career growth', weeks = '6', mentorName = 'Mira Mentor', menteeName = 'Tom Mentee',
  goal = 'Prepare a promotion case with concrete examples of impact.' } = {}) {
  const mentorEmail = uniqueEmail('mentor');
  const menteeEmail = uniqueEmail('mentee');
  const mentor = await signup(srv, mentorEmail, mentorName);
  await mentor.get('/profile');
  assert.equal((await mentor.post('/profile', [['display_name', mentorName], ['timezone', 'UTC'], ['is_mentor', '1'],
    ['focus_areas', topic], ['capacity', '2'], ['formats', 'one_on_one']])).status, 303);
  const mentee = await signup(srv, menteeEmail, menteeName);
  const page = await mentee.get(`/mentors/${userId(srv, mentorEmail)}`);
  const r = await mentee.post('/requests', { mentor_id: page.body.match(/name="mentor_id" value="(\d+)"/)[1], topic,
    goal, format: 'one_on_one', cadence: 'weekly', duration_min: '30', weeks, message: '' });
  assert.equal(r.status, 303);
  await mentor.get(r.headers.location);
  const ms = (await mentor.post(`${r.headers.location}/accept`)).headers.location;
  assert.match(ms, /^\/mentorships\/\d+$/);
  return { mentor, mentee, mentorEmail, menteeEmail, ms };
}
