// One client denying service to everyone else, and the first admin's link:
// each test is an attack that used to work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, request, Client, signup, GOOD_PW } from '../lib/server.mjs';

const FAST = { TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

test('GET /setup with a wrong token writes nothing, and is rate limited like /login', async () => {
  const srv = await startServer();
  try {
    const before = srv.sql('SELECT count(*) FROM sessions');
    for (let i = 0; i < 5; i++) {
      const r = await request(srv, 'GET', `/setup?token=${'A'.repeat(43)}`);
      assert.equal(r.status, 404);
      assert.ok(!r.headers['set-cookie'], 'no pre-session cookie for a wrong link');
    }
    assert.equal(srv.sql('SELECT count(*) FROM sessions'), before, 'no row written');
    // The right link still gets its form, with a pre-session for the CSRF token.
    const ok = await new Client(srv).get(srv.setupUrl());
    assert.equal(ok.status, 200);
    assert.match(ok.body, /name="csrf" value="[A-Za-z0-9_-]+"/);
    // nginx's limit (10r/s, burst 20 by default): a stream of guesses is cut.
    const statuses = await Promise.all(Array.from({ length: 40 }, () =>
      request(srv, 'GET', `/setup?token=${'B'.repeat(43)}`).then((r) => r.status)));
    assert.ok(statuses.includes(429), `statuses: ${statuses.join(',')}`);
  } finally { await srv.stop(); }
});

test('one setup link, many concurrent POSTs: exactly one admin', async () => {
  // Three workers, two argon2id slots: two requests really hash at once.
  const srv = await startServer({ ...FAST, TANDEM_WORKERS: '3' });
  try {
    const url = srv.setupUrl();
    const token = url.split('token=')[1];
    const clients = [];
    for (let i = 0; i < 6; i++) {
      const c = new Client(srv);
      assert.equal((await c.get(url)).status, 200);
      clients.push(c);
    }
    const res = await Promise.all(clients.map((c, i) => c.post('/setup', {
      token, email: `root${i}@example.com`, display_name: `Root ${i}`, password: GOOD_PW, password_confirm: GOOD_PW,
    })));
    const statuses = res.map((r) => r.status);
    assert.equal(srv.sql("SELECT count(*) FROM users WHERE role = 'admin'"), '1', `statuses: ${statuses}`);
    assert.equal(statuses.filter((s) => s === 303).length, 1, `statuses: ${statuses}`);
    assert.ok(statuses.every((s) => s === 303 || s === 404), `statuses: ${statuses}`);
    assert.equal(srv.sql("SELECT count(*) FROM audit WHERE event = 'setup_used'"), '1');
  } finally { await srv.stop(); }
});

test('a stream of signups from one client: checked and throttled before argon2id; logins still work', async () => {
  const srv = await startServer(FAST); // two workers: one argon2id slot
  try {
    await signup(srv, 'steady@example.com', 'Steady');
    // Taken addresses and bad passwords never reach argon2id.
    const pre = new Client(srv);
    await pre.get('/signup');
    const hashesBefore = Number(srv.sql("SELECT count(*) FROM audit WHERE event = 'signup'"));
    const taken = await pre.post('/signup', { email: 'steady@example.com', display_name: 'X', password: GOOD_PW, password_confirm: GOOD_PW });
    assert.equal(taken.status, 422);
    assert.match(taken.body, /already exists/);
    // The flood: 30 signups from one address, each with a pre-session of its own.
    const flood = [];
    for (let i = 0; i < 30; i++) {
      const c = new Client(srv);
      await c.get('/signup');
      flood.push(c);
    }
    const logins = [];
    const floodDone = Promise.all(flood.map((c, i) => c.post('/signup', {
      email: `flood${i}@example.com`, display_name: `Flood ${i}`, password: GOOD_PW, password_confirm: GOOD_PW,
    }).then((r) => r.status)));
    for (let i = 0; i < 3; i++) {
      await sleep(40);
      const l = new Client(srv);
      await l.get('/login');
      logins.push(l.post('/login', { email: 'steady@example.com', password: GOOD_PW }).then((r) => r.status));
    }
    const floodStatuses = await floodDone;
    const loginStatuses = await Promise.all(logins);
    assert.deepEqual(loginStatuses, [303, 303, 303], `logins during the flood; flood: ${floodStatuses}`);
    const created = floodStatuses.filter((s) => s === 303).length;
    // 5 free, plus at most one in flight per worker when the fifth lands;
    // the rest are told to wait (or, on a slow machine, that it is busy).
    assert.ok(created <= 7, `at most a handful hashed: ${floodStatuses}`);
    assert.ok(floodStatuses.every((s) => [303, 429, 503].includes(s)), `${floodStatuses}`);
    assert.ok(floodStatuses.filter((s) => s === 429).length >= 20, `the rest waited: ${floodStatuses}`);
    assert.equal(Number(srv.sql("SELECT count(*) FROM audit WHERE event = 'signup'")) - hashesBefore, created);
  } finally { await srv.stop(); }
});

test('stalled requests from one address: capped per address, dropped within seconds, others served', { timeout: 60000 }, async () => {
  const srv = await startServer();
  const socks = [];
  try {
    // Each announces a body and never sends it (slow-body "slowloris"):
    // 200 of them from one address, loopback only.
    const held = await Promise.all(Array.from({ length: 200 }, () => new Promise((resolve) => {
      const s = net.connect({ port: srv.port, host: '127.0.0.1' });
      const st = { status: null, closedAt: null };
      s.on('error', () => {});
      s.on('data', (d) => { st.status ??= String(d).split(' ')[1]; });
      s.on('close', () => { st.closedAt = Date.now(); });
      s.on('connect', () => {
        s.write('POST /logout HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n'
          + 'Content-Length: 1000\r\n\r\n');
        resolve(st);
      });
      s.setTimeout(30000, () => s.destroy()); // never outlives the test
      socks.push(s);
    })));
    const t0 = Date.now();
    await sleep(1000);
    const refused = held.filter((h) => h.status === '429').length;
    assert.ok(refused >= 200 - 64, `at most 64 at once per address; ${refused} refused`);
    // Another client (127.0.0.2 is loopback too) is served at once.
    const other = await new Promise((resolve) => {
      const s = net.connect({ port: srv.port, host: '127.0.0.1', localAddress: '127.0.0.2' });
      let buf = '';
      s.on('connect', () => s.write('GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'));
      s.on('data', (d) => { buf += d; });
      s.on('end', () => resolve(buf.split('\r\n')[0]));
      s.on('error', (e) => resolve(e.code));
      s.setTimeout(8000, () => { s.destroy(); resolve('timeout'); });
    });
    assert.equal(other, 'HTTP/1.1 200 OK');
    // The ones let in are dropped after the 10 s body timeout, not 60 s.
    while (Date.now() - t0 < 16000 && held.some((h) => h.closedAt === null)) await sleep(250);
    assert.equal(held.filter((h) => h.closedAt === null).length, 0, 'every stalled request was dropped');
  } finally {
    for (const s of socks) s.destroy();
    await srv.stop();
  }
});

test('TANDEM_TRUSTED_PROXIES: X-Forwarded-For decides the address the limits count; without it, it is ignored', async () => {
  for (const [proxies, expect] of [['127.0.0.1, ::1', '203.0.113.7'], ['', '127.0.0.1']]) {
    const srv = await startServer({ ...FAST, TANDEM_TRUSTED_PROXIES: proxies });
    try {
      const c = new Client(srv);
      await c.get('/login');
      const r = await c.post('/login', { email: 'nobody@example.com', password: 'wrong wrong wrong' },
        { headers: { 'X-Forwarded-For': '198.51.100.1, 203.0.113.7' } });
      assert.equal(r.status, 401);
      assert.equal(srv.sql("SELECT key FROM auth_failures WHERE scope = 'ip'"), expect, `proxies '${proxies}'`);
    } finally { await srv.stop(); }
  }
});

test('failures from many addresses, or from the owner\'s own address, do not keep the owner out', async () => {
  const srv = await startServer(FAST);
  try {
    await signup(srv, 'owner@example.com', 'Owner');
    // The owner's browser has signed in before.
    const owner = new Client(srv);
    await owner.get('/login');
    assert.equal((await owner.post('/login', { email: 'owner@example.com', password: GOOD_PW })).status, 303);
    assert.ok(owner.known, 'a signed-in browser is remembered');
    await owner.post('/logout', {});
    // A second browser of the owner's, known too (a laptop that may get lost).
    const laptop = new Client(srv);
    await laptop.get('/login');
    assert.equal((await laptop.post('/login', { email: 'owner@example.com', password: GOOD_PW })).status, 303);
    // 150 failures against the account from 150 addresses in the last minutes
    // (written directly: 150 argon2id runs would only slow the test down).
    srv.sql(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 150)
             INSERT INTO auth_failures(scope, key, at)
             SELECT 'acct', 'owner@example.com', CAST(strftime('%s', 'now') AS INTEGER) - 300 + i FROM n`);
    // A stranger's browser (the attacker's) is held back by the account's cap...
    const stranger = new Client(srv);
    await stranger.get('/login');
    assert.equal((await stranger.post('/login', { email: 'owner@example.com', password: 'a guess at it' })).status, 429);
    // Failures from the owner's own address (a shared office NAT: every
    // test client here is 127.0.0.1) past that address's cap do not either.
    srv.sql(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
             INSERT INTO auth_failures(scope, key, at)
             SELECT 'ip', '127.0.0.1', CAST(strftime('%s', 'now') AS INTEGER) - 300 + i FROM n`);
    // ...the owner's, with the right password, is not.
    await owner.get('/login');
    const back = await owner.post('/login', { email: 'owner@example.com', password: GOOD_PW });
    assert.equal(back.status, 303, back.body.slice(0, 300));
    // Nor is changing the password from it (the stranger's cap still holds).
    await owner.get('/account/password');
    const NEW_PW = 'violet heron slowly paints';
    const changed = await owner.post('/account/password', { current_password: GOOD_PW, new_password: NEW_PW, new_password_confirm: NEW_PW });
    assert.equal(changed.status, 303, changed.body.slice(0, 300));
    assert.equal((await stranger.post('/login', { email: 'owner@example.com', password: NEW_PW })).status, 429);
    // The change forgot every other browser known for the account (a
    // stolen laptop keeps no head start), and kept this one.
    assert.equal(srv.sql(`SELECT count(*) FROM known_browsers WHERE user_id = (SELECT id FROM users WHERE email = 'owner@example.com')`), '1');
    // A known browser that guesses wrong stops being known after 5 tries.
    await owner.post('/logout', {});
    await owner.get('/login');
    for (let i = 0; i < 5; i++) {
      assert.equal((await owner.post('/login', { email: 'owner@example.com', password: `wrong ${i} wrong` })).status, 401);
    }
    assert.equal((await owner.post('/login', { email: 'owner@example.com', password: NEW_PW })).status, 429);
  } finally { await srv.stop(); }
});
