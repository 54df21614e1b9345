// Work the master does on its own (a scheduled pairing round of thousands
// of people, the directory's rebuild) must never hold the write lock long
// enough to turn people's writes away: a fresh 100,000-member copy
// answered every write 503 "database busy" for ~25 s after start while
// its pairing round of 20,000 read every holder of a topic per pair.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, signup } from '../lib/server.mjs';
import { uniqueEmail } from '../lib/fixtures.mjs';

let srv;
after(async () => { if (srv) await srv.stop(); });

const PEOPLE = 8000;
const TOPICS = ['rust', 'go', 'sql', 'cloud', 'design', 'teams'];

test('a scheduled pairing round of thousands who share a topic does not turn writes away', async () => {
  srv = await startServer();
  // A scheduled round must not run before the crowd below is there.
  srv.sql("INSERT INTO coffee_rounds(ran_at, on_demand, people, matches) VALUES (strftime('%s', 'now') + 31536000, 0, 0, 0)");
  const me = await signup(srv, uniqueEmail('waits'), 'Wanda Writer');
  await me.get('/coffee');
  await srv.stop({ keep: true });
  // Everyone opted in and due, all with the same six interests: the
  // round's first-topic lookup per pair must read two people's topics by
  // key, not every holder of the topic.
  execFileSync('sqlite3', [srv.db], {
    input: `PRAGMA busy_timeout = 5000;
BEGIN;
DELETE FROM coffee_rounds;
INSERT INTO topics(name, key) VALUES ${TOPICS.map((t) => `('${t}', '${t}')`).join(', ')} ON CONFLICT DO NOTHING;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${PEOPLE})
INSERT INTO users(email, display_name, pw_hash, created_at)
  SELECT 'crowd' || i || '@waits.example', 'Crowd ' || i, 'x', strftime('%s', 'now') FROM n;
INSERT INTO coffee_prefs(user_id, opt_in, every, across_teams)
  SELECT id, 1, '2w', 1 FROM users WHERE email LIKE 'crowd%@waits.example';
INSERT INTO user_topics(user_id, kind, topic_id)
  SELECT u.id, 'interest', t.id FROM users u, topics t WHERE u.email LIKE 'crowd%@waits.example'
    AND t.key IN (${TOPICS.map((t) => `'${t}'`).join(', ')});
COMMIT;`,
  });
  srv = await startServer({}, srv.data);
  me.srv = srv;
  // Write while the master runs the round at start (poll until it ran);
  // every write is answered 303, none waits for the whole round.
  const answered = [];
  const deadline = Date.now() + 120000;
  let ran = false;
  while (!ran && Date.now() < deadline) {
    const t0 = Date.now();
    const r = await me.post('/coffee', { every: answered.length % 2 ? '2w' : 'month', across_teams: '1' });
    answered.push([r.status, Date.now() - t0]);
    assert.equal(r.status, 303, `write ${answered.length} answered ${r.status} after ${Date.now() - t0} ms`);
    ran = srv.sql('SELECT count(*) FROM coffee_rounds WHERE on_demand = 0') !== '0';
    await me.get('/coffee');
  }
  assert.ok(ran, 'the scheduled round ran');
  // The round itself did its work: everyone matched and told.
  assert.equal(srv.sql("SELECT people FROM coffee_rounds WHERE on_demand = 0"), String(PEOPLE));
  assert.equal(srv.sql('SELECT count(*) FROM outbox WHERE event = 35'), String(PEOPLE));
  assert.ok(answered.length >= 2, `writes were made while the round ran: ${JSON.stringify(answered)}`);
  // What the last write said is what is stored.
  assert.equal(srv.sql(`SELECT every FROM coffee_prefs WHERE user_id = (SELECT id FROM users WHERE display_name = 'Wanda Writer')`),
    (answered.length - 1) % 2 ? '2w' : 'month');
});
