// Helpers for tests that create everything they need, so any one test
// passes run alone (tests/lib/each-alone.mjs runs each one that way).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
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

/** A link token (security/linktoken.c) for purpose 'u' (unsubscribe, arg:
 * the kind's index in core/notifykind.h) or 'c' (calendar, arg: the
 * generation), made from the server's key file as the server makes it:
 * how a test gets the unsubscribe link that only mail carries. */
export function linkToken(srv, purpose, uid, arg) {
  const py = `
import sys, hashlib, base64, struct
key = None
for line in open(sys.argv[1]):
    p = line.split()
    if len(p) == 4 and p[0] == 'tandem-key':
        key = bytes.fromhex(p[3]); break
sub = hashlib.blake2b(b'', digest_size=32, key=key, salt=struct.pack('<Q', 1), person=b'tdmlinks').digest()
body = sys.argv[2].encode() + struct.pack('<q', int(sys.argv[3])) + struct.pack('<q', int(sys.argv[4]))
mac = hashlib.blake2b(body, digest_size=16, key=sub).digest()
print(base64.urlsafe_b64encode(body + mac).decode().rstrip('='))`;
  return execFileSync('/usr/bin/python3', ['-c', py, join(srv.data, 'secret.key'), purpose, String(uid), String(arg)],
    { encoding: 'utf8' }).trim();
}
