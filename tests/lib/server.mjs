// Starts the real stack (deploy/run.sh: nginx + `tandem serve`) on a free
// loopback port with a fresh data directory, and talks HTTP to it.
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import http from 'node:http';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = process.env.TANDEM_BIN || join(ROOT, 'build', 'asan', 'tandem');

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Start the stack; reuse `data` (a directory a stopped server kept) if given. */
export async function startServer(extraEnv = {}, data = mkdtempSync(join(tmpdir(), 'tandem-test-'))) {
  const port = await freePort();
  const env = {
    ...process.env, TANDEM_BIN: BIN, TANDEM_PORT: String(port), TANDEM_DATA: data,
    TANDEM_WORKERS: '2', ASAN_OPTIONS: 'detect_leaks=0:abort_on_error=0',
    // As behind a TLS proxy on this host: X-Forwarded-For names the client
    // (signup() gives each new person an address of their own).
    TANDEM_TRUSTED_PROXIES: '127.0.0.1',
    // Issue 16: address verification is on by default; the suites that are
    // not about it sign people up and use them at once, as before.
    // tests/http/accounts_life.test.mjs turns it on.
    TANDEM_SIGNUP_VERIFY: '0', ...extraEnv,
  };
  const child = spawn(join(ROOT, 'deploy', 'run.sh'), [], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => { output += d; });
  child.stderr.on('data', (d) => { output += d; });
  // 'close', not 'exit': the last log lines arrive after run.sh exits.
  const exited = new Promise((r) => child.on('close', (code, sig) => r({ code, sig })));
  const srv = {
    port, data, base: `http://127.0.0.1:${port}`, child, env,
    // issue 16: the test clock's offset (server time = real time + this),
    // and the TOTP secrets of accounts enrolled through enrolMfa, by email.
    clockOffset: 0, mfaSecrets: new Map(), usedSteps: new Map(),
    /** What run.sh printed plus the server's log file. */
    log: () => { try { return output + readFileSync(env.TANDEM_LOG || join(data, 'tandem.log'), 'utf8'); } catch { return output; } },
    db: join(data, 'tandem.db'),
    async stop({ keep = false } = {}) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      // A timer cleared once it is no longer needed: a pending one would
      // keep node (and `node --test`) alive for its full 10 s.
      let timer;
      const r = await Promise.race([exited, new Promise((res) => { timer = setTimeout(() => res(null), 10000); })]);
      clearTimeout(timer);
      if (!r) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }
      const all = srv.log();
      const sanitizer = all.match(/(ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer)[^\n]*/);
      srv.finalLog = all;
      if (!keep && !process.env.KEEP_DATA) rmSync(data, { recursive: true, force: true });
      if (sanitizer) throw new Error(`sanitizer report in server output: ${sanitizer[0]}`);
      // What the store logs only on a programming error (store/db.c).
      const bug = all.match(/msg="(a transaction was left open[^"]*|slow work inside a grouped commit)"/);
      if (bug) throw new Error(`server logged a programming error: ${bug[1]}`);
      // A statement that failed inside a request (store/db.h's latch): a
      // bug unless the test made it fail (tests/faults).
      const failed = all.match(/msg="a statement failed; what it was part of is refused"[^\n]*/);
      if (failed && !srv.statementFailuresExpected) throw new Error(`a statement failed in a request: ${failed[0]}`);
      return r;
    },
    /** Move the server's clock (test builds only) `seconds` past real time. */
    // Readable by the user a root server drops to, whatever the umask.
    setClock(seconds) { const f = join(data, 'test-clock'); writeFileSync(f, String(seconds)); chmodSync(f, 0o644); srv.clockOffset = Number(seconds); },
    /** Seconds since the epoch on the server's clock. */
    now() { return Math.floor(Date.now() / 1000) + srv.clockOffset; },
    sql(query) {
      return execFileSync('sqlite3', ['-cmd', '.timeout 5000', srv.db, query], { encoding: 'utf8' }).trim();
    },
    masterPid() { return Number(readFileSync(join(data, 'tandem.pid'), 'utf8').trim()); },
    workerPids() {
      try {
        return execFileSync('pgrep', ['-x', 'tandem', '-P', String(srv.masterPid())], { encoding: 'utf8' })
          .trim().split('\n').filter(Boolean).map(Number);
      } catch { return []; }
    },
    setupUrl() {
      const m = output.match(/\/setup\?token=([A-Za-z0-9_-]+)/);
      return m ? m[0] : null;
    },
    createAdmin(email, name, password) {
      return execFileSync(BIN, ['create-admin', '--email', email, '--name', name],
        { env, input: password + '\n', encoding: 'utf8' });
    },
  };
  // As root, run.sh puts the socket in /run/tandem/PORT when nginx's
  // workers cannot reach the data directory.
  const sockets = [join(data, 'tandem.sock'), join('/run/tandem', String(port), 'tandem.sock')];
  for (let i = 0; i < 200; i++) {
    if (sockets.some((s) => existsSync(s))) {
      try { const r = await request(srv, 'GET', '/healthz'); if (r.status === 200) return srv; } catch { /* not yet */ }
    }
    await sleep(50);
  }
  await srv.stop().catch(() => {});
  throw new Error(`server did not start:\n${output}`);
}

