// Operations: key rotation never runs under a live server (wherever its
// socket is), retired keys stay until removed on purpose, and a server
// started as root serves as an unprivileged user.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, request, BIN, ROOT } from '../lib/server.mjs';

const isRoot = process.getuid() === 0;
const tandemUid = () => Number(execFileSync('id', ['-u', 'tandem'], { encoding: 'utf8' }).trim());
const tandemGid = () => Number(execFileSync('id', ['-g', 'tandem'], { encoding: 'utf8' }).trim());
const retired = (data) => readdirSync(data).filter((n) => n.startsWith('secret.key.retired-'));
const tandem = (args, env) => spawnSync(BIN, args, { env, encoding: 'utf8', timeout: 30000 });

/** rotate-key against a live server: refused, and nothing about the key changed. */
function assertRefused(srv, env) {
  const before = readFileSync(join(srv.data, 'secret.key'), 'utf8');
  const r = tandem(['rotate-key'], env);
  assert.notEqual(r.status, 0, `rotate-key ran under a live server: ${r.stdout}`);
  assert.match(r.stderr, /served by a running instance .*stop the server first/);
  assert.equal(readFileSync(join(srv.data, 'secret.key'), 'utf8'), before, 'the key file is unchanged');
  assert.ok(!existsSync(join(srv.data, 'secret.key.new')));
  assert.deepEqual(retired(srv.data), []);
}

test('rotate-key is refused while a server holds the data directory, wherever its socket is', async () => {
  let srv = await startServer();
  const data = srv.data;
  assertRefused(srv, srv.env);
  // The socket path rotate-key is told about is not the server's: it must
  // still see the server (the lock is beside the database).
  assertRefused(srv, { ...srv.env, TANDEM_SOCKET: join(tmpdir(), `elsewhere-${process.pid}.sock`) });
  // A second server on the same data directory refuses too.
  const second = tandem(['serve'], { ...srv.env, TANDEM_SOCKET: join(tmpdir(), `second-${process.pid}.sock`) });
  assert.notEqual(second.status, 0);
  assert.match(second.stderr, /served by a running instance/);
  // And a second `make run` stops before it migrates or rewrites the
  // running server's nginx config.
  const conf = readFileSync(join(data, 'nginx.conf'), 'utf8');
  const run2 = spawnSync(join(ROOT, 'deploy', 'run.sh'), [], { env: { ...srv.env, TANDEM_PORT: '1' }, encoding: 'utf8', timeout: 30000 });
  assert.notEqual(run2.status, 0);
  assert.match(run2.stderr, /already running on/);
  assert.equal(readFileSync(join(data, 'nginx.conf'), 'utf8'), conf, 'its config is untouched');
  assert.equal((await request(srv, 'GET', '/healthz')).status, 200);

  const oldKey = readFileSync(join(data, 'secret.key'), 'utf8');
  await srv.stop({ keep: true });
  const r = tandem(['rotate-key'], srv.env);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /re-encrypted \d+ values under key \d+/);
  const newKey = readFileSync(join(data, 'secret.key'), 'utf8');
  assert.notEqual(newKey, oldKey);
  assert.equal(newKey.trim().split('\n').length, 1);
  // The old key is kept, private, in a file of its own.
  const kept = retired(data);
  assert.equal(kept.length, 1);
  assert.equal(readFileSync(join(data, kept[0]), 'utf8'), oldKey);
  assert.equal(statSync(join(data, kept[0])).mode & 0o777, 0o600);

  // It survives a restart: only the explicit step removes it.
  srv = await startServer({}, data);
  assert.equal((await request(srv, 'GET', '/healthz')).status, 200);
  await srv.stop({ keep: true });
  assert.deepEqual(retired(data), kept);
  const drop = tandem(['drop-retired-keys'], srv.env);
  assert.equal(drop.status, 0, drop.stderr);
  assert.match(drop.stdout, /1 retired key file\(s\) removed/);
  assert.deepEqual(retired(data), []);
  assert.equal(readFileSync(join(data, 'secret.key'), 'utf8'), newKey);
  rmSync(data, { recursive: true, force: true });
});

test('the lock holds when make run moved the socket to /run/tandem/PORT', { skip: !isRoot && 'only root moves the socket' }, async () => {
  // A parent nginx's workers (www-data) cannot pass but the server's user
  // can: run.sh moves the socket out of the data directory.
  const parent = mkdtempSync(join(tmpdir(), 'tandem-private-'));
  chownSync(parent, 0, tandemGid());
  chmodSync(parent, 0o710);
  const data = join(parent, 'data');
  mkdirSync(data);
  const srv = await startServer({}, data);
  try {
    assert.ok(!existsSync(join(data, 'tandem.sock')), 'the socket left the data directory');
    assert.ok(existsSync(join('/run/tandem', String(srv.port), 'tandem.sock')));
    assertRefused(srv, srv.env);
  } finally {
    await srv.stop();
    rmSync(parent, { recursive: true, force: true });
    rmSync(join('/run/tandem', String(srv.port)), { recursive: true, force: true });
  }
});

