// Issue 19, recognition: a completed mentorship is celebrated on /program
// only while both of the pair agree (either takes it back, and it is gone
// at once); the mentee's thank-you note reaches the mentor (their
// mentorship page and record), nobody else, and /program only when the
// mentee made it public and both celebrate; it is sealed at rest, escaped,
// never in mail or logs, and goes when an account is erased. A mentor may
// show one line of their record on their directory card.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { startServer, signup, login, adminClient, GOOD_PW, BIN } from '../lib/server.mjs';
import { newMentorship, uniqueEmail, userId } from '../lib/fixtures.mjs';

const FAST = { TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let srv;
before(async () => { srv = await startServer(FAST); });
after(async () => { if (srv) await srv.stop(); });

const idOf = (ms) => ms.split('/').pop();
// The sentence as the page shows it (names and topic are plain; the dash
// is the one character the page writes between them). These pairs finish
// on the day they start: the sentence claims no weeks (it said "six
// weeks", the weeks planned, before the UX review).
const line = (mentor, mentee, topic, rest = ' — goal met') => `${mentor} and ${mentee} finished their mentorship on ${topic}${rest}`;

async function program(c) {
  const r = await c.get('/program');
  assert.equal(r.status, 200);
  return r.body;
}

function atRest(needle) {
  srv.sql('PRAGMA wal_checkpoint(FULL)');
  return readdirSync(srv.data).filter((n) => n.startsWith('tandem.db'))
    .filter((f) => readFileSync(join(srv.data, f)).includes(needle));
}


/** The mentor agrees to show the note as the page shows it: the form
 * carries the revision of the text they read. */
async function agree(c, ms) {
  const page = await c.get(ms);
  const rev = page.body.match(/name="rev" value="(\d+)"/);
  assert.ok(rev, 'the agree form carries the note\'s revision');
  return c.post(`${ms}/thanks/show`, { show: '1', rev: rev[1] });
}

test('a celebration shows only while both agree; either takes it back and it is gone at once', async () => {
  const p = await newMentorship(srv, { topic: 'strace', mentorName: 'Ana Consent', menteeName: 'Ben Consent' });
  const other = await signup(srv, uniqueEmail('third'), 'Third Member');
  const sentence = line('Ana Consent', 'Ben Consent', 'strace');
  // Celebrating an active mentorship: nothing to celebrate yet.
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/celebrate`, { celebrate: '1' })).status, 409);
  // The mentee completes it and opts in alone: not on /program.
  const done = await p.mentee.post(`${p.ms}/complete`, { outcome: 'goal_met', celebrate: '1' });
  assert.equal(done.status, 303);
  assert.ok(!(await program(other)).includes(sentence), 'one person agreeing is not enough');
  const menteePage = (await p.mentee.get(p.ms)).body;
  assert.match(menteePage, /You agreed\. It shows once Ana Consent agrees too\./);
  const mentorPage = (await p.mentor.get(p.ms)).body;
  assert.match(mentorPage, /Ben Consent would like to celebrate it\. It shows once you agree too\./);
  // The mentor agrees later from the mentorship page: shown to every member.
  assert.equal((await p.mentor.post(`${p.ms}/celebrate`, { celebrate: '1' })).status, 303);
  assert.ok((await program(other)).includes(sentence), 'both agreed: on /program');
  assert.match((await p.mentee.get(p.ms)).body, /Shown on <a href="\/program">the program page<\/a>/);
  // The mentee takes it back: gone at once.
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/celebrate`, {})).status, 303);
  assert.ok(!(await program(other)).includes(sentence), 'the mentee withdrew');
  // Agrees again; then the mentor takes it back: gone again.
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/celebrate`, { celebrate: '1' })).status, 303);
  assert.ok((await program(other)).includes(sentence));
  await p.mentor.get(p.ms);
  assert.equal((await p.mentor.post(`${p.ms}/celebrate`, {})).status, 303);
  assert.ok(!(await program(other)).includes(sentence), 'the mentor withdrew');
  // A stranger cannot consent for them, nor learn the mentorship exists.
  await other.get('/program');
  assert.equal((await other.post(`${p.ms}/celebrate`, { celebrate: '1' })).status, 404);
  assert.equal((await other.post(`${p.ms}/thanks`, { thanks: 'nosy' })).status, 404);
  assert.equal(srv.sql(`SELECT mentor_ok || mentee_ok || (shown_at IS NULL) FROM celebrations WHERE mentorship_id = ${idOf(p.ms)}`), '011');
});

test('the thank-you note reaches the mentor, escaped; others see it only when public and celebrated', async () => {
  const canary = `THANKS-CANARY-${Date.now().toString(36)}`;
  const note = `<script>alert(1)</script> ${canary} you taught me how to read syscalls`;
  const p = await newMentorship(srv, { topic: 'gdb', mentorName: 'Ana Notes', menteeName: 'Ben Notes' });
  const other = await signup(srv, uniqueEmail('third'), 'Third Reader');
  const admin = await adminClient(srv, uniqueEmail('admin'));
  const sentence = line('Ana Notes', 'Ben Notes', 'gdb');
  await p.mentee.get(p.ms);
  // Too long: 422, the form again with every character typed.
  const long = `${canary}-${'x'.repeat(2100)}`;
  const bad = await p.mentee.post(`${p.ms}/complete`, { outcome: 'partly', thanks: long, celebrate: '1', thanks_public: '1' });
  assert.equal(bad.status, 422);
  assert.ok(bad.body.includes(long), 'the typed note comes back');
  assert.match(bad.body, /value="partly" checked/);
  assert.equal(srv.sql(`SELECT status FROM mentorships WHERE id = ${idOf(p.ms)}`), 'active', 'nothing was saved');
  // Completed with a public note and the mentee's consent.
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/complete`, { outcome: 'goal_met', thanks: note, celebrate: '1', thanks_public: '1' })).status, 303);
  // The mentor reads it, escaped, on the mentorship page and the record.
  const page = (await p.mentor.get(p.ms)).body;
  assert.ok(page.includes(`&lt;script&gt;alert(1)&lt;/script&gt; ${canary}`), 'escaped on the mentorship page');
  assert.ok(!page.includes('<script>alert(1)'), 'never raw');
  const record = (await p.mentor.get('/me/record')).body;
  assert.match(record, /Thank-you notes received \(1\)/);
  assert.ok(record.includes(`&lt;script&gt;alert(1)&lt;/script&gt; ${canary}`), 'on the record, escaped');
  // Not yet celebrated by both: public or not, nobody else reads it.
  for (const c of [other, admin]) {
    assert.ok(!(await program(c)).includes(canary), 'not on /program before both agree');
    assert.equal((await c.get(p.ms)).status, 404);
  }
  assert.ok(!(await other.get('/me/record')).body.includes(canary), 'not on anyone else\'s record');
  // The mentor agrees to the celebration: it shows, but the note needs the
  // mentor's own say too (a public note needs both of the pair).
  await p.mentor.get(p.ms);
  assert.equal((await p.mentor.post(`${p.ms}/celebrate`, { celebrate: '1' })).status, 303);
  let shown = await program(other);
  assert.ok(shown.includes(sentence) && !shown.includes(canary), 'celebrated, but the note waits for the mentor');
  assert.match((await p.mentor.get(p.ms)).body, /Ben Notes would like it on the program page with your celebration\. It shows only if you agree\./);
  assert.match((await p.mentee.get(p.ms)).body, /It shows on the program page only once Ana Notes agrees too/);
  // Only the mentor has this say; a stranger finds nothing.
  assert.equal((await p.mentee.post(`${p.ms}/thanks/show`, { show: '1' })).status, 403);
  assert.equal((await other.post(`${p.ms}/thanks/show`, { show: '1' })).status, 404);
  assert.equal((await agree(p.mentor, p.ms)).status, 303);
  assert.match((await p.mentee.get(p.ms)).body, /Ana Notes agreed to show it on the program page\./);
  for (const c of [other, admin]) {
    const body = await program(c);
    assert.ok(body.includes(sentence));
    assert.ok(body.includes(`&lt;script&gt;alert(1)&lt;/script&gt; ${canary}`), 'public and celebrated: on /program');
    assert.ok(!body.includes('<script>alert(1)'));
  }
  // The mentor takes it back: the celebration stays, the note goes; then
  // agrees again.
  await p.mentor.get(p.ms);
  assert.equal((await p.mentor.post(`${p.ms}/thanks/show`, {})).status, 303);
  shown = await program(other);
  assert.ok(shown.includes(sentence) && !shown.includes(canary), 'the mentor took it back');
  assert.equal((await agree(p.mentor, p.ms)).status, 303);
  assert.ok((await program(other)).includes(canary));
  // The mentee changes the text: the mentor agreed to the old one only.
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/thanks`, { thanks: `${note} PS`, thanks_public: '1' })).status, 303);
  assert.ok(!(await program(other)).includes(canary), 'a changed note waits for the mentor again');
  assert.equal((await agree(p.mentor, p.ms)).status, 303);
  assert.ok((await program(other)).includes(`${canary} you taught me how to read syscalls PS`), 'agreed again: the new text shows');
  // The mentee makes it private again: the celebration stays, the note goes.
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/thanks`, { thanks: note })).status, 303);
  const priv = await program(other);
  assert.ok(priv.includes(sentence) && !priv.includes(canary), 'a private note never shows');
  assert.ok((await p.mentor.get(p.ms)).body.includes(canary), 'the mentor still reads it');
  // Both of the pair find it in their data export; a third member does not.
  for (const [c, role] of [[p.mentee, 'mentee'], [p.mentor, 'mentor']]) {
    const row = JSON.parse((await c.get('/account/export')).body).celebrations.find((x) => x.mentorship_id === Number(idOf(p.ms)));
    assert.equal(row.my_role, role);
    assert.equal(row.thanks, note, `the ${role}'s export holds the note`);
  }
  assert.ok(!(await other.get('/account/export')).body.includes(canary));
  // The note is the mentee's to write.
  await p.mentor.get(p.ms);
  assert.equal((await p.mentor.post(`${p.ms}/thanks`, { thanks: 'from the mentor' })).status, 403);
  // Sealed at rest, in no log and in no mail; the mentor was told a note arrived.
  assert.deepEqual(atRest(canary), []);
  assert.equal(srv.sql(`SELECT typeof(thanks) FROM celebrations WHERE mentorship_id = ${idOf(p.ms)}`), 'blob');
  assert.ok(!srv.log().includes(canary), 'not in the log');
  const mentorId = userId(srv, p.mentorEmail);
  for (let i = 0; i < 100 && srv.sql(`SELECT count(*) FROM outbox WHERE event = 53 AND user_id = ${mentorId} AND state = 1`) !== '1'; i++) await sleep(100);
  assert.equal(srv.sql(`SELECT count(*) FROM outbox WHERE event = 53 AND user_id = ${mentorId} AND state = 1`), '1', 'the mentor is told once');
  const dir = join(srv.data, 'mail');
  const mails = existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')) : [];
  const told = mails.filter((m) => m.includes(p.mentorEmail) && /Ben Notes sent you a thank-you note/.test(m));
  assert.equal(told.length, 1, 'one mail says a note arrived');
  assert.ok(!mails.some((m) => m.includes(canary)), 'no mail holds the note');
  // rotate-key and `tandem check` cover the column (store/sealed.c's list).
  assert.match(srv.sql("SELECT count(*) FROM celebrations WHERE thanks IS NOT NULL"), /^[1-9]/);
});

