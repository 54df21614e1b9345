// Second review of the failure latch (a352ee9): what the sender's
// "unmarked" state and the master's HOUSEKEEPING_JOB wrapping still get
// wrong. Each test says what it shows.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signup } from '../lib/server.mjs';
import { newMentorship, uniqueEmail, userId } from '../lib/fixtures.mjs';
import { faultServer, stmtFault } from '../lib/faults.mjs';

const fault = stmtFault;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('the master\'s survey release is one latched job for every survey', () => {
  let srv;
  before(async () => {
    srv = await faultServer();
  });
  after(async () => { await srv.stop(); });

  test('one survey whose pool cannot be read (a persistent fault on its batch) keeps every other survey\'s pool from being released or withheld, round after round', async () => {
    // Survey 1: open, its batch full (k = 5), so the release reads its
    // pool (open_pool). Survey 2: closed with 2 answers (< k): the
    // release only withholds them (deletes its pool), no pool read.
    let sql = "INSERT INTO surveys(id, title, audience, status) VALUES (901, 'Stuck', 'both', 'open');\n";
    sql += "INSERT INTO surveys(id, title, audience, status) VALUES (902, 'Closed', 'both', 'closed');\n";
    for (let i = 0; i < 5; i++) sql += "INSERT INTO survey_pool(id, survey_id, sealed) VALUES (randomblob(16), 901, x'00');\n";
    for (let i = 0; i < 2; i++) sql += "INSERT INTO survey_pool(id, survey_id, sealed) VALUES (randomblob(16), 902, x'00');\n";
    srv.sql(`BEGIN;\n${sql}COMMIT;`);
    // Only survey 1's pool read fails (store/surveys.c open_pool).
    fault(srv, 'SELECT id, sealed FROM survey_pool WHERE survey_id');
    try {
      // The master's housekeeping runs once a minute (master.c).
      const end = Date.now() + 75000;
      while (srv.sql('SELECT count(*) FROM survey_pool WHERE survey_id = 902') !== '0' && Date.now() < end) await sleep(1000);
    } finally {
      fault(srv, null);
    }
    const left = srv.sql('SELECT count(*) FROM survey_pool WHERE survey_id = 902');
    assert.equal(left, '0',
      `after a housekeeping round, the closed survey 902 still has ${left} answer(s) in its pool: survey 901's failed read latched the whole job, and survey_release_all's other surveys (each their own transaction) were refused`);
  });
});

describe('the sender\'s kept "sent" ids while the mark cannot be written', () => {
  test('a mail sent while its mark fails, whose row is then deleted (the account deleted) and its id taken by a new row, marks the new row sent: that mail is never sent', async () => {
    const { startSink } = await import('../lib/mail.mjs');
    const sink = await startSink();
    const srv = await faultServer({ TANDEM_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, TANDEM_MAIL_FROM: 'mentoring@example.org',
      TANDEM_SIGNUP_VERIFY: '1' }); // a signup mails its verification link
    const to = (email) => sink.files().filter((f) => readFileSync(f, 'utf8').includes(email)).length;
    try {
      await sleep(1500);
      // The "sent" mark fails (store/outbox.c outbox_mark_sent; a busy or failing
      // write that only the sender meets); the sender keeps the ids
      // (sender.c flush(), x->unmarked) for as long as it fails.
      fault(srv, 'UPDATE outbox SET state = ');
      const x = uniqueEmail('gone');
      await signup(srv, x, 'Xena Gone');
      const xid = userId(srv, x);
      const end = Date.now() + 8000;
      while (to(x) === 0 && Date.now() < end) await sleep(100);
      assert.ok(to(x) >= 1, 'X\'s verification mail went out');
      const n = Number(srv.sql(`SELECT max(id) FROM outbox WHERE user_id = ${xid}`));
      assert.equal(srv.sql(`SELECT state FROM outbox WHERE id = ${n}`), '0', 'its mark failed');
      assert.equal(srv.sql('SELECT max(id) FROM outbox'), String(n), 'X\'s mail is the newest row');
      // X deletes the account: store/mydata.c deletes X's outbox rows.
      srv.sql(`DELETE FROM outbox WHERE user_id = ${xid}`);
      // Y signs up: the new verification row takes the free id (INTEGER
      // PRIMARY KEY without AUTOINCREMENT reuses the largest one).
      const y = uniqueEmail('next');
      await signup(srv, y, 'Yann Next');
      const yid = userId(srv, y);
      const yrow = Number(srv.sql(`SELECT min(id) FROM outbox WHERE user_id = ${yid}`));
      assert.equal(yrow, n, 'Y\'s mail row has the id the sender still owes a mark to');
      fault(srv, null); // the mark can be written again
      const end2 = Date.now() + 6000;
      while (to(y) === 0 && Date.now() < end2) await sleep(200);
      assert.ok(to(y) >= 1,
        `Y's verification mail was never sent: its row is state ${srv.sql(`SELECT state FROM outbox WHERE id = ${yrow}`)} (1 = sent), marked by the kept id of X's mail`);
    } finally {
      fault(srv, null);
      await srv.stop();
      await sink.stop();
      sink.cleanup();
    }
  });
});

