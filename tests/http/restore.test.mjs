// Backups that restore: a backup taken while people write, restored into a
// fresh data directory, holds every session acknowledged before it began,
// readable; `tandem check` reports on live data for monitoring; `tandem
// restore` checks a file before it replaces anything and never runs under
// a live server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, login, BIN } from '../lib/server.mjs';
import { newMentorship } from '../lib/fixtures.mjs';

const tandem = (args, env) => spawnSync(BIN, args, { env, encoding: 'utf8', timeout: 60000 });
const today = () => new Date().toISOString().slice(0, 10);

async function logSession(who, ms, note) {
  await who.get(`${ms}/sessions/new`);
  return who.post(`${ms}/sessions`, { held_on: today(), duration_min: '30', kind: 'one_on_one', labels: '',
    agenda: `Asks: ${note}`, shared_notes: `${note} shared`, private_notes: '' });
}

test('a backup under load restores into a fresh directory with every acknowledged session readable', async () => {
  let srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' });
  const { mentee, menteeEmail, ms } = await newMentorship(srv);
  const acked = [];
  for (let i = 0; i < 5; i++) {
    const r = await logSession(mentee, ms, `before-${i}`);
    assert.equal(r.status, 303);
    acked.push({ note: `before-${i}`, url: r.headers.location });
  }
  // Writes go on while the backup runs.
  let writing = true;
  const during = (async () => {
    let n = 0;
    for (let i = 0; writing && i < 200; i++) if ((await logSession(mentee, ms, `during-${i}`)).status === 303) n++;
    return n;
  })();
  const backup = join(mkdtempSync(join(tmpdir(), 'tandem-backup-')), 'copy.db');
  // The backup runs as its own process while the writes above go on (an
  // async spawn: the event loop keeps sending them meanwhile).
  const b = await new Promise((resolve) => {
    const p = spawn(BIN, ['backup', backup], { env: srv.env });
    let err = '';
    p.stderr.on('data', (d) => { err += d; });
    p.on('close', (status) => resolve({ status, stderr: err }));
  });
  writing = false;
  const writtenDuring = await during;
  assert.equal(b.status, 0, b.stderr);

  assert.ok(writtenDuring > 0, 'sessions were logged while the backup ran');
  // The live data passes the monitoring check, read-only: it leaves
  // nothing beside the database.
  const besides = () => readdirSync(srv.data).filter((f) => f.startsWith('tandem.db')).sort().join();
  const filesBefore = besides();
  const live = tandem(['check'], srv.env);
  assert.equal(live.status, 0, live.stdout + live.stderr);
  assert.match(live.stdout, /integrity: +ok/);
  assert.match(live.stdout, /sealed values: \d+, of which 0 do not open/);
  assert.equal(besides(), filesBefore);
  // And a backup file is checked without a trace beside it.
  const cb = tandem(['check', backup], srv.env);
  assert.equal(cb.status, 0, cb.stdout + cb.stderr);
  assert.deepEqual(readdirSync(join(backup, '..')), ['copy.db']);

  // Restoring under the live server is refused, and replaces nothing.
  const busy = tandem(['restore', backup], srv.env);
  assert.notEqual(busy.status, 0);
  assert.match(busy.stderr, /running|serve/i);
  await srv.stop({ keep: true });

  // A fresh data directory with the same key (kept apart from backups).
  const fresh = mkdtempSync(join(tmpdir(), 'tandem-restored-'));
  chmodSync(fresh, 0o711);
  copyFileSync(join(srv.data, 'secret.key'), join(fresh, 'secret.key'));
  chmodSync(join(fresh, 'secret.key'), 0o600);
  const env = { ...srv.env, TANDEM_DATA: fresh };
  const r = tandem(['restore', backup], env);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /passed/);
  assert.match(r.stdout, /restored /);

  const again = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' }, fresh);
  try {
    const who = await login(again, menteeEmail);
    for (const { note, url } of acked) {
      const page = await who.get(url);
      assert.equal(page.status, 200, `${url} is there after the restore`);
      assert.ok(page.body.includes(`${note} shared`), `${note}'s notes open after the restore`);
    }
  } finally {
    await again.stop();
    rmSync(srv.data, { recursive: true, force: true });
    rmSync(join(backup, '..'), { recursive: true, force: true });
  }
});

test('restore refuses a damaged file, or one sealed under another key, and keeps what it would replace', async () => {
  const srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' });
  const { mentee, ms } = await newMentorship(srv);
  assert.equal((await logSession(mentee, ms, 'kept')).status, 303);
  const dir = mkdtempSync(join(tmpdir(), 'tandem-backup-'));
  const good = join(dir, 'good.db');
  assert.equal(tandem(['backup', good], srv.env).status, 0);
  await srv.stop({ keep: true });
  const before = readdirSync(srv.data).sort();

  // Not a database at all.
  const junk = join(dir, 'junk.db');
  writeFileSync(junk, 'this is not a database, just bytes '.repeat(200));
  const j = tandem(['restore', junk], srv.env);
  assert.notEqual(j.status, 0);
  assert.match(j.stderr, /nothing was replaced/);

  // A backup whose sealed values were written under another installation's key.
  const other = mkdtempSync(join(tmpdir(), 'tandem-otherkey-'));
  chmodSync(other, 0o711);
  const o = tandem(['restore', good], { ...srv.env, TANDEM_DATA: other });
  // (no key there: restore must not make one up over sealed data)
  assert.notEqual(o.status, 0);
  assert.ok(!existsSync(join(other, 'tandem.db')), 'nothing was put in place');
  // With a different key present, the check finds values that do not open.
  const keyed = mkdtempSync(join(tmpdir(), 'tandem-otherkey-'));
  chmodSync(keyed, 0o711);
  const made = await startServer({}, keyed); // makes its own key and an empty database
  await made.stop({ keep: true });
  const k = tandem(['restore', good], { ...srv.env, TANDEM_DATA: keyed });
  assert.notEqual(k.status, 0);
  assert.match(k.stdout, /sealed values: \d+, of which [1-9]\d* do not open/);
  assert.match(k.stderr, /nothing was replaced/);
  assert.equal(readdirSync(srv.data).sort().join(), before.join(), 'the data directory is as it was');

  // A good file replaces the database and keeps the old one aside.
  const ok = tandem(['restore', good], srv.env);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.ok(readdirSync(srv.data).some((f) => /^tandem\.db\.replaced-\d{8}T\d{6}Z$/.test(f)), 'the replaced database is kept');
  const check = tandem(['check'], srv.env);
  assert.equal(check.status, 0, check.stdout);
  for (const d of [srv.data, dir, other, keyed]) rmSync(d, { recursive: true, force: true });
});
