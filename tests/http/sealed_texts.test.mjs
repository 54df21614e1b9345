// A request's message and decline reason, plan notes and a mentorship's
// end reason are sealed at rest like session notes: readable by the pair,
// nowhere in the files, converted from plain text when an older database is
// served, and carried through rotate-key.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, signup, login, BIN } from '../lib/server.mjs';

const FAST = { TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' };
const C = 'TEXT-CANARY-51d0';
let srv;
after(async () => { if (srv) await srv.stop(); });

function atRest(needle) {
  srv.sql('PRAGMA wal_checkpoint(FULL)');
  return readdirSync(srv.data).filter((n) => n.startsWith('tandem.db') || n === 'backup.db')
    .filter((f) => readFileSync(join(srv.data, f)).includes(needle));
}

test('message, decline reason, plan note and end reason: the pair reads them, the files never hold them', async () => {
  srv = await startServer(FAST);
  const mentor = await signup(srv, 'sealm@example.com', 'Seal Mentor');
  await mentor.get('/profile');
  await mentor.post('/profile', [['display_name', 'Seal Mentor'], ['timezone', 'UTC'], ['is_mentor', '1'],
    ['focus_areas', 'Testing'], ['capacity', '2'], ['formats', 'one_on_one']]);
  const mentee = await signup(srv, 'seale@example.com', 'Seal Mentee');
  const mid = srv.sql("SELECT id FROM users WHERE email = 'sealm@example.com'");
  await mentee.get(`/mentors/${mid}`);
  const r = await mentee.post('/requests', { mentor_id: mid, topic: 'Testing', goal: 'Learn to test the whole stack.',
    format: 'one_on_one', cadence: 'weekly', duration_min: '30', weeks: '6', message: `${C}-message` });
  assert.equal(r.status, 303);
  assert.match((await mentor.get(r.headers.location)).body, new RegExp(`${C}-message`));
  assert.match((await mentee.get(r.headers.location)).body, new RegExp(`${C}-message`));
  const ms = (await mentor.post(`${r.headers.location}/accept`)).headers.location;
  await mentor.get(ms);
  assert.equal((await mentor.post(`${ms}/plan/1`, { done: '1', note: `${C}-note` })).status, 303);
  assert.match((await mentee.get(ms)).body, new RegExp(`${C}-note`));
  await mentee.get(ms);
  assert.equal((await mentee.post(`${ms}/end`, { reason: `${C}-reason` })).status, 303);
  assert.match((await mentor.get(ms)).body, new RegExp(`${C}-reason`));
  // A decline's reason: the mentor's words, shown to the mentee.
  const other = await signup(srv, 'seal2@example.com', 'Second Mentee');
  await other.get(`/mentors/${mid}`);
  const r2 = await other.post('/requests', { mentor_id: mid, topic: 'Testing', goal: 'Another goal for the same mentor.',
    format: 'one_on_one', cadence: 'weekly', duration_min: '30', weeks: '6', message: '' });
  assert.equal(r2.status, 303);
  await mentor.get(r2.headers.location);
  assert.equal((await mentor.post(`${r2.headers.location}/decline`, { reason: `${C}-decline` })).status, 303);
  assert.match((await other.get(r2.headers.location)).body, new RegExp(`${C}-decline`));
  execFileSync(BIN, ['backup', join(srv.data, 'backup.db')], { env: srv.env });
  assert.deepEqual(atRest(C), []);
  assert.ok(!srv.log().includes(C));
  assert.equal(srv.sql(`SELECT message = '' AND message_sealed IS NOT NULL FROM requests WHERE id = ${r.headers.location.split('/').pop()}`), '1');
  assert.equal(srv.sql(`SELECT reason = '' AND reason_sealed IS NOT NULL FROM requests WHERE id = ${r2.headers.location.split('/').pop()}`), '1');

  // An older version's plain texts are sealed when the server starts...
  const data = srv.data;
  const msId = ms.split('/').pop();
  await srv.stop({ keep: true });
  const db = join(data, 'tandem.db');
  execFileSync('sqlite3', [db, `UPDATE plan_weeks SET note = 'LEGACY-plain-4c1e', note_sealed = NULL WHERE mentorship_id = ${msId} AND week = 2`]);
  srv = await startServer(FAST, data);
  assert.deepEqual(atRest('LEGACY-plain-4c1e'), []);
  let mentee2 = await login(srv, 'seale@example.com');
  assert.match((await mentee2.get(ms)).body, /LEGACY-plain-4c1e/);
  // ...and rotate-key re-seals them with the rest.
  await srv.stop({ keep: true });
  const out = execFileSync(BIN, ['rotate-key'], { env: srv.env, encoding: 'utf8' });
  assert.match(out, /re-encrypted \d+ values/);
  srv = await startServer(FAST, data);
  mentee2 = await login(srv, 'seale@example.com');
  const page = (await mentee2.get(ms)).body;
  for (const t of [`${C}-note`, `${C}-reason`, 'LEGACY-plain-4c1e']) assert.ok(page.includes(t), t);
  assert.match((await mentee2.get(r.headers.location)).body, new RegExp(`${C}-message`));
  const other2 = await login(srv, 'seal2@example.com');
  assert.match((await other2.get(r2.headers.location)).body, new RegExp(`${C}-decline`));
});
