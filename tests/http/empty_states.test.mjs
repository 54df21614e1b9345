// An empty list says why it is empty and what fills it (UX review: the
// dashboard's lists, /help-sessions, /coffee's matches and the admin's
// rotations showed nothing at all).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signup, adminClient } from '../lib/server.mjs';
import { uniqueEmail } from '../lib/fixtures.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv?.stop(); });

test('a new member and a new program: every empty list says what fills it', async () => {
  const c = await signup(srv, uniqueEmail('empty'), 'Nora New');
  const home = (await c.get('/')).body;
  assert.match(home, /No session planned\. Plan the next one on a mentorship's page\./);
  assert.match(home, /No request waits for your answer\./);
  assert.match(home, /No active mentorship yet\./);
  assert.match(home, /You have not asked a mentor yet\./);
  assert.match((await c.get('/help-sessions')).body, /id="help-empty">No help session is planned/);
  assert.match((await c.get('/coffee')).body, /id="matches-empty">No match yet/);
  const admin = await adminClient(srv, uniqueEmail('emptyadmin'));
  assert.match((await admin.get('/admin/rotations')).body, /id="rotations-empty">No rotation yet/);
});