describe('the session touch on a full disk', () => {
  const isRoot = process.getuid() === 0;
  test('README "the disk full ... pages still render": a signed-in person back after a minute gets 503 "disk is full, so nothing was saved" for a plain GET, because the last-seen touch (a lone write) fails and the latch fails the request', { skip: !isRoot && 'mounting a small filesystem needs root' }, async () => {
    const mnt = mkdtempSync(join(tmpdir(), 'tandem-full2-'));
    const logDir = mkdtempSync(join(tmpdir(), 'tandem-full2-log-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0711', 'tmpfs', mnt]);
    let srv, fill;
    try {
      srv = await faultServer({ TANDEM_LOG: join(logDir, 'tandem.log') }, mnt);
      const { mentee, ms } = await newMentorship(srv);
      const big = 'x'.repeat(3000);
      const today = new Date().toISOString().slice(0, 10);
      const post = (i) => mentee.post(`${ms}/sessions`, { held_on: today, duration_min: '30', kind: 'one_on_one',
        labels: '', agenda: `full ${i} ${big}`, shared_notes: `notes ${i} ${big}`, private_notes: '' });
      await mentee.get(`${ms}/sessions/new`);
      assert.equal((await post(0)).status, 303);
      // As tests/faults/disk.test.mjs: fill the filesystem, then write
      // until the disk says no (the WAL may still have room).
      fill = join(mnt, 'filler');
      spawnSync('dd', ['if=/dev/zero', `of=${fill}`, 'bs=64k'], { stdio: 'ignore' });
      let refused = null;
      for (let i = 1; i < 400 && !refused; i++) {
        const r = await post(i);
        if (r.status !== 303) refused = r;
      }
      assert.equal(refused && refused.status, 503, 'the disk is full');
      // Within the minute (no touch): the page renders.
      assert.equal((await mentee.get(ms)).status, 200, 'pages still render (no touch due)');
      // The same person two minutes later: the first statement is the
      // session's last-seen touch (store/sessions.c sess_touch), a lone
      // write that the full disk refuses; the latch fails the GET.
      // (The clock file needs a block: free the filler for it, then fill
      // again; no statement ran in between.)
      unlinkSync(fill);
      srv.setClock(120);
      spawnSync('dd', ['if=/dev/zero', `of=${fill}`, 'bs=4k'], { stdio: 'ignore' });
      const r = await mentee.get(ms);
      const again = await mentee.get('/');
      assert.equal(r.status, 200,
        `a signed-in GET after a minute on a full disk answered ${r.status}: ${(r.body.match(/<p>([^<]*)/) || [])[1]} (and the next GET of / ${again.status}: last_seen is never written, so every page of every signed-in person fails)`);
    } finally {
      if (fill) { try { unlinkSync(fill); } catch { /* gone */ } }
      if (srv) await srv.stop({ keep: true }).catch(() => {});
      spawnSync('umount', ['-l', mnt]);
      rmSync(mnt, { recursive: true, force: true });
      rmSync(logDir, { recursive: true, force: true });
    }
  });
});