test('the mentor completes; the mentee agrees and writes later; a mentor\'s note is refused', async () => {
  const p = await newMentorship(srv, { topic: 'perf', mentorName: 'Ana Later', menteeName: 'Ben Later' });
  const other = await signup(srv, uniqueEmail('third'), 'Third Later');
  await p.mentor.get(p.ms);
  const refused = await p.mentor.post(`${p.ms}/complete`, { outcome: 'goal_met', thanks: 'mentor words', celebrate: '1' });
  assert.equal(refused.status, 422, 'the note is the mentee\'s');
  assert.ok(refused.body.includes('mentor words'), 'what was typed comes back');
  await p.mentor.get(p.ms);
  assert.equal((await p.mentor.post(`${p.ms}/complete`, { outcome: 'goal_met', celebrate: '1' })).status, 303);
  const page = (await p.mentee.get(p.ms)).body;
  assert.match(page, /name="thanks"/, 'the mentee gets the note form after the end');
  assert.equal((await p.mentee.post(`${p.ms}/thanks`, { thanks: 'Thank you, truly.', thanks_public: '1' })).status, 303);
  assert.ok(!(await program(other)).includes('Thank you, truly.'));
  await p.mentee.get(p.ms);
  assert.equal((await p.mentee.post(`${p.ms}/celebrate`, { celebrate: '1' })).status, 303);
  let body = await program(other);
  assert.ok(body.includes(line('Ana Later', 'Ben Later', 'perf')) && !body.includes('Thank you, truly.'), 'the note waits for the mentor');
  assert.equal((await agree(p.mentor, p.ms)).status, 303);
  body = await program(other);
  assert.ok(body.includes(line('Ana Later', 'Ben Later', 'perf')) && body.includes('Thank you, truly.'));
  assert.match((await p.mentor.get(p.ms)).body, /shown on the program page with your celebration/);
});