/** One HTTP request. body: string or object/array of pairs (urlencoded). */
export function request(srv, method, path, { headers = {}, body, raw } = {}) {
  let payload = body;
  if (body && typeof body !== 'string' && !Buffer.isBuffer(body)) payload = encodeForm(body);
  const h = { ...headers };
  if (payload !== undefined && !('content-type' in lower(h))) h['Content-Type'] = 'application/x-www-form-urlencoded';
  if (payload !== undefined) h['Content-Length'] = Buffer.byteLength(payload);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: srv.port, method, path, headers: h, agent: false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), raw: res.rawHeaders }));
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

function lower(h) { return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v])); }

export function encodeForm(fields) {
  const pairs = Array.isArray(fields) ? fields : Object.entries(fields);
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

/** Send raw bytes on a TCP connection and read the status line back. */
export function rawRequest(srv, text) {
  return new Promise((resolve, reject) => {
    const s = net.connect(srv.port, '127.0.0.1', () => s.write(text)); // no half-close: nginx drops the reply
    let buf = '';
    s.on('data', (d) => { buf += d; });
    s.on('end', () => resolve(buf));
    s.on('error', reject);
    s.setTimeout(10000, () => { s.destroy(); reject(new Error('raw request timed out')); });
  });
}

/** A browser-like client: keeps the session and flash cookies and the last CSRF token. */
export class Client {
  constructor(srv) { this.srv = srv; this.sid = null; this.flash = null; this.known = null; this.csrf = null; this.last = null; }
  cookieHeader() {
    const jar = [];
    if (this.sid) jar.push(`__Host-sid=${this.sid}`);
    if (this.flash) jar.push(`__Host-flash=${this.flash}`);
    if (this.known) jar.push(`__Host-known=${this.known}`);
    return jar.length ? { Cookie: jar.join('; ') } : {};
  }
  absorb(res) {
    for (const c of [].concat(res.headers['set-cookie'] || [])) {
      const m = c.match(/^__Host-(sid|flash|known)=([^;]*)/);
      if (m) this[m[1]] = /Max-Age=0;/.test(c) ? null : m[2] || null;
    }
    const t = res.body.match(/name="csrf" value="([^"]+)"/);
    if (t) this.csrf = t[1];
    this.last = res;
    return res;
  }
  async get(path, headers = {}) {
    return this.absorb(await request(this.srv, 'GET', path, { headers: { ...this.cookieHeader(), ...headers } }));
  }
  /** POST fields with this client's CSRF token unless fields carry their own. */
  async post(path, fields = {}, { headers = {}, csrf = true } = {}) {
    const pairs = Array.isArray(fields) ? [...fields] : Object.entries(fields);
    if (csrf && !pairs.some(([k]) => k === 'csrf')) pairs.push(['csrf', this.csrf || '']);
    return this.absorb(await request(this.srv, 'POST', path, {
      body: pairs,
      headers: { ...this.cookieHeader(), Origin: this.srv.base.replace('http://', 'http://'), Host: `127.0.0.1:${this.srv.port}`, ...headers },
    }));
  }
}

export const GOOD_PW = 'amber otter quietly sings';

