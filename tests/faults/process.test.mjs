// Faults a server meets for real, each under a load of people logging
// sessions: a worker or the master killed outright, the power cut at a
// random instant, the key file lost or damaged. The promise in each: every
// request answered 303 is a stored, readable row afterwards, the database
// is whole, and the service answers again within 2 seconds.
import { test, before, after, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync, unlinkSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, request } from '../lib/server.mjs';
import { newMentorship } from '../lib/fixtures.mjs';

let srv;
let pairs = [];
before(async () => {
  srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', TANDEM_WORKERS: '3' });
  for (let i = 0; i < 4; i++) pairs.push(await newMentorship(srv));
});
after(async () => { await srv.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const today = () => new Date().toISOString().slice(0, 10);

/** People log sessions until stop() is called; resolves to the ids of
 * every session answered 303 and how many requests failed. */
const loads = new Set();
afterEach(async () => { for (const l of loads) await l.stop(); loads.clear(); });

function load() {
  let running = true;
  const acked = [];
  let failed = 0;
  const one = async ({ mentee, ms }, n) => {
    for (let i = 0; running; i++) {
      try {
        const r = await mentee.post(`${ms}/sessions`, { held_on: today(), duration_min: '30', kind: 'one_on_one',
          labels: '', agenda: `load ${n}-${i}`, shared_notes: `notes ${n}-${i}`, private_notes: '' });
        if (r.status === 303) acked.push({ id: Number(r.headers.location.split('/').pop()), at: Date.now() });
        else failed++;
      } catch { failed++; await sleep(20); }
    }
  };
  const all = Promise.all(pairs.map((p, n) => one(p, n)));
  const l = { acked, stop: async () => { running = false; await all; loads.delete(l); return { acked, failed }; } };
  loads.add(l);
  return l;
}

function assertStoredAndWhole(db, acked) {
  const sql = (q) => execFileSync('sqlite3', ['-cmd', '.timeout 5000', db, q], { encoding: 'utf8' }).trim();
  assert.equal(sql('PRAGMA integrity_check'), 'ok');
  assert.equal(sql('PRAGMA foreign_key_check'), '');
  if (acked.length === 0) return;
  const ids = acked.map((a) => a.id);
  const found = Number(sql(`SELECT count(*) FROM meetings WHERE id IN (${ids.join(',')})`));
  assert.equal(found, ids.length, 'every session answered 303 is stored');
}

/** A process that runs (an exited one waiting for its reaper, a zombie, does not). */
function running(pid) {
  try { return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0] !== 'Z'; } catch { return false; }
}

async function answersWithin(ms) {
  const t0 = Date.now();
  for (;;) {
    try { if ((await request(srv, 'GET', '/healthz')).status === 200) return Date.now() - t0; } catch { /* not yet */ }
    if (Date.now() - t0 > ms) return Infinity;
    await sleep(25);
  }
}

test('kill -9 of a worker under load: every 303 is stored, the rest of the service goes on', async () => {
  const l = load();
  await sleep(700);
  const victim = srv.workerPids()[0];
  assert.ok(victim, 'a worker to kill');
  process.kill(victim, 'SIGKILL');
  assert.ok(await answersWithin(2000) <= 2000, 'answers again within 2 s');
  await sleep(700);
  const { acked } = await l.stop();
  assert.ok(acked.length > 10, `sessions were logged around the kill (${acked.length})`);
  // The master replaced it.
  for (let i = 0; i < 40 && !srv.workerPids().length; i++) await sleep(50);
  assert.ok(!srv.workerPids().includes(victim));
  assertStoredAndWhole(srv.db, acked);
  assert.match(srv.log(), /worker (died|exited)|restart/i);
});

test('kill -9 of the master under load: its workers follow it, it is started again within 2 s, every 303 is stored', async () => {
  const l = load();
  await sleep(700);
  const master = srv.masterPid();
  const workers = srv.workerPids();
  process.kill(master, 'SIGKILL');
  const t = await answersWithin(2000);
  assert.ok(t <= 2000, `answers again within 2 s (took ${t} ms)`);
  await sleep(500);
  const { acked } = await l.stop();
  assert.notEqual(srv.masterPid(), master, 'a new master');
  for (const w of workers) assert.ok(!running(w), `old worker ${w} is gone`);
  assertStoredAndWhole(srv.db, acked);
});

test('power cut at a random instant: the files as they were are a whole database with every 303 before it', async () => {
  const l = load();
  await sleep(400 + Math.floor(Math.random() * 800));
  // Everything of the server stops at once, as a power cut would stop it;
  // what its files hold at that instant is what the disk would hold
  // (every acknowledged commit was fsync'd first).
  const pids = [srv.masterPid(), ...srv.workerPids()];
  for (const p of pids) process.kill(p, 'SIGSTOP');
  const cutAt = Date.now();
  const dir = mkdtempSync(join(tmpdir(), 'tandem-powercut-'));
  try {
    copyFileSync(srv.db, join(dir, 'tandem.db'));
    if (existsSync(`${srv.db}-wal`)) copyFileSync(`${srv.db}-wal`, join(dir, 'tandem.db-wal'));
  } finally {
    for (const p of pids) process.kill(p, 'SIGCONT');
  }
  const { acked } = await l.stop();
  const before = acked.filter((a) => a.at < cutAt);
  assert.ok(before.length > 0, 'sessions were acknowledged before the cut');
  assertStoredAndWhole(join(dir, 'tandem.db'), before);
  rmSync(dir, { recursive: true, force: true });
});

test('a worker that tries to start a program is stopped by its confinement: 500, killed, replaced', async () => {
  const trigger = join(srv.data, 'test-execve');
  const before = srv.workerPids();
  writeFileSync(trigger, '');
  let r;
  try {
    r = await request(srv, 'GET', '/healthz');
  } finally {
    unlinkSync(trigger);
  }
  assert.equal(r.status, 500);
  assert.match(r.body, /Something went wrong/);
  for (let i = 0; i < 40 && !/killed" syscall=59\b/.test(srv.log()); i++) await sleep(50);
  assert.match(srv.log(), /worker made a system call it may not; killed" syscall=59\b/);
  assert.ok(await answersWithin(2000) <= 2000);
  for (let i = 0; i < 40 && srv.workerPids().filter((p) => !before.includes(p)).length === 0; i++) await sleep(50);
  assert.ok(srv.workerPids().some((p) => !before.includes(p)), 'the master started a new worker');
  assert.match(srv.log(), /worker died; restarting.*how="signal 31"/);
});

test('a lost or damaged key file with sealed notes: serve refuses to start and makes no new key', async () => {
  // Notes exist (the tests above sealed many).
  const data = srv.data;
  await srv.stop({ keep: true });
  const key = join(data, 'secret.key');
  const saved = readFileSync(key, 'utf8');
  try {
    unlinkSync(key);
    const r = spawnSync(join(srv.env.TANDEM_BIN), ['serve'], { env: srv.env, encoding: 'utf8', timeout: 20000 });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /key file .* is missing, and the database holds sealed notes: put the key file back/);
    assert.ok(!existsSync(key), 'no new key was made over the old notes');

    writeFileSync(key, 'not a key at all\n', { mode: 0o600 });
    const d = spawnSync(srv.env.TANDEM_BIN, ['serve'], { env: srv.env, encoding: 'utf8', timeout: 20000 });
    assert.notEqual(d.status, 0);
    assert.match(d.stderr, /key/i);
    assert.equal(readFileSync(key, 'utf8'), 'not a key at all\n', 'the damaged file is left for the operator');
  } finally {
    writeFileSync(key, saved, { mode: 0o600 });
  }
  srv = await startServer({}, data);
  assert.equal((await request(srv, 'GET', '/healthz')).status, 200);
});
