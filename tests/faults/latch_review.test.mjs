// Review of the failure latch (c3e2967): places where a failed statement
// still reaches a 200 page, or where a request that did not fail is
// answered with the store's error page. Each test says what it shows.
import { test, before, after, describe } from 'node:test';
import assert from 'node:assert/strict';
import { adminClient, signup, nextTotp, Client } from '../lib/server.mjs';
import { uniqueEmail, userId } from '../lib/fixtures.mjs';
import { at, pair, people, session, inOneTransaction, twoTeamsAutumn } from '../lib/history.mjs';
import { newMentorship } from '../lib/fixtures.mjs';
import { faultLine, faultServer, stmtFault } from '../lib/faults.mjs';

const fault = stmtFault;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

describe('the insights cache keeps a fragment built on a failed read', () => {
  let srv, admin;
  const WEEK = '2026-10-05';
  before(async () => {
    // One page worker: the second request meets the first one's cache.
    srv = await faultServer({ TANDEM_WORKERS: '1' });
    admin = await adminClient(srv);
    let sql = "INSERT INTO topics(id, name, key) VALUES (1, 'Testing', 'testing');\n";
    sql += "INSERT INTO teams(name) VALUES ('Gamma');\n";
    const [s, ids] = people('Gamma', 30);
    sql += s;
    for (let i = 0; i < 10; i++) {
      const [ms, q] = pair(ids[2 * i], ids[2 * i + 1], '2026-10-06');
      sql += q + session(ms, ids[2 * i], '2026-10-07');
    }
    srv.sql(inOneTransaction(sql));
    await sleep(1500); // the sender closes the weeks (insight_close)
  });
  after(async () => { await srv.stop(); });

  test('a read that failed under /admin/insights is answered 500, and the next request (fault gone) still shows the empty fragment with 200', async () => {
    const url = '/admin/insights?by=week&from=2026-09-28&to=2026-10-18';
    const row = new RegExp(`<tr><th scope="row">${WEEK}</th>`);
    // Control: the same figures under another query (another cache key).
    const control = await admin.get('/admin/insights?by=week&from=2026-09-28&to=2026-10-19');
    assert.equal(control.status, 200);
    assert.match(control.body, row, 'the week has a row when nothing fails');
    // The first day of the history: read without checking its step
    // (store/insights.c read_grid); failed, the page has no weeks at all.
    fault(srv, 'SELECT coalesce((SELECT min(week) FROM insight_frozen)');
    let r;
    try {
      r = await admin.get(url);
    } finally {
      fault(srv, null);
    }
    assert.equal(r.status, 500, 'the latch fails the request itself');
    const again = await admin.get(url);
    assert.equal(again.status, 200);
    assert.match(again.body, row, 'the week is shown once nothing fails (a fragment built on the failed read must not have been kept)');
  });
});

describe('a one-time response and a failure after its commit', () => {
  let srv;
  before(async () => {
    srv = await faultServer();
  });
  after(async () => { await srv.stop(); });

  test('two-factor enrolment whose layout read fails: never enrolled without the recovery codes shown (they are shown only once)', async () => {
    const email = uniqueEmail('mfa');
    const c = await signup(srv, email, 'Mo Member');
    const page = await c.get('/account/mfa');
    const secret = page.body.match(/id="secret">([A-Z2-7 ]+)</)[1].replace(/ /g, '');
    // The layout's "Surveys (N)" count: it was first read after mfa_enrol
    // had committed, so the latch answered 500 over the codes of an
    // enrolment that stood. It is read with the session now (sql/0034),
    // before anything of the request.
    fault(srv, 'coalesce(u.surveys_waiting, 0)');
    let r;
    try {
      r = await c.post('/account/mfa', { code: await nextTotp(srv, secret), next: '' });
    } finally {
      fault(srv, null);
    }
    const uid = userId(srv, email);
    const enrolled = srv.sql(`SELECT count(*) FROM mfa WHERE user_id = ${uid} AND enrolled_at IS NOT NULL`);
    const codes = srv.sql(`SELECT count(*) FROM mfa_recovery WHERE user_id = ${uid}`);
    // Refused as a whole: nothing enrolled, the person enrols again.
    assert.equal(r.status, 500);
    assert.match(r.body, /nothing was saved/);
    assert.equal(enrolled, '0', 'not enrolled with codes nobody saw');
    assert.equal(codes, '0');
    const again = await c.get('/account/mfa');
    const secret2 = again.body.match(/id="secret">([A-Z2-7 ]+)</)[1].replace(/ /g, '');
    const ok = await c.post('/account/mfa', { code: await nextTotp(srv, secret2), next: '' });
    assert.equal(ok.status, 200);
    assert.match(ok.body, /recovery-codes/);
  });
});