let signupAddr = 0;
/** A new person signs up, from an address of their own (through the proxy
 * the test server trusts): the per-address signup limit is for one client. */
export async function signup(srv, email, name = 'Test Person', password = GOOD_PW) {
  const c = new Client(srv);
  await c.get('/signup');
  signupAddr++;
  const xff = { 'X-Forwarded-For': `10.77.${(signupAddr >> 8) & 255}.${signupAddr & 255}` };
  const r = await c.post('/signup', { email, display_name: name, password, password_confirm: password }, { headers: xff });
  if (r.status !== 303) throw new Error(`signup failed: ${r.status} ${r.body.slice(0, 400)}`);
  await c.get('/');
  return c;
}

export async function login(srv, email, password = GOOD_PW) {
  const c = new Client(srv);
  await c.get('/login');
  const r = await c.post('/login', { email, password });
  if (r.status !== 303) throw new Error(`login failed: ${r.status}`);
  // issue 16: an account enrolled through enrolMfa gives its code, as
  // its owner would, on the real /login/mfa page.
  if (r.headers.location.startsWith('/login/mfa') && srv.mfaSecrets.has(email)) {
    await c.get(r.headers.location);
    const p = await c.post('/login/mfa', { code: await nextTotp(srv, srv.mfaSecrets.get(email)), next: '' });
    if (p.status !== 303) throw new Error(`second factor failed: ${p.status} ${p.body.slice(0, 400)}`);
  }
  await c.get('/');
  return c;
}

/** An admin signed in: created with the CLI, logged in, and enrolled in
 * two-factor sign-in through the real pages (TANDEM_ADMIN_MFA=required
 * is the default), so the session has passed its second factor. */
export async function adminClient(srv, email = 'admin@example.com') {
  srv.createAdmin(email, 'Ada Admin', GOOD_PW);
  const c = await login(srv, email);
  await enrolMfa(c, email);
  return c;
}

/** RFC 6238 TOTP (HMAC-SHA-1, 30 s steps) of a base32 secret at step. */
export function totp(secret, step, digits = 6) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const ch of secret.replace(/[\s=]/g, '').toUpperCase()) bits += alphabet.indexOf(ch).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(step));
  const h = createHmac('sha1', key).update(msg).digest();
  const o = h[19] & 15;
  return String((h.readUInt32BE(o) & 0x7fffffff) % 10 ** digits).padStart(digits, '0');
}

/** A code the server will accept now for secret: the current step's, or
 * the next one's (one step of drift) when this test used the current one
 * already; waits for a fresh step when both were used. */
export async function nextTotp(srv, secret) {
  for (;;) {
    const step = Math.floor(srv.now() / 30);
    const used = srv.usedSteps.get(secret) ?? 0;
    const pick = step > used ? step : step + 1 > used ? step + 1 : 0;
    if (pick) { srv.usedSteps.set(secret, pick); return totp(secret, pick); }
    await sleep(1000);
  }
}

/** Enrol c's account in two-factor sign-in through /account/mfa, reading
 * the secret from the page as a person types it into an app; c's session
 * has then passed the factor. Returns { secret, recovery }. */
export async function enrolMfa(c, email) {
  const page = await c.get('/account/mfa');
  const m = page.body.match(/id="secret">([A-Z2-7 ]+)</);
  if (!m) throw new Error(`no secret on /account/mfa: ${page.status} ${page.body.slice(0, 400)}`);
  const secret = m[1].replace(/ /g, '');
  const r = await c.post('/account/mfa', { code: await nextTotp(c.srv, secret), next: '' });
  if (r.status !== 200) throw new Error(`enrolment failed: ${r.status} ${r.body.slice(0, 400)}`);
  const recovery = [...r.body.matchAll(/<li><code>([a-z2-7-]+)<\/code><\/li>/g)].map((x) => x[1]);
  if (email) c.srv.mfaSecrets.set(email, secret);
  c.mfa = { secret, recovery };
  return c.mfa;
}

/** The POST routes from the one route table, with {id} patterns. */
export function postRoutes() {
  const src = readFileSync(join(ROOT, 'app', 'pages', 'routes.c'), 'utf8');
  return [...src.matchAll(/\{"POST", "([^"]+)"/g)].map((m) => m[1]);
}

export const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
};
