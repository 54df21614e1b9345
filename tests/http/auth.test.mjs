// Accounts: signup, login, sessions, CSRF, throttling, roles, first admin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, request, Client, signup, login, adminClient, enrolMfa, postRoutes, GOOD_PW } from '../lib/server.mjs';
import { uniqueEmail, reEscape } from '../lib/fixtures.mjs';

let srv;
// A generous nginx rate so these tests exercise the app's own throttle.
before(async () => { srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' }); });
after(async () => { await srv.stop(); });

const COOKIE_RE = /^(__Host-sid=[A-Za-z0-9_-]*|__Host-known=[A-Za-z0-9_-]*|__Host-flash=[A-Za-z0-9_.~%-]*); (Max-Age=\d+; )?Path=\/; Secure; HttpOnly; SameSite=Lax$/;

function checkCookies(res) {
  for (const c of [].concat(res.headers['set-cookie'] || [])) {
    assert.match(c, COOKIE_RE);
    assert.ok(!/domain=/i.test(c));
  }
}

test('signup creates an account, signs in, and stores only an argon2id hash', async () => {
  const canary = 'canary quokka 7f3a9c umbrella';
  const c = new Client(srv);
  const form = await c.get('/signup');
  checkCookies(form);
  const r = await c.post('/signup', { email: 'Nia.Canary@Example.com', display_name: 'Nia Ōkawa', password: canary, password_confirm: canary });
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/');
  checkCookies(r);
  const home = await c.get('/');
  assert.equal(home.status, 200);
  assert.match(home.body, /Hello, Nia Ōkawa/);
  assert.equal(srv.sql("SELECT email FROM users WHERE display_name = 'Nia Ōkawa'"), 'nia.canary@example.com');
  assert.match(srv.sql("SELECT pw_hash FROM users WHERE email = 'nia.canary@example.com'"), /^\$argon2id\$/);
  srv.sql('PRAGMA wal_checkpoint(FULL)');
  for (const f of readdirSync(srv.data).filter((n) => n.startsWith('tandem.db'))) {
    assert.ok(!readFileSync(join(srv.data, f)).includes(canary), `password found in ${f}`);
  }
  assert.ok(!srv.log().includes(canary));
  assert.ok(!srv.sql('SELECT group_concat(coalesce(detail, \'\')) FROM audit').includes(canary));
});

test('signup errors say what to fix and keep everything but the passwords', async () => {
  const taken = uniqueEmail('taken');
  await signup(srv, taken, 'Taken Already');
  const c = new Client(srv);
  await c.get('/signup');
  const cases = [
    [{ email: 'not-an-email', display_name: 'Sam', password: GOOD_PW, password_confirm: GOOD_PW }, /must look like name@example.com/],
    [{ email: 'sam@example.com', display_name: '', password: GOOD_PW, password_confirm: GOOD_PW }, /Display name is required/],
    [{ email: 'sam@example.com', display_name: 'Sam', password: 'short pw', password_confirm: 'short pw' }, /at least 12 characters/],
    [{ email: 'sam@example.com', display_name: 'Sam', password: 'Password1234!', password_confirm: 'Password1234!' }, /too common/],
    [{ email: 'samantha@example.com', display_name: 'Sam', password: 'samantha-rocks-hard', password_confirm: 'samantha-rocks-hard' }, /must not contain your email/],
    [{ email: 'sam@example.com', display_name: 'Sam', password: GOOD_PW, password_confirm: GOOD_PW + 'x' }, /not the same/],
    [{ email: 'sam@example.com', display_name: 'Sam', password: 'x'.repeat(129), password_confirm: 'x'.repeat(129) }, /at most 128/],
    [{ email: taken, display_name: 'Sam', password: GOOD_PW, password_confirm: GOOD_PW }, /already exists/],
  ];
  for (const [fields, msg] of cases) {
    const r = await c.post('/signup', fields);
    assert.equal(r.status, 422, JSON.stringify(fields).slice(0, 80));
    assert.match(r.body, msg);
    assert.match(r.body, new RegExp(`value="${reEscape(fields.email)}"`));
    assert.ok(!r.body.includes(`value="${fields.password}"`), 'password never echoed');
    assert.match(r.body, /aria-invalid="true"/);
  }
  assert.equal(srv.sql("SELECT count(*) FROM users WHERE email LIKE 'sam%'"), '0');
  const unknown = await c.post('/signup', { email: 'x@example.com', role: 'admin' });
  assert.equal(unknown.status, 400);
});

test('login: one generic message for unknown email and wrong password; next only local', async () => {
  const lena = uniqueEmail('lena');
  await signup(srv, lena, 'Lena');
  const c = new Client(srv);
  await c.get('/login');
  const a = await c.post('/login', { email: 'nobody@example.com', password: GOOD_PW });
  const b = await c.post('/login', { email: lena, password: 'wrong password here' });
  assert.equal(a.status, 401);
  assert.equal(b.status, 401);
  const msg = (r) => r.body.match(/<div class="alert" role="alert"><p>([^<]*)<\/p>/)[1];
  assert.equal(msg(a), msg(b));
  assert.match(b.body, new RegExp(`value="${reEscape(lena)}"`));
  const ok = await c.post('/login', { email: lena.toUpperCase(), password: GOOD_PW, next: '/account/password' });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.location, '/account/password');
  for (const evil of ['//evil.example/x', 'https://evil.example/', '/\\evil.example']) {
    const d = new Client(srv);
    await d.get('/login');
    const r = await d.post('/login', { email: lena, password: GOOD_PW, next: evil });
    assert.equal(r.headers.location, '/', `next=${evil}`);
  }
});

test('a new token at sign-in: a planted pre-session never becomes a login', async () => {
  const lena = uniqueEmail('lena');
  await signup(srv, lena, 'Lena');
  const c = new Client(srv);
  await c.get('/login');
  const planted = c.sid;
  await c.post('/login', { email: lena, password: GOOD_PW });
  assert.notEqual(c.sid, planted);
  const r = await request(srv, 'GET', '/', { headers: { Cookie: `__Host-sid=${planted}` } });
  assert.equal(r.status, 303);
});

test('a copied cookie dies at logout, after idle timeout and after the absolute lifetime', async () => {
  const lena = uniqueEmail('lena');
  await signup(srv, lena, 'Lena');
  const c = await login(srv, lena);
  const copy = c.sid;
  const out = await c.post('/logout');
  assert.equal(out.status, 303);
  assert.equal(out.headers.location, '/login');
  checkCookies(out);
  assert.equal((await request(srv, 'GET', '/', { headers: { Cookie: `__Host-sid=${copy}` } })).status, 303);

  const idle = await login(srv, lena);
  srv.setClock(29 * 60);
  assert.equal((await idle.get('/')).status, 200, 'still alive within 30 minutes');
  srv.setClock(29 * 60 + 31 * 60);
  assert.equal((await idle.get('/')).status, 303, 'dead after 31 idle minutes');
  srv.setClock(0);

  const abs = await login(srv, lena);
  for (let m = 25; m <= 12 * 60; m += 25) {
    srv.setClock(m * 60);
    assert.equal((await abs.get('/')).status, 200, `active at ${m} min`);
  }
  srv.setClock(12 * 3600 + 60);
  assert.equal((await abs.get('/')).status, 303, 'dead after 12 hours even when active');
  srv.setClock(0);
});

function fingerprint() {
  const tables = srv.sql("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").split('\n');
  return tables.map((t) => `${t}:${srv.sql(`SELECT count(*) FROM "${t}"`)}`).join(' ') +
    srv.sql('SELECT group_concat(id || role || active || pw_hash) FROM users');
}

test('every POST route refuses a missing token, another session\'s token and a cross-site Origin', async () => {
  const victim = await signup(srv, 'victim@example.com', 'Victim');
  const other = await signup(srv, 'other@example.com', 'Other');
  const admin = await adminClient(srv, 'csrf-admin@example.com');
  const id = srv.sql("SELECT id FROM users WHERE email = 'victim@example.com'");
  // The one declared exception (ROUTE_TOKEN_AUTH, pinned by
  // tests/unit/test_escape_route.c): the unsubscribe link's one-click POST,
  // whose signed token is its authority (tests/http/notifications.test.mjs).
  const routes = postRoutes().filter((p) => p !== '/unsubscribe/{token}');
  assert.equal(postRoutes().length - routes.length, 1);
  assert.ok(routes.length >= 7);
  for (const pattern of routes) {
    // A {token} (issue 16's account links) as a well-formed one: the check
    // comes before the handler looks it up.
    const path = pattern.replaceAll('{id}', id).replaceAll('{token}', 'A'.repeat(43));
    for (const who of [victim, admin]) {
      const before = fingerprint();
      const attempts = [
        ['no token', await who.post(path, {}, { csrf: false })],
        ['other session\'s token', await who.post(path, { csrf: other.csrf })],
        ['cross-site origin', await who.post(path, {}, { headers: { Origin: 'https://evil.example' } })],
        ['cross-site fetch', await who.post(path, {}, { headers: { Origin: '', 'Sec-Fetch-Site': 'cross-site' } })],
      ];
      for (const [what, r] of attempts) assert.equal(r.status, 403, `${pattern} with ${what}`);
      assert.equal(fingerprint(), before, `${pattern}: nothing changed`);
    }
  }
  // and anonymous POSTs without a pre-session
  assert.equal((await request(srv, 'POST', '/login', { body: 'email=a&password=b' })).status, 403);
  assert.equal((await victim.get('/')).status, 200, 'the victim is still signed in');
});

test('150 wrong passwords: at most 100 verifications, the rest 429; later the right one works', { timeout: 600000 }, async () => {
  // Its own server: the failures it records are dated in the moved clock's future.
  const main = srv;
  srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' });
  try { await throttleScenario(); } finally { await srv.stop(); srv = main; }
});

async function throttleScenario() {
  await signup(srv, 'target@example.com', 'Target');
  const id = srv.sql("SELECT id FROM users WHERE email = 'target@example.com'");
  const failedBefore = Number(srv.sql(`SELECT count(*) FROM audit WHERE event = 'login_failed' AND subject_id = ${id}`));
  const c = new Client(srv);
  await c.get('/login');
  let clock = 0;
  const statuses = { 401: 0, 429: 0 };
  let lastMsg = '';
  for (let i = 0; i < 150; i++) {
    clock += 20; // wait out the growing delay, as a patient attacker would
    srv.setClock(clock);
    const r = await c.post('/login', { email: 'target@example.com', password: `wrong guess ${i}` });
    statuses[r.status] = (statuses[r.status] || 0) + 1;
    if (r.status === 429) lastMsg = r.body;
  }
  const verified = Number(srv.sql(`SELECT count(*) FROM audit WHERE event = 'login_failed' AND subject_id = ${id}`)) - failedBefore;
  assert.ok(verified <= 100, `${verified} verifications`);
  assert.ok(statuses[429] >= 50, JSON.stringify(statuses));
  assert.match(lastMsg, /try again in \d+ minutes/);
  const locked = await c.post('/login', { email: 'target@example.com', password: GOOD_PW });
  assert.equal(locked.status, 429, 'even the right password waits while capped');
  srv.setClock(clock + 3601);
  const ok = await c.post('/login', { email: 'target@example.com', password: GOOD_PW });
  assert.equal(ok.status, 303);
  assert.ok(Number(srv.sql("SELECT count(*) FROM audit WHERE event = 'login_throttled'")) >= 50);
}

test('changing the password needs the current one and can end other sessions', async () => {
  const changedBefore = Number(srv.sql("SELECT count(*) FROM audit WHERE event = 'password_changed'"));
  const a = await signup(srv, 'pat@example.com', 'Pat');
  const b = await login(srv, 'pat@example.com');
  await a.get('/account/password');
  const wrong = await a.post('/account/password', { current_password: 'not my password', new_password: 'violet tram morning jazz', new_password_confirm: 'violet tram morning jazz', logout_others: '1' });
  assert.equal(wrong.status, 422);
  assert.match(wrong.body, /current password is not right/);
  const ok = await a.post('/account/password', { current_password: GOOD_PW, new_password: 'violet tram morning jazz', new_password_confirm: 'violet tram morning jazz', logout_others: '1' });
  assert.equal(ok.status, 303);
  checkCookies(ok);
  assert.equal((await a.get('/')).status, 200, 'this session continues');
  assert.match(a.last.body, /Password changed/);
  assert.equal((await b.get('/')).status, 303, 'the other session ended');
  await login(srv, 'pat@example.com', 'violet tram morning jazz');
  assert.equal(Number(srv.sql("SELECT count(*) FROM audit WHERE event = 'password_changed'")) - changedBefore, 1);
});

test('roles: members get 403 on admin pages; the last admin cannot be demoted or deactivated', async () => {
  const m = await signup(srv, 'member@example.com', 'Mo Member');
  assert.equal((await m.get('/admin')).status, 403);
  assert.equal((await m.get('/admin/users')).status, 403);
  const admin = await adminClient(srv, 'boss@example.com');
  const users = await admin.get('/admin/users');
  assert.equal(users.status, 200);
  assert.match(users.body, /Mo Member/);
  // demote every other admin first, so boss is the last one
  for (const id of srv.sql("SELECT id FROM users WHERE role = 'admin' AND email <> 'boss@example.com'").split('\n').filter(Boolean)) {
    assert.equal((await admin.post(`/admin/users/${id}/role`, { role: 'member' })).status, 303);
  }
  const bossId = srv.sql("SELECT id FROM users WHERE email = 'boss@example.com'");
  await admin.get('/admin/users');
  await admin.post(`/admin/users/${bossId}/role`, { role: 'member' });
  await admin.post(`/admin/users/${bossId}/deactivate`, {});
  assert.equal(srv.sql(`SELECT role || active FROM users WHERE id = ${bossId}`), 'admin1');
  assert.match((await admin.get('/admin/users')).body, /at least one active admin/);
  // promote, then deactivate the member: their session dies at once
  const mid = srv.sql("SELECT id FROM users WHERE email = 'member@example.com'");
  assert.equal((await admin.post(`/admin/users/${mid}/role`, { role: 'admin' })).status, 303);
  // a new admin enrols in two-factor sign-in before the admin pages open
  assert.equal((await m.get('/admin')).headers.location, '/account/mfa?next=/admin');
  await enrolMfa(m);
  assert.equal((await m.get('/admin')).status, 200);
  assert.equal((await admin.post(`/admin/users/${mid}/deactivate`, {})).status, 303);
  assert.equal((await m.get('/')).status, 303);
  const again = new Client(srv);
  await again.get('/login');
  assert.equal((await again.post('/login', { email: 'member@example.com', password: GOOD_PW })).status, 401);
  assert.equal((await admin.post('/admin/users/999999/role', { role: 'admin' })).status, 404);
  for (const ev of ['role_changed', 'user_deactivated']) assert.ok(Number(srv.sql(`SELECT count(*) FROM audit WHERE event = '${ev}'`)) >= 1);
});

test('first admin: the setup link works once, within 24 hours, and only while no admin exists', async () => {
  const fresh = await startServer();
  try {
    const url = fresh.setupUrl();
    assert.ok(url, 'serve printed a setup URL');
    const token = url.split('token=')[1];
    const c = new Client(fresh);
    const form = await c.get(url);
    assert.equal(form.status, 200);
    assert.match(form.body, /Create the first admin account/);
    const bad = await c.post('/setup', { token, email: 'root@example.com', display_name: 'Root', password: 'short', password_confirm: 'short' });
    assert.equal(bad.status, 422);
    const ok = await c.post('/setup', { token, email: 'root@example.com', display_name: 'Root', password: GOOD_PW, password_confirm: GOOD_PW });
    assert.equal(ok.status, 303);
    assert.equal((await c.get('/admin')).status, 303, 'the first admin enrols in two-factor sign-in first');
    await enrolMfa(c);
    assert.equal((await c.get('/admin')).status, 200);
    assert.equal(fresh.sql("SELECT role FROM users WHERE email = 'root@example.com'"), 'admin');
    assert.equal(fresh.sql("SELECT count(*) FROM audit WHERE event = 'setup_used'"), '1');
    const d = new Client(fresh);
    assert.equal((await d.get(url)).status, 404, 'single use');
    assert.equal((await d.get('/setup?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).status, 404);
  } finally { await fresh.stop(); }
});

test('a one-time message shows once, travels in a cookie, and showing it writes nothing', async () => {
  const c = new Client(srv);
  await c.get('/signup');
  const r = await c.post('/signup', { email: 'flash@example.com', display_name: 'Flash Person', password: GOOD_PW, password_confirm: GOOD_PW });
  assert.equal(r.status, 303);
  checkCookies(r);
  assert.ok([].concat(r.headers['set-cookie']).some((k) => k.startsWith('__Host-flash=Welcome%20to%20Tandem')));
  const wal = join(srv.data, 'tandem.db-wal');
  const before = statSync(wal).size;
  const home = await c.get('/');
  assert.match(home.body, /<p class="flash" role="status">Welcome to Tandem! Fill in your profile/);
  checkCookies(home);
  assert.ok([].concat(home.headers['set-cookie']).some((k) => /^__Host-flash=; Max-Age=0;/.test(k)), 'the page that shows it removes it');
  assert.equal(statSync(wal).size, before, 'showing the message wrote to the database');
  assert.doesNotMatch((await c.get('/')).body, /Welcome to Tandem/);
  // A message someone put in the cookie themselves is escaped like any text;
  // one that does not decode is dropped, and the page still works.
  const own = await request(srv, 'GET', '/', { headers: { Cookie: `__Host-sid=${c.sid}; __Host-flash=%3Cscript%3Ealert(1)%3C%2Fscript%3E` } });
  assert.equal(own.status, 200);
  assert.match(own.body, /<p class="flash" role="status">&lt;script&gt;alert\(1\)&lt;\/script&gt;<\/p>/);
  const bad = await request(srv, 'GET', '/', { headers: { Cookie: `__Host-sid=${c.sid}; __Host-flash=%ZZ%00` } });
  assert.equal(bad.status, 200);
  assert.doesNotMatch(bad.body, /class="flash"/);
});
