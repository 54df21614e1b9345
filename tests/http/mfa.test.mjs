// issue 16: two-factor sign-in for admins (TOTP, RFC 6238): enrolment with
// a QR code and the secret in text, the code after the password, replays
// and stale codes refused, recovery codes once, throttling, every /admin
// route guarded by the front controller, TANDEM_ADMIN_MFA=optional.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, Client, login, signup, adminClient, enrolMfa, totp, GOOD_PW, ROOT, BIN } from '../lib/server.mjs';

/** Every admin route of the one route table, {id} filled in. */
function adminRoutes() {
  const src = readFileSync(join(ROOT, 'app', 'pages', 'routes.c'), 'utf8');
  return [...src.matchAll(/\{"(GET|POST)", "(\/admin[^"]*)"[^}]*ACCESS_ADMIN/g)]
    .map((m) => ({ method: m[1], path: m[2].replace(/\{id\}/g, '1') }));
}

/** Move the server's clock so that it is `into` seconds into a 30 s step
 * (a comfortable distance from the next), and return that step. */
function alignClock(srv, into = 3) {
  const real = Math.floor(Date.now() / 1000);
  const base = real + srv.clockOffset;
  const target = base - (base % 30) + 30 + into; // under a minute ahead: sessions stay fresh
  srv.setClock(target - real);
  return Math.floor(target / 30);
}

async function passwordStep(srv, email) {
  const c = new Client(srv);
  await c.get('/login');
  const r = await c.post('/login', { email, password: GOOD_PW, next: '/admin/users' });
  assert.equal(r.status, 303);
  await c.get(r.headers.location); // the form, with the new session's CSRF token
  return { c, location: r.headers.location };
}

test('enrolment: a QR code drawn as SVG and the secret in text; only a correct code turns it on; the secret is sealed', async () => {
  const srv = await startServer();
  try {
    srv.createAdmin('ada@example.com', 'Ada Admin', GOOD_PW);
    const c = await login(srv, 'ada@example.com');
    // required (the default): the admin pages wait for enrolment
    assert.equal((await c.get('/admin')).headers.location, '/account/mfa?next=/admin');
    assert.equal((await c.post('/admin/teams', { name: 'Ops' })).status, 403);
    const page = await c.get('/account/mfa?next=/admin');
    assert.equal(page.status, 200);
    assert.match(page.body, /<svg [^>]*role="img" aria-labelledby="qr-title"/);
    assert.match(page.body, /<title id="qr-title">QR code of your Tandem sign-in secret<\/title>/);
    assert.match(page.body, /<path fill="#000" d="M\d+ \d+h\d+/);
    assert.match(page.body, /must set up two-factor sign-in/);
    const secret = page.body.match(/id="secret">([A-Z2-7 ]+)</)[1].replace(/ /g, '');
    assert.equal(secret.length, 32);
    // a reload shows the same secret
    assert.match((await c.get('/account/mfa')).body, new RegExp(secret.match(/.{4}/g).join(' ')));
    // the secret is sealed at rest
    assert.equal(srv.sql(`SELECT instr(CAST(secret AS TEXT), '${secret}') FROM mfa`), '0');
    assert.equal(srv.sql('SELECT enrolled_at IS NULL FROM mfa'), '1');

    const step = alignClock(srv);
    const wrong = await c.post('/account/mfa', { code: '000000' === totp(secret, step) ? '111111' : '000000', next: '/admin' });
    assert.equal(wrong.status, 422);
    assert.match(wrong.body, /That code is not right/);
    assert.match(wrong.body, /<svg /, 'the QR code is shown again');
    assert.equal(srv.sql('SELECT enrolled_at IS NULL FROM mfa'), '1');
    const empty = await c.post('/account/mfa', { code: '', next: '/admin' });
    assert.equal(empty.status, 422);

    const ok = await c.post('/account/mfa', { code: totp(secret, step), next: '/admin' });
    assert.equal(ok.status, 200);
    const codes = [...ok.body.matchAll(/<li><code>([a-z2-7-]+)<\/code><\/li>/g)].map((m) => m[1]);
    assert.equal(codes.length, 10);
    assert.equal(new Set(codes).size, 10);
    assert.match(ok.body, /shown only now/);
    assert.match(ok.body, /href="\/admin"/);
    // stored hashed only
    assert.equal(srv.sql('SELECT count(*) FROM mfa_recovery WHERE used_at IS NULL'), '10');
    for (const code of codes) assert.equal(srv.sql(`SELECT count(*) FROM mfa_recovery WHERE instr(CAST(code_hash AS TEXT), '${code}') > 0`), '0');
    assert.equal(srv.sql("SELECT count(*) FROM audit WHERE event = 'mfa_enrolled'"), '1');
    // this session passed the factor while enrolling
    assert.equal((await c.get('/admin')).status, 200);
    // the page now says it is on, and shows neither secret nor codes again
    const on = await c.get('/account/mfa');
    assert.match(on.body, /is <strong>on<\/strong>/);
    assert.doesNotMatch(on.body, new RegExp(secret.slice(0, 8)));
    assert.doesNotMatch(on.body, new RegExp(codes[0]));
  } finally { await srv.stop(); }
});

test('after the password an enrolled admin owes the code: nothing else answers; a code works once; one step of drift, not two', async () => {
  const srv = await startServer();
  try {
    const admin = await adminClient(srv, 'ada@example.com');
    const { secret } = admin.mfa;
    alignClock(srv);
    const step = alignClock(srv); // two steps past the one enrolment used
    const { c, location } = await passwordStep(srv, 'ada@example.com');
    assert.equal(location, '/login/mfa?next=/admin/users');
    // the session owes the code: member pages and admin pages alike
    assert.equal((await c.get('/')).headers.location, '/login/mfa?next=/');
    assert.equal((await c.get('/admin')).headers.location, '/login/mfa?next=/admin');
    assert.equal((await c.get('/account/mfa')).status, 303);
    assert.equal((await c.post('/profile', { display_name: 'X' })).status, 403);
    const form = await c.get(location);
    assert.equal(form.status, 200);
    assert.match(form.body, /Enter your code/);
    // two steps away either side: refused
    for (const s of [step - 2, step + 2]) {
      const r = await c.post('/login/mfa', { code: totp(secret, s), next: '/admin/users' });
      assert.equal(r.status, 422, `step ${s - step}`);
      assert.match(r.body, /That code is not right/);
    }
    // one step behind: accepted
    const ok = await c.post('/login/mfa', { code: totp(secret, step - 1), next: '/admin/users' });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, '/admin/users');
    assert.equal((await c.get('/admin/users')).status, 200);
    // the same code in another sign-in: a replay, refused
    const other = await passwordStep(srv, 'ada@example.com');
    assert.equal((await other.c.post('/login/mfa', { code: totp(secret, step - 1), next: '' })).status, 422);
    // one step ahead: accepted; then the current step is an earlier one: refused
    assert.equal((await other.c.post('/login/mfa', { code: totp(secret, step + 1), next: '' })).status, 303);
    const third = await passwordStep(srv, 'ada@example.com');
    assert.equal((await third.c.post('/login/mfa', { code: totp(secret, step), next: '' })).status, 422);
    assert.equal((await third.c.get('/admin')).status, 303);
    // sign-out is still possible while the code is owed
    assert.equal((await third.c.post('/logout', {})).status, 303);
    assert.equal(srv.sql('SELECT last_step FROM mfa'), String(step + 1));
  } finally { await srv.stop(); }
});

test('every /admin route refuses an admin without the second factor: 303 to enrol or give it (GET), 403 (POST)', async () => {
  const srv = await startServer();
  try {
    const routes = adminRoutes();
    assert.ok(routes.length >= 16, `found ${routes.length} admin routes`);
    // not enrolled
    srv.createAdmin('new@example.com', 'New Admin', GOOD_PW);
    const fresh = await login(srv, 'new@example.com');
    // enrolled, session not passed (the code is owed)
    const admin = await adminClient(srv, 'ada@example.com');
    const owed = (await passwordStep(srv, 'ada@example.com')).c;
    await owed.get('/login/mfa');
    for (const { method, path } of routes) {
      for (const [who, to] of [[fresh, '/account/mfa'], [owed, '/login/mfa']]) {
        const r = method === 'GET' ? await who.get(path) : await who.post(path, {});
        if (method === 'GET') {
          assert.equal(r.status, 303, `${method} ${path}`);
          assert.ok(r.headers.location.startsWith(`${to}?next=`), `${method} ${path} -> ${r.headers.location}`);
        } else {
          assert.equal(r.status, 403, `${method} ${path}`);
        }
      }
    }
    // the passed session reaches them (a GET of each page without ids)
    for (const { path } of routes.filter((r) => r.method === 'GET' && !/\/1(\/|$)/.test(r.path))) {
      assert.equal((await admin.get(path)).status, 200, path);
    }
    // nothing was changed by the refused posts
    assert.equal(srv.sql("SELECT count(*) FROM audit WHERE event LIKE 'role%' OR event LIKE '%deactivat%'"), '0');
  } finally { await srv.stop(); }
});

test('recovery codes: each signs in once, the audit says so; wrong codes: every fifth ends the session, twenty a day lock app codes', async () => {
  // nginx's per-address limit on the sign-in routes is not what this counts
  const srv = await startServer({ TANDEM_LOGIN_RATE: '100r/s', TANDEM_LOGIN_BURST: '200' });
  try {
    const admin = await adminClient(srv, 'ada@example.com');
    const [first] = admin.mfa.recovery;
    const a = await passwordStep(srv, 'ada@example.com');
    const ok = await a.c.post('/login/mfa', { code: '', recovery_code: first.toUpperCase().replace(/-/g, ' '), next: '/admin' });
    assert.equal(ok.status, 303);
    assert.equal(ok.headers.location, '/admin');
    assert.match((await a.c.get('/admin')).body, /recovery code; 9 are left/);
    assert.equal(srv.sql("SELECT count(*) FROM audit WHERE event = 'mfa_recovery_used'"), '1');
    const b = await passwordStep(srv, 'ada@example.com');
    const again = await b.c.post('/login/mfa', { code: '', recovery_code: first, next: '' });
    assert.equal(again.status, 422);
    assert.match(again.body, /recovery_code-err/);
    // wrong codes are refused (the first few without a delay)
    for (let i = 0; i < 3; i++) assert.equal((await b.c.post('/login/mfa', { code: '000000', next: '' })).status, 422);
    // failures so far: the reused recovery code and three codes; the
    // fifth wrong one ends the session, and guessing on costs a sign-in
    srv.setClock(srv.clockOffset + 25);
    const fifth = await b.c.post('/login/mfa', { code: '000000', next: '' });
    assert.equal(fifth.status, 303);
    assert.equal(fifth.headers.location, '/login');
    assert.equal((await b.c.get('/admin')).status, 303);
    assert.match((await b.c.get('/admin')).headers.location, /^\/login/);
    const uid = srv.sql("SELECT id FROM users WHERE email = 'ada@example.com'");
    assert.equal(srv.sql(`SELECT count(*) FROM audit WHERE event = 'mfa_failed' AND subject_id = ${uid}`), '5');
    // twenty wrong codes in a day: even the right code is refused, the
    // owner still signs in with a recovery code
    let c = null;
    for (let n = 5; n < 20; n++) {
      if (n % 5 === 0) c = (await passwordStep(srv, 'ada@example.com')).c;
      srv.setClock(srv.clockOffset + 25); // past the throttle's delay
      const r = await c.post('/login/mfa', { code: '000000', next: '' });
      assert.equal(r.status, (n + 1) % 5 === 0 ? 303 : 422, `wrong code ${n + 1}`);
    }
    srv.setClock(srv.clockOffset + 25); // the address's failures delay its next sign-in
    const d = await passwordStep(srv, 'ada@example.com');
    const step = Math.floor(srv.now() / 30);
    const right = await d.c.post('/login/mfa', { code: totp(admin.mfa.secret, step), next: '' });
    assert.equal(right.status, 429);
    assert.match(right.body, /Too many wrong codes today/);
    assert.equal((await d.c.post('/login/mfa', { code: '', recovery_code: admin.mfa.recovery[2], next: '/admin' })).status, 303);
    assert.equal((await d.c.get('/admin')).status, 200);
  } finally { await srv.stop(); }
});

test('turning it off needs a code; the audit says so; a required admin then enrols again', async () => {
  const srv = await startServer();
  try {
    const admin = await adminClient(srv, 'ada@example.com');
    const other = await login(srv, 'ada@example.com');
    assert.equal((await other.get('/admin')).status, 200);
    const bad = await admin.post('/account/mfa/disable', { code: '123456' === totp(admin.mfa.secret, Math.floor(srv.now() / 30)) ? '654321' : '123456' });
    assert.equal(bad.status, 422);
    assert.equal(srv.sql('SELECT count(*) FROM mfa'), '1');
    const off = await admin.post('/account/mfa/disable', { code: '', recovery_code: admin.mfa.recovery[1] });
    assert.equal(off.status, 303);
    assert.equal(srv.sql('SELECT count(*) FROM mfa'), '0');
    assert.equal(srv.sql('SELECT count(*) FROM mfa_recovery'), '0');
    assert.equal(srv.sql("SELECT count(*) FROM audit WHERE event = 'mfa_disabled'"), '1');
    // other sessions end; this one must enrol again before /admin
    assert.equal((await other.get('/')).status, 303);
    assert.equal((await admin.get('/admin')).headers.location, '/account/mfa?next=/admin');
  } finally { await srv.stop(); }
});

test('TANDEM_ADMIN_MFA=optional: an admin without a factor reaches /admin; one who enrolled still gives the code', async () => {
  const srv = await startServer({ TANDEM_ADMIN_MFA: 'optional' });
  try {
    srv.createAdmin('opt@example.com', 'Opt Admin', GOOD_PW);
    const c = await login(srv, 'opt@example.com');
    assert.equal((await c.get('/admin')).status, 200);
    assert.doesNotMatch((await c.get('/account/mfa')).body, /must set up/);
    await enrolMfa(c, 'opt@example.com');
    const { c: d, location } = await passwordStep(srv, 'opt@example.com');
    assert.match(location, /^\/login\/mfa/);
    assert.equal((await d.get('/admin')).status, 303);
    // members may turn it on for themselves too, and then owe it
    const m = await signup(srv, 'member@example.com', 'Mia Member');
    await enrolMfa(m, 'member@example.com');
    const { c: m2, location: l2 } = await passwordStep(srv, 'member@example.com');
    assert.match(l2, /^\/login\/mfa/);
    assert.equal((await m2.get('/')).status, 303);
  } finally { await srv.stop(); }
});

test('tandem mfa-off: the operator removes a lost second factor; the sessions of the account end; audited', async () => {
  const srv = await startServer();
  try {
    const admin = await adminClient(srv, 'lost@example.com');
    const run = (email) => spawnSync(BIN, ['mfa-off', '--email', email], { env: srv.env, encoding: 'utf8' });
    const none = run('nobody@example.com');
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no account with a second factor/);
    const ok = run('lost@example.com');
    assert.equal(ok.status, 0, ok.stderr);
    assert.equal(srv.sql('SELECT count(*) FROM mfa'), '0');
    assert.equal(srv.sql('SELECT count(*) FROM mfa_recovery'), '0');
    assert.equal(srv.sql("SELECT detail FROM audit WHERE event = 'mfa_disabled'"), 'by the operator');
    assert.equal((await admin.get('/')).status, 303, 'every session of the account ended');
    // the password alone signs in again; the admin pages ask to enrol
    const { location } = await passwordStep(srv, 'lost@example.com');
    assert.equal(location, '/admin/users', 'no code is asked: the sign-in goes straight on');
    const c = await login(srv, 'lost@example.com');
    assert.equal((await c.get('/admin')).headers.location, '/account/mfa?next=/admin');
    assert.equal(run('lost@example.com').status, 1, 'nothing left to remove');
  } finally { await srv.stop(); }
});
