// The running stack through a real nginx: health, error statuses, the
// headers every response carries, malformed input, worker restarts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, request, rawRequest, SECURITY_HEADERS, BIN, Client } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer(); });
after(async () => { await srv.stop(); });

function assertSecurityHeaders(res, what) {
  for (const [k, v] of Object.entries(SECURITY_HEADERS)) assert.equal(res.headers[k], v, `${k} on ${what}`);
  assert.match(res.headers['content-type'] || '', /charset=utf-8/i, `charset on ${what}`);
  assert.ok(!/\d/.test(res.headers.server || ''), `no Server version on ${what}: ${res.headers.server}`);
}

test('healthz answers ok after a real query', async () => {
  const r = await request(srv, 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.equal(r.body, 'ok');
  assert.match(r.headers['content-type'], /^text\/plain; charset=utf-8/);
  assertSecurityHeaders(r, '/healthz');
});

test('the home page sends a signed-out visitor to sign in, and the login page is a real page', async () => {
  const r = await request(srv, 'GET', '/');
  assert.equal(r.status, 303);
  assert.equal(r.headers.location, '/login?next=/');
  const deep = await request(srv, 'GET', '/admin/surveys/1/export.csv');
  assert.equal(deep.headers.location, '/login?next=/admin/surveys/1/export.csv');
  const c = new Client(srv);
  const p = await c.get('/login');
  assert.equal(p.status, 200);
  assert.match(p.body, /<h1>Sign in to Tandem<\/h1>/);
  assert.match(p.body, /<link rel="stylesheet" href="\/static\/app.css">/);
  assert.equal(p.headers['cache-control'], 'no-store');
  assertSecurityHeaders(p, '/login');
  const css = await request(srv, 'GET', '/static/app.css');
  assert.equal(css.status, 200);
  assert.match(css.headers['content-type'], /text\/css; charset=utf-8/);
  assertSecurityHeaders(css, 'static css');
});

test('every status carries the security headers, nginx-generated ones included', async () => {
  const cases = [
    ['unknown path (app 404)', await request(srv, 'GET', '/no/such/page'), 404],
    ['wrong method (app 405)', await request(srv, 'PUT', '/login'), 405],
    ['bad escape (app 400)', await request(srv, 'GET', '/login?x=%zz'), 400],
    ['wrong content type (app 415)', await request(srv, 'POST', '/login', { body: '{"a":1}', headers: { 'Content-Type': 'application/json' } }), 415],
    ['body too large (nginx 413)', await request(srv, 'POST', '/login', { body: 'a=' + 'x'.repeat(600 * 1024) }), 413],
    ['missing static file (nginx 404)', await request(srv, 'GET', '/static/nope.css'), 404],
  ];
  for (const [what, res, status] of cases) {
    assert.equal(res.status, status, what);
    assertSecurityHeaders(res, what);
  }
  const bad = await rawRequest(srv, 'GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\nConnection: close\r\n\r\n'); // nginx 400
  assert.match(bad, /^HTTP\/1.1 400/);
  assert.match(bad, /Content-Security-Policy: default-src 'self'/);
  assert.match(bad, /X-Content-Type-Options: nosniff/);
  assert.doesNotMatch(bad, /Server: nginx\/\d/);
});

test('405 names the allowed methods', async () => {
  const r = await request(srv, 'GET', '/logout');
  assert.equal(r.status, 405);
  assert.equal(r.headers.allow, 'POST');
  assert.match(r.body, /does not accept/);
});

test('the request log has one line per request and never query strings or form values', async () => {
  await request(srv, 'GET', '/login?next=/secret-query-value');
  const c = new Client(srv);
  await c.get('/login');
  await c.post('/login', { email: 'logcanary@example.com', password: 'LogCanaryPassword123' });
  const log = srv.log();
  assert.match(log, /msg="request" rid="[0-9a-f]{16}" method="GET" path="\/login" route="\/login" status="200" dur_us="\d+"/);
  assert.ok(!log.includes('secret-query-value'));
  assert.ok(!log.includes('logcanary'));
  assert.ok(!log.includes('LogCanaryPassword123'));
  assert.ok(!log.includes(c.sid));
});

test('10,000 malformed requests get only 4xx and no worker restarts', { timeout: 300000 }, async () => {
  const before = srv.workerPids().sort();
  const bads = [
    () => request(srv, 'GET', '/login?a=%'),
    () => request(srv, 'GET', '/login?a=%C0%AF'),
    () => request(srv, 'GET', '/login?a=%00'),
    () => request(srv, 'GET', '/login?' + 'k'.repeat(100) + '=1'),
    () => request(srv, 'POST', '/login', { body: 'a=%FF%FE' }),
    () => request(srv, 'POST', '/login', { body: 'email=x', headers: { 'Content-Type': 'text/plain' } }),
    () => request(srv, 'POST', '/signup', { body: 'a=' + 'y'.repeat(66000) }),
    () => request(srv, 'POST', '/login', { body: Array.from({ length: 100 }, (_, i) => `f${i}=1`).join('&') }),
    () => request(srv, 'GET', '/login', { headers: { Cookie: '__Host-sid=caf\u00e9' } }),
    () => rawRequest(srv, 'GET /login HTTP/1.1\r\nHost: x\r\nCookie: a=\u0001\r\nConnection: close\r\n\r\n').then((t) => ({ status: Number(t.slice(9, 12)) })),
    () => request(srv, 'GET', '/%ff%fe'),
    () => request(srv, 'DELETE', '/'),
    () => request(srv, 'GET', '/mentors/00001'),
  ];
  let done = 0;
  const statuses = new Map();
  const worker = async () => {
    while (done < 10000) {
      const i = done++;
      const r = await bads[i % bads.length]();
      statuses.set(r.status, (statuses.get(r.status) || 0) + 1);
      if (r.status < 400 || r.status >= 500) assert.fail(`request ${i % bads.length} got ${r.status}`);
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  assert.deepEqual(srv.workerPids().sort(), before, 'no worker was replaced');
  assert.ok(!srv.log().includes('worker died'));
  const ok = await request(srv, 'GET', '/healthz');
  assert.equal(ok.status, 200);
});

test('a worker killed with SIGKILL is replaced and requests keep succeeding', async () => {
  const pids = srv.workerPids();
  assert.equal(pids.length, 3, 'two page workers and one of the sign-in pool');
  process.kill(pids[0], 'SIGKILL');
  for (let i = 0; i < 50; i++) {
    const r = await request(srv, 'GET', '/healthz');
    assert.equal(r.status, 200);
  }
  let now = [];
  for (let i = 0; i < 100 && now.length !== 3; i++) { now = srv.workerPids(); await new Promise((r) => setTimeout(r, 50)); }
  assert.equal(now.length, 3);
  assert.ok(!now.includes(pids[0]));
  assert.match(srv.log(), /msg="worker died; restarting" pid="\d+" how="signal 9"/);
});

test('a second serve on the same socket refuses to start instead of stealing it', () => {
  const r = spawnSync(BIN, ['serve'], { env: srv.env, encoding: 'utf8', timeout: 10000 });
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /served by a running instance/);
  assert.ok(existsSync(join(srv.data, 'tandem.sock')));
});

test('migrate is idempotent and version prints', () => {
  const out = execFileSync(BIN, ['migrate'], { env: srv.env, encoding: 'utf8' });
  assert.match(out, /migrations applied: 0/);
  assert.match(execFileSync(BIN, ['version'], { encoding: 'utf8' }), /^tandem /);
});

test('SIGTERM stops everything cleanly, leaving no socket', async () => {
  const other = await startServer();
  const r = await other.stop();
  assert.ok(r, 'stopped within the timeout');
  assert.ok(!existsSync(join(other.data, 'tandem.sock')));
  assert.match(other.finalLog, /msg="stopped"/);
});
