// Feedback mail (issue 14) after a logged session: the session's commit
// writes no mail row (sql/0044); an hour later the sender turns the session
// into an outbox row for each of the pair and moves its mark past it, in
// one transaction. A failure in the middle of that must leave the mark
// where it was: the mail is late, never lost, never sent twice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { newMentorship } from '../lib/fixtures.mjs';
import { faultServer, stmtFault } from '../lib/faults.mjs';
import { startSink, mailbox } from '../lib/mail.mjs';

let srv, sink, box;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  sink = await startSink();
  srv = await faultServer({ TANDEM_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, TANDEM_MAIL_FROM: 'mentoring@example.org' });
  box = mailbox(() => sink.files());
});
after(async () => {
  stmtFault(srv, null);
  await srv.stop();
  await sink.stop();
  sink.cleanup();
});

test('the expansion fails at either statement: nothing half done, and once it can run, each of the pair is asked exactly once', async () => {
  const p = await newMentorship(srv, { topic: 'Feedback under faults' });
  await p.mentee.get(`${p.ms}/sessions/new`);
  const s = (await p.mentee.post(`${p.ms}/sessions`, { held_on: new Date().toISOString().slice(0, 10), duration_min: '30',
    kind: 'one_on_one', labels: '', agenda: '', shared_notes: '', private_notes: '' })).headers.location;
  assert.match(s, /^\/sessions\/\d+$/);
  const id = s.split('/').pop();
  const mark = () => Number(srv.sql(`SELECT last FROM id_counters WHERE name = 'feedback_asked'`));
  assert.ok(mark() < Number(id), 'the session waits past the mark');
  assert.equal(srv.sql(`SELECT count(*) FROM outbox WHERE event = 11 AND ref = ${id}`), '0');

  // Each statement of the expansion fails in turn (the outbox rows for
  // the pair, then the move of the mark), a few of the sender's rounds
  // each: whichever fails, nothing of it may stay.
  srv.setClock(3700);
  for (const text of ['CASE w.mentee WHEN 0', "SET last = :hi WHERE name = 'feedback_asked'"]) {
    stmtFault(srv, text);
    await sleep(2000); // the sender looks twice a second
    assert.equal(srv.sql(`SELECT count(*) FROM outbox WHERE event = 11 AND ref = ${id}`), '0', `${text}: nothing half done`);
    assert.ok(mark() < Number(id), `${text}: the mark stays`);
  }
  const asked = (who) => box.to(who).filter((m) => /^Your feedback/.test(m.headers.subject)).length;
  assert.equal(asked(p.mentorEmail) + asked(p.menteeEmail), 0, 'nobody asked yet');

  stmtFault(srv, null);
  await box.until(() => asked(p.mentorEmail) > 0 && asked(p.menteeEmail) > 0, 'both asked');
  assert.ok(mark() >= Number(id), 'the mark moved past the session');
  await sleep(1500);
  for (const who of [p.mentorEmail, p.menteeEmail]) assert.equal(asked(who), 1, `${who}: once`);
});
