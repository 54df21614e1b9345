// Facts stated once (issue 13): limits come from the server's field
// tables, every form carries the one csrf field, one label per format.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signup, request } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' }); });
after(async () => { await srv.stop(); });

test('forms show the limits the server checks, and the one csrf field', async () => {
  const signupPage = (await request(srv, 'GET', '/signup')).body;
  assert.match(signupPage, /name="email" type="email"[^>]* maxlength="254"/);
  assert.match(signupPage, /name="display_name" type="text"[^>]* maxlength="80"/);
  assert.match(signupPage, /<input type="hidden" name="csrf" value="[A-Za-z0-9_-]+">/);
  const c = await signup(srv, 'limits@example.com', 'Lima Limits');
  const p = await c.get('/profile');
  assert.equal(p.status, 200);
  for (const [name, max] of [['display_name', 80], ['team', 80], ['job_title', 100], ['bio', 2000]])
    assert.match(p.body, new RegExp(`name="${name}"[^>]* maxlength="${max}"`), name);
  assert.match(p.body, /<label for="fmt-pairing">Pairing<\/label>/);
  assert.doesNotMatch(p.body, /Pairing sessions/);
  assert.doesNotMatch(p.body, /maxlength="\{/);
});