describe('a lone write that fails at its commit is not in SQLite\'s log', () => {
  let srv, ms;
  before(async () => {
    srv = await faultServer();
    ms = await newMentorship(srv);
  });
  after(async () => { await srv.stop(); });

  test('sign-out whose DELETE of the session fails (a write I/O error) answers 303 "signed out", and the old cookie still signs in', async () => {
    const c = ms.mentee;
    assert.equal((await c.get('/')).status, 200);
    const sid = c.sid;
    const sessions = srv.sql('SELECT count(*) FROM sessions');
    // The write of the lone DELETE fails when it commits (pages go to the
    // WAL then): SQLite returns SQLITE_IOERR_WRITE from sqlite3_step, but
    // an error at an autocommit statement's commit (OP_Halt) is not sent
    // to SQLITE_CONFIG_LOG, so the latch never hears of it
    // (db_exec_step's own "step failed" line is all there is).
    faultLine(srv, 'write');
    let r;
    try {
      r = await c.post('/logout', {});
    } finally {
      faultLine(srv, null);
    }
    assert.match(srv.log(), /step failed" err="disk I\/O error"/, 'the DELETE failed');
    assert.equal(srv.sql('SELECT count(*) FROM sessions'), sessions, 'the session row is still there');
    c.sid = sid; // the cookie a thief (or a shared computer) still holds
    const again = await c.get('/');
    assert.ok(r.status >= 500 || again.status !== 200,
      `sign-out answered ${r.status} (${r.headers.location}) while the session stayed valid: the old cookie still gets ${again.status}`);
  });
});

describe('the mail sender builds /program\'s charts outside the latch', () => {
  let srv, member;
  before(async () => {
    srv = await faultServer({ TANDEM_SURVEY_K: '3' });
    member = await signup(srv, uniqueEmail('pm'), 'Mo Member');
  });
  after(async () => { await srv.stop(); });

  test('a read that fails while the builder draws the charts keeps nothing; once the fault ends /program shows the figures', async () => {
    // As tests/http/program_cache: Wednesday 28 October 2026, a history
    // of September and October in two teams.
    const [sql] = twoTeamsAutumn();
    const want = () => `2026-10-28|3|${srv.sql("SELECT n FROM kept_counts WHERE name = 'program_rev'")}`;
    const kept = () => srv.sql("SELECT version FROM program_parts WHERE part = 'charts'");
    // The builder's read of the history's first week fails (store/insights.c
    // read_grid steps it without looking at the result).
    fault(srv, 'SELECT coalesce((SELECT min(week) FROM insight_frozen)');
    try {
      srv.setClock(at('2026-10-28', 12) - Math.floor(Date.now() / 1000));
      srv.sql(inOneTransaction(sql));
      await sleep(2500); // several rounds of the builder meet the fault
      assert.notEqual(kept(), want(), 'charts built on the failed read are not kept at the live version');
    } finally {
      fault(srv, null);
    }
    // The fault gone: the page draws what is not kept at the live version
    // itself (pages/program.c), with the figures; the builder, resting
    // 30 s after a failure, keeps them later.
    const p = await member.get('/program');
    assert.equal(p.status, 200);
    assert.match(p.body, /The latest whole month \(2026-09\)/, 'the charts have their figures');
  });
});

describe('the session touch counts as "your change"', () => {
  let srv, ms;
  before(async () => {
    srv = await faultServer();
    ms = await newMentorship(srv);
  });
  after(async () => { await srv.stop(); });

  test('a GET of the dashboard by someone back after a minute, whose read fails, says "after your change was saved" (no "nothing was saved", no store-failure line with its request id)', async () => {
    assert.equal((await ms.mentee.get('/')).status, 200);
    // Back after two minutes: the request's first statement is the
    // session's last_seen touch (a lone write, store/sessions.c), which
    // the latch records as "a transaction of the request committed".
    srv.setClock(120);
    fault(srv, 'SELECT week, n FROM activity_weeks'); // a read of the dashboard's own
    let r;
    try {
      r = await ms.mentee.get('/');
    } finally {
      fault(srv, null);
    }
    assert.equal(r.status, 500);
    const rid = (r.body.match(/<code>([^<]+)<\/code>/) || [])[1];
    assert.doesNotMatch(r.body, /after your change was saved/, 'a GET changed nothing the person did');
    assert.match(r.body, /nothing was saved/);
    assert.ok(rid && new RegExp(`store failure answered 500[^\n]*rid="${rid}"`).test(srv.log()),
      'the error log line that ties the failure to the request id on the page (README)');
  });
});

describe('an audit that fails open', () => {
  let srv, admin;
  before(async () => {
    srv = await faultServer();
    admin = await adminClient(srv);
    srv.sql("INSERT INTO surveys(id, title, audience, status) VALUES (77, 'Pulse', 'both', 'closed')");
  });
  after(async () => { await srv.stop(); });

  test('a survey export whose "survey_results_viewed" audit INSERT fails at its commit is still answered 200 with the data, and no audit row says who took it', async () => {
    const audits = () => srv.sql("SELECT count(*) FROM audit WHERE event = 'survey_results_viewed'");
    const ok = await admin.get('/admin/surveys/77/export.csv');
    assert.equal(ok.status, 200);
    assert.equal(audits(), '1', 'control: an export is audited');
    faultLine(srv, 'write');
    let r;
    try {
      r = await admin.get('/admin/surveys/77/export.csv');
    } finally {
      faultLine(srv, null);
    }
    assert.match(srv.log(), /step failed" err="disk I\/O error"/, 'the audit INSERT failed');
    assert.ok(r.status !== 200 || audits() === '2',
      `the export was answered ${r.status} (${r.headers['content-type']}) with ${audits()} audit row(s): the failed audit write is not a failed request`);
  });
});

describe('the mail sender while writes fail (pre-existing, not the latch)', () => {
  test('a reminder that falls due while writes fail is sent again every half second: its "sent" mark (flush) fails and nothing notices', async () => {
    const { startSink } = await import('../lib/mail.mjs');
    const sink = await startSink();
    const srv = await faultServer({ TANDEM_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, TANDEM_MAIL_FROM: 'mentoring@example.org' });
    try {
      const pair = await newMentorship(srv);
      // A session planned 48 hours ahead: its reminders fall due a day before.
      const at = new Date(Date.now() + 48 * 3600 * 1000);
      at.setUTCSeconds(0, 0);
      await pair.mentor.get(pair.ms);
      assert.equal((await pair.mentor.post(`${pair.ms}/next`, { next_at: at.toISOString().slice(0, 16) })).status, 303);
      await sleep(1500); // what is due now goes first
      const later = Number(srv.sql("SELECT count(*) FROM outbox WHERE state = 0 AND due > strftime('%s', 'now') + 3600 AND due <= strftime('%s', 'now') + 47 * 3600"));
      assert.ok(later >= 1, 'reminders wait for their day');
      const before = sink.files().length;
      // The disk fills (every write fails), and the reminders' day comes.
      faultLine(srv, 'write');
      try {
        srv.setClock(47 * 3600);
        await sleep(4000);
      } finally {
        faultLine(srv, null);
      }
      const sent = sink.files().length - before;
      assert.ok(sent <= later, `${sent} messages for ${later} reminder row(s) in 4 s: each one resent at every batch`);
    } finally {
      await srv.stop();
      await sink.stop();
      sink.cleanup();
    }
  });
});

describe('the mail sender\'s "forgot password" queue runs outside the latch', () => {
  let srv;
  before(async () => {
    srv = await faultServer();
  });
  after(async () => { await srv.stop(); });

  test('a reset request whose links-this-hour count cannot be read is dropped from the queue with no link issued: the person never gets the mail', async () => {
    const email = uniqueEmail('forgot');
    await signup(srv, email, 'Rick Reset');
    srv.sql(`UPDATE users SET verified = 1 WHERE email = '${email}'`);
    const uid = userId(srv, email);
    const anon = new Client(srv);
    await anon.get('/password/forgot');
    // store/acct_life.c forgot_one: a failed count reads as "enough links
    // this hour", and acct_forgot_work (sender.c batch(), not under the
    // latch) then deletes the queued request as done.
    fault(srv, 'SELECT count(*) FROM account_tokens WHERE user_id = :u AND purpose IN');
    try {
      const r = await anon.post('/password/forgot', { email });
      assert.equal(r.status, 200);
      assert.match(r.body, /Check your mail/);
      const end = Date.now() + 5000;
      while (srv.sql('SELECT count(*) FROM forgot_queue') !== '0' && Date.now() < end) await sleep(100);
    } finally {
      fault(srv, null);
    }
    await sleep(1500);
    const tokens = srv.sql(`SELECT count(*) FROM account_tokens WHERE user_id = ${uid}`);
    const queued = srv.sql('SELECT count(*) FROM forgot_queue');
    assert.ok(tokens !== '0' || queued !== '0',
      `after the fault: ${tokens} reset token(s) issued and ${queued} request(s) still queued: the request is gone`);
  });
});