test('closing or erasing an account takes its celebrations and notes off /program at once', async () => {
  const canary = `ERASE-CANARY-${Date.now().toString(36)}`;
  const p = await newMentorship(srv, { topic: 'ebpf', mentorName: 'Ana Erase', menteeName: 'Ben Erase' });
  const q = await newMentorship(srv, { topic: 'ftrace', mentorName: 'Ana Close', menteeName: 'Ben Close' });
  const other = await signup(srv, uniqueEmail('third'), 'Third Eraser');
  for (const x of [p, q]) {
    await x.mentee.get(x.ms);
    assert.equal((await x.mentee.post(`${x.ms}/complete`, { outcome: 'goal_met', celebrate: '1', thanks: `${canary} ${x.ms}`, thanks_public: '1' })).status, 303);
    await x.mentor.get(x.ms);
    assert.equal((await x.mentor.post(`${x.ms}/celebrate`, { celebrate: '1' })).status, 303);
    assert.equal((await agree(x.mentor, x.ms)).status, 303);
  }
  let body = await program(other);
  assert.ok(body.includes(`${canary} ${p.ms}`) && body.includes(`${canary} ${q.ms}`));
  // The mentee of p erases their account.
  await p.mentee.get('/');
  assert.equal((await p.mentee.post('/account/delete', { password: GOOD_PW })).status, 303);
  body = await program(other);
  assert.ok(!body.includes(line('Ana Erase', 'Ben Erase', 'ebpf')) && !body.includes(`${canary} ${p.ms}`), 'erased: gone');
  assert.ok(!body.includes('a former member and'), 'no celebration of a former member');
  assert.ok(!(await p.mentor.get('/me/record')).body.includes(canary), 'their note left the mentor\'s record');
  assert.equal(srv.sql(`SELECT count(*) FROM celebrations WHERE mentorship_id = ${idOf(p.ms)}`), '0');
  // An admin deactivates q's mentor: their celebration leaves /program.
  const admin = await adminClient(srv, uniqueEmail('admin'));
  await admin.get('/admin/users');
  assert.equal((await admin.post(`/admin/users/${userId(srv, q.mentorEmail)}/deactivate`, {})).status, 303);
  body = await program(other);
  assert.ok(!body.includes(line('Ana Close', 'Ben Close', 'ftrace')) && !body.includes(`${canary} ${q.ms}`), 'closed: gone');
});