/** The real, effective, saved and filesystem ids of a process. */
function ids(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = (name) => status.match(new RegExp(`^${name}:[ \\t]*([^\\n]*)$`, 'm'))[1].trim();
  return { uid: line('Uid').split(/\s+/).map(Number), gid: line('Gid').split(/\s+/).map(Number), groups: line('Groups') };
}

test('the master and its workers run as the unprivileged user; nginx includes nothing from the data directory', async () => {
  const srv = await startServer();
  try {
    const uid = isRoot ? tandemUid() : process.getuid();
    const gid = isRoot ? tandemGid() : process.getgid();
    // The mail sender drops privileges like the workers; it names itself
    // tandem-mail as it starts (so it is none of workerPids).
    let mailer = [];
    for (let i = 0; i < 100 && !mailer.length; i++) {
      try { mailer = execFileSync('pgrep', ['-x', 'tandem-mail', '-P', String(srv.masterPid())], { encoding: 'utf8' }).trim().split('\n').map(Number); } catch { await new Promise((r) => setTimeout(r, 50)); }
    }
    assert.equal(mailer.length, 1, 'one mail sender');
    const pids = [srv.masterPid(), ...srv.workerPids()];
    assert.equal(pids.length, 4, 'a master, two page workers and one of the sign-in pool');
    pids.push(mailer[0]);
    for (const pid of pids) {
      const p = ids(pid);
      assert.deepEqual(p.uid, [uid, uid, uid, uid], `uids of ${pid}`);
      assert.deepEqual(p.gid, [gid, gid, gid, gid], `gids of ${pid}`);
      if (isRoot) assert.equal(p.groups, '', `no supplementary groups in ${pid}`);
    }
    // A worker that replaces a dead one is no different.
    process.kill(pids[1], 'SIGKILL');
    let now = [];
    for (let i = 0; i < 100; i++) {
      now = srv.workerPids();
      if (now.length === 3 && !now.includes(pids[1])) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const pid of now) assert.deepEqual(ids(pid).uid, [uid, uid, uid, uid]);
    // The key stays the invoking user's own (root's, when root).
    const key = statSync(join(srv.data, 'secret.key'));
    assert.equal(key.uid, process.getuid());
    assert.equal(key.mode & 0o777, 0o600);
    assert.equal((await request(srv, 'GET', '/healthz')).status, 200);
    const conf = readFileSync(join(srv.data, 'nginx.conf'), 'utf8');
    assert.doesNotMatch(conf, /extra\//);
    for (const m of conf.matchAll(/^\s*include\s+([^;]+);/gm)) {
      // Only the two files run.sh makes anew, root's own, every start.
      if (!m[1].startsWith(srv.data)) continue;
      assert.ok([join(srv.data, 'fastcgi.conf'), join(srv.data, 'nginx-app.conf')].includes(m[1]), `nginx includes ${m[1]}`);
      assert.equal(statSync(m[1]).uid, process.getuid());
      assert.equal(statSync(m[1]).nlink, 1);
    }
  } finally {
    await srv.stop();
  }
});

test('as root, a data directory the dropped user owns is refused before anything is written', { skip: !isRoot && 'only root drops' }, () => {
  // Its owner may rename anything in it, sticky bit or not: root's nginx
  // config and logs there would be the dropped user's to swap.
  const data = mkdtempSync(join(tmpdir(), 'tandem-owned-'));
  chownSync(data, tandemUid(), tandemGid());
  try {
    const r = spawnSync(join(ROOT, 'deploy', 'run.sh'), [], {
      env: { ...process.env, TANDEM_BIN: BIN, TANDEM_DATA: data, TANDEM_PORT: '1' }, encoding: 'utf8', timeout: 30000,
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /must belong to root/);
    assert.ok(!existsSync(join(data, 'nginx.conf')), 'no config written');
    // serve started directly checks the same, parents included.
    const s = tandem(['serve'], { ...process.env, TANDEM_DATA: data, TANDEM_SOCKET: join(data, 's.sock') });
    assert.notEqual(s.status, 0);
    assert.match(s.stderr, /must belong to root/);
  } finally {
    rmSync(data, { recursive: true, force: true });
  }
});

test('run.sh refuses settings that would write into nginx\'s config', () => {
  for (const [k, v] of [['TANDEM_PORT', '80; include /etc'], ['TANDEM_LOGIN_RATE', '10r/s; x'], ['TANDEM_DATA', '/tmp/a|b']]) {
    const r = spawnSync(join(ROOT, 'deploy', 'run.sh'), [], { env: { ...process.env, TANDEM_BIN: BIN, [k]: v }, encoding: 'utf8', timeout: 30000 });
    assert.notEqual(r.status, 0, k);
    assert.match(r.stderr, new RegExp(`${k}=.* is not valid`));
  }
});
