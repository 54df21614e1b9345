// I/O errors, through a SQLite VFS of the test build that fails the reads,
// writes or fsyncs that $TANDEM_DATA/test-faults names (app/store/
// faultvfs.c): a write whose WAL write or fsync fails is never answered
// 303 and stores nothing a reader can see; a page whose read fails is an
// error page, not a crash; once the fault ends everything works again,
// without a restart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { faultLine, faultServer } from '../lib/faults.mjs';
import { newMentorship } from '../lib/fixtures.mjs';

let srv, pair;
before(async () => {
  srv = await faultServer();
  pair = await newMentorship(srv);
  await pair.mentee.get(`${pair.ms}/sessions/new`);
});
after(async () => { await srv.stop(); });

const today = () => new Date().toISOString().slice(0, 10);
const post = (note) => pair.mentee.post(`${pair.ms}/sessions`, { held_on: today(), duration_min: '30',
  kind: 'one_on_one', labels: '', agenda: note, shared_notes: note, private_notes: '' });
const count = () => Number(srv.sql('SELECT count(*) FROM meetings'));
const fault = (what) => faultLine(srv, what);

for (const op of ['fsync', 'write']) {
  test(`a failed ${op} is never answered 303 and stores nothing; writes work again once it ends`, async () => {
    assert.equal((await post(`before ${op}`)).status, 303);
    const stored = count();
    fault(op);
    try {
      for (let i = 0; i < 3; i++) {
        const r = await post(`during ${op} ${i}`);
        assert.notEqual(r.status, 303, `refused while ${op} fails`);
        assert.ok(r.status >= 500, `${r.status}`);
        assert.match(r.body, /nothing was saved/);
      }
    } finally {
      fault(null);
    }
    assert.equal(count(), stored, 'nothing of the refused writes is stored');
    const ok = await post(`after ${op}`);
    assert.equal(ok.status, 303);
    assert.equal(count(), stored + 1);
    assert.equal(srv.sql('PRAGMA integrity_check'), 'ok');
  });
}

test('a failed read is an error page, and pages work again once it ends', async () => {
  // A write from outside the server makes every worker drop its page
  // cache and read from the files again.
  srv.sql('PRAGMA user_version = 7');
  fault('read');
  let r;
  try {
    r = await pair.mentor.get(pair.ms);
  } finally {
    fault(null);
  }
  assert.equal(r.status, 500);
  assert.match(r.body, /request id|went wrong/i);
  assert.equal((await pair.mentor.get(pair.ms)).status, 200);
  assert.equal((await post('after read')).status, 303);
});