test('a mentor card shows the record line only when its mentor turns it on, with a count only from k people', async () => {
  const p = await newMentorship(srv, { topic: 'Kernel tracing', mentorName: 'Cara Cardline', menteeName: 'Dan One' });
  // A second mentee for the same mentor (capacity 2).
  const second = await signup(srv, uniqueEmail('mentee'), 'Eve Two');
  const mid = userId(srv, p.mentorEmail);
  await second.get(`/mentors/${mid}`);
  const r = await second.post('/requests', { mentor_id: mid, topic: 'Kernel tracing', goal: 'Trace a slow syscall end to end.',
    format: 'one_on_one', cadence: 'weekly', duration_min: '30', weeks: '6', message: '' });
  assert.equal(r.status, 303);
  await p.mentor.get(r.headers.location);
  assert.equal((await p.mentor.post(`${r.headers.location}/accept`)).status, 303);
  const year = srv.sql(`SELECT substr(min(started_on), 1, 4) FROM mentorships WHERE mentor_id = ${mid}`);
  const viewer = await signup(srv, uniqueEmail('viewer'), 'Card Viewer');
  const card = async () => {
    const page = (await viewer.get('/mentors?q=Cardline')).body;
    const li = page.match(/<li class="card mentor">[\s\S]*?<\/li>/g).find((x) => x.includes('Cara Cardline'));
    assert.ok(li, 'the mentor is listed');
    return li;
  };
  assert.ok(!/Mentor(ed \d|ing since)/.test(await card()), 'off by default');
  // Two people, fewer than k (5): the year, never the count (a "1" or "2"
  // on a named card points at the few people mentored).
  const rec = (await p.mentor.get('/me/record')).body;
  assert.ok(rec.includes(`Mentoring since ${year}`), 'the record previews the line');
  assert.doesNotMatch(rec, /Mentored \d/);
  assert.match(rec, /id="card-line-state">Not shown\./);
  assert.equal((await p.mentor.post('/me/record/card', { show: '1' })).status, 303);
  assert.ok((await card()).includes(`Mentoring since ${year}`), 'shown once turned on');
  assert.doesNotMatch(await card(), /Mentored \d|[12] (person|people)/, 'no count below k');
  assert.equal(srv.sql(`SELECT record_line FROM mentor_cards WHERE user_id = ${mid}`), `Mentoring since ${year}`, 'kept with the card, not counted per page');
  // Three more mentees in the past (five in all, k): the count shows from
  // the next refresh of the card (here: an accept would do; the switch too).
  const rid = srv.sql(`SELECT min(id) FROM requests WHERE mentor_id = ${mid}`);
  for (const name of ['Fay Three', 'Gus Four', 'Hal Five']) {
    const c = await signup(srv, uniqueEmail('mentee'), name);
    await c.get('/');
    srv.sql(`INSERT INTO requests(mentee_id, mentor_id, topic_id, goal, format, cadence, duration_min, weeks, message, status, reason, created_at, answered_at)
      SELECT (SELECT id FROM users WHERE display_name = '${name}'), mentor_id, topic_id, goal, format, cadence, duration_min, weeks, '', 'accepted', '', created_at, answered_at FROM requests WHERE id = ${rid};
      INSERT INTO mentorships(request_id, mentor_id, mentee_id, topic_id, goal, format, cadence, duration_min, weeks, started_on, planned_end, status, outcome, created_at, ended_at)
      SELECT r.id, r.mentor_id, r.mentee_id, r.topic_id, r.goal, r.format, r.cadence, r.duration_min, r.weeks, '${year}-01-05', '${year}-02-16', 'completed', 'goal_met', r.created_at, r.created_at
      FROM requests r WHERE r.id = last_insert_rowid();`);
  }
  await p.mentor.get('/me/record');
  assert.equal((await p.mentor.post('/me/record/card', { show: '1' })).status, 303);
  assert.ok((await card()).includes(`Mentored 5 people since ${year}`), 'k people: the count');
  await p.mentor.get('/me/record');
  assert.equal((await p.mentor.post('/me/record/card', {})).status, 303);
  assert.ok(!/Mentor(ed \d|ing since)/.test(await card()), 'off again');
});

