// A full disk: the data directory on a small filesystem (tmpfs with a
// size) that the test fills. Writes answer 503 "nothing was saved" and
// store no part of themselves, pages still render, the log says why once
// (not once per request), and writes succeed again as soon as space is
// freed, without a restart. Needs root (to mount); CI runs as root.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { faultServer } from '../lib/faults.mjs';
import { newMentorship } from '../lib/fixtures.mjs';

const isRoot = process.getuid() === 0;
const today = () => new Date().toISOString().slice(0, 10);

test('a full disk refuses writes with 503, keeps pages up, says so once, and recovers without a restart', { skip: !isRoot && 'mounting a small filesystem needs root' }, async () => {
  const mnt = mkdtempSync(join(tmpdir(), 'tandem-full-'));
  const logDir = mkdtempSync(join(tmpdir(), 'tandem-full-log-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0711', 'tmpfs', mnt]);
  let srv;
  try {
    srv = await faultServer({ TANDEM_LOG: join(logDir, 'tandem.log') }, mnt);
    const { mentee, ms } = await newMentorship(srv);
    const big = 'x'.repeat(3000);
    const post = (i) => mentee.post(`${ms}/sessions`, { held_on: today(), duration_min: '30', kind: 'one_on_one',
      labels: '', agenda: `full ${i} ${big}`, shared_notes: `notes ${i} ${big}`, private_notes: '' });
    await mentee.get(`${ms}/sessions/new`);
    assert.equal((await post(0)).status, 303);
    const count = () => Number(srv.sql('SELECT count(*) FROM meetings'));

    // Fill what is left of the filesystem.
    const fill = join(mnt, 'filler');
    spawnSync('dd', ['if=/dev/zero', `of=${fill}`, 'bs=64k'], { stdio: 'ignore' });
    // The WAL may still have room it reuses: post until the disk says no.
    const acked = [];
    let refused = null;
    for (let i = 1; i < 400 && !refused; i++) {
      const r = await post(i);
      if (r.status === 303) acked.push(r.headers.location);
      else refused = r;
    }
    assert.ok(refused, 'a write was refused once the disk filled');
    assert.equal(refused.status, 503);
    assert.match(refused.body, /disk is full, so nothing was saved/);
    assert.ok(refused.headers['retry-after']);
    const stored = count();
    // Every later write is refused too, and stores nothing of itself.
    for (let i = 0; i < 5; i++) assert.equal((await post(1000 + i)).status, 503);
    assert.equal(count(), stored, 'no half-written row');
    // Pages still render, the stored sessions with them.
    assert.equal((await mentee.get(ms)).status, 200);
    for (const s of acked.slice(-3)) assert.equal((await mentee.get(s)).status, 200);
    const said = (srv.log().match(/the disk is full: every write is refused/g) || []).length;
    assert.ok(said >= 1 && said <= 3, `said once per worker at most, not per request (${said})`);

    // Space freed: the next write goes through, no restart.
    const master = srv.masterPid();
    unlinkSync(fill);
    const ok = await post(2000);
    assert.equal(ok.status, 303);
    assert.equal(count(), stored + 1);
    assert.equal(srv.masterPid(), master);
    assert.equal(srv.sql('PRAGMA integrity_check'), 'ok');
    // Each worker that met the full disk says so at its next write; the
    // write above may have gone to the other one: write until it has.
    for (let i = 0; i < 30 && !/the disk has space again/.test(srv.log()); i++) assert.equal((await post(3000 + i)).status, 303);
    assert.match(srv.log(), /the disk has space again/);
  } finally {
    if (srv) await srv.stop({ keep: true }).catch(() => {});
    spawnSync('umount', ['-l', mnt]);
    rmSync(mnt, { recursive: true, force: true });
    rmSync(logDir, { recursive: true, force: true });
  }
});