test('older celebrations are read by key: every one once across pages', async () => {
  // Twelve celebrations of one mentor: /program shows the newest ten.
  const names = [];
  for (let i = 0; i < 12; i++) {
    const p = await newMentorship(srv, { topic: `pagetopic${i}`, mentorName: `Pager Mentor${i}`, menteeName: `Pager Mentee${i}` });
    await p.mentee.get(p.ms);
    assert.equal((await p.mentee.post(`${p.ms}/complete`, { outcome: 'goal_met', celebrate: '1' })).status, 303);
    await p.mentor.get(p.ms);
    assert.equal((await p.mentor.post(`${p.ms}/celebrate`, { celebrate: '1' })).status, 303);
    names.push(`pagetopic${i} — goal met`);
  }
  const viewer = await signup(srv, uniqueEmail('viewer'), 'Pager Viewer');
  const first = await program(viewer);
  const items = (first.match(/<ul class="list celebrations"[\s\S]*?<\/ul>/) || [''])[0].match(/<li>/g) || [];
  assert.equal(items.length, 10, 'the newest ten');
  assert.ok(first.includes(names[11]) && !first.includes(`${names[0]}<`));
  const older = first.match(/href="(\/program\/celebrations\?at=\d+&amp;id=\d+)"/);
  assert.ok(older, 'a link to older ones');
  const rest = (await viewer.get(older[1].replace(/&amp;/g, '&'))).body;
  const seen = names.filter((n) => first.includes(`${n}<`) || rest.includes(`${n}<`));
  assert.equal(seen.length, 12, 'none skipped');
  assert.equal((await viewer.get('/program/celebrations?at=x')).status, 400);
});

test('tandem check opens every note and names one moved to another row; rotate-key re-seals them', async () => {
  const a = await newMentorship(srv, { topic: 'bpftrace', mentorName: 'Ana Rotate', menteeName: 'Ben Rotate' });
  const b2 = await newMentorship(srv, { topic: 'perf probes', mentorName: 'Ana Moved', menteeName: 'Ben Moved' });
  for (const [x, text] of [[a, 'ROTATE-NOTE-a'], [b2, 'ROTATE-NOTE-b']]) {
    await x.mentee.get(x.ms);
    assert.equal((await x.mentee.post(`${x.ms}/complete`, { outcome: 'goal_met', thanks: text })).status, 303);
  }
  const data = srv.data;
  await srv.stop({ keep: true });
  const check = () => spawnSync(BIN, ['check'], { env: srv.env, encoding: 'utf8' });
  let k = check();
  assert.equal(k.status, 0, k.stdout + k.stderr);
  // A note copied onto another mentorship's row does not open there: the
  // check reads this column (store/sealed.c's list) and says so.
  const db = join(data, 'tandem.db');
  const saved = execFileSync('sqlite3', [db, `SELECT hex(thanks) FROM celebrations WHERE mentorship_id = ${idOf(b2.ms)}`], { encoding: 'utf8' }).trim();
  execFileSync('sqlite3', [db, `UPDATE celebrations SET thanks = (SELECT thanks FROM celebrations WHERE mentorship_id = ${idOf(a.ms)}) WHERE mentorship_id = ${idOf(b2.ms)}`]);
  k = check();
  assert.notEqual(k.status, 0);
  assert.match(k.stdout, /sealed values: \d+, of which 1 do not open/);
  execFileSync('sqlite3', [db, `UPDATE celebrations SET thanks = X'${saved}' WHERE mentorship_id = ${idOf(b2.ms)}`]);
  assert.equal(check().status, 0);
  const before = execFileSync('sqlite3', [db, `SELECT hex(thanks) FROM celebrations WHERE mentorship_id = ${idOf(a.ms)}`], { encoding: 'utf8' }).trim();
  assert.match(execFileSync(BIN, ['rotate-key'], { env: srv.env, encoding: 'utf8' }), /re-encrypted \d+ values/);
  const after = execFileSync('sqlite3', [db, `SELECT hex(thanks) FROM celebrations WHERE mentorship_id = ${idOf(a.ms)}`], { encoding: 'utf8' }).trim();
  assert.notEqual(after, before, 'the note was sealed again under the new key');
  srv = await startServer(FAST, data);
  const mentor = await login(srv, a.mentorEmail);
  assert.ok((await mentor.get(a.ms)).body.includes('ROTATE-NOTE-a'), 'still readable after rotation');
});

test('the sentence counts the whole weeks the pair had, not the weeks planned', async () => {
  // Started n days ago (written straight in), completed today.
  for (const [days, said] of [[43, 'finished six weeks'], [39, 'finished five weeks'], [4, 'finished their mentorship']]) {
    const p = await newMentorship(srv, { topic: 'valgrind', mentorName: `Ana W${days}`, menteeName: `Ben W${days}`, weeks: '8' });
    const started = new Date((srv.now() - days * 86400) * 1000).toISOString().slice(0, 10);
    srv.sql(`UPDATE mentorships SET started_on = '${started}' WHERE id = ${idOf(p.ms)}`);
    await p.mentee.get(p.ms);
    assert.equal((await p.mentee.post(`${p.ms}/complete`, { outcome: 'partly', celebrate: '1' })).status, 303);
    const page = (await p.mentee.get(p.ms)).body;
    assert.match(page, new RegExp(`id="celebrate-line">Ana W${days} and Ben W${days} ${said} on valgrind — goal partly met<`), `${days} days`);
  }
});
