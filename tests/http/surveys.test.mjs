// Post-program surveys: invitations when a mentorship ends, and answers
// that cannot be traced back to the person who gave them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startServer, signup, adminClient, BIN } from '../lib/server.mjs';

let srv;
// k = 3 (the smallest allowed): batches fill with few test accounts.
const K = 3;
let stopped = false;
before(async () => { srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', TANDEM_SURVEY_K: String(K) }); });
after(async () => { if (!stopped) await srv.stop(); });

const uid = (email) => srv.sql(`SELECT id FROM users WHERE email = '${email}'`);

/** A mentor and a mentee whose mentorship has just been completed. */
async function finishedPair(n) {
  const mentor = await signup(srv, `smentor${n}@example.com`, `Mentor ${n}`);
  await mentor.get('/profile');
  await mentor.post('/profile', [['display_name', `Mentor ${n}`], ['team', 'Platform'], ['timezone', 'UTC'], ['is_mentor', '1'],
    ['focus_areas', 'Leadership'], ['capacity', '3'], ['formats', 'one_on_one']]);
  const mentee = await signup(srv, `smentee${n}@example.com`, `Mentee ${n}`);
  await mentee.get('/profile');
  await mentee.post('/profile', [['display_name', `Mentee ${n}`], ['team', n % 2 ? 'Data' : 'Sales'], ['timezone', 'UTC']]);
  const page = await mentee.get(`/mentors/${uid(`smentor${n}@example.com`)}`);
  const r = await mentee.post('/requests', { mentor_id: page.body.match(/name="mentor_id" value="(\d+)"/)[1], topic: 'Leadership',
    goal: 'Run my first team retrospective without it turning into a blame session.', format: 'one_on_one',
    cadence: 'weekly', duration_min: '30', weeks: '4', message: '' });
  await mentor.get(r.headers.location);
  const ms = (await mentor.post(`${r.headers.location}/accept`)).headers.location;
  await mentee.get(ms);
  assert.equal((await mentee.post(`${ms}/complete`, { outcome: 'goal_met' })).status, 303);
  return { mentor, mentee };
}

function answers(page, overrides = {}) {
  const names = [...new Set([...page.body.matchAll(/name="(q\d+)"/g)].map((m) => m[1]))];
  const fields = {};
  for (const q of names) {
    if (page.body.includes(`<textarea id="${q}"`)) fields[q] = '';
    else if (page.body.includes(`name="${q}" value="5"`)) fields[q] = '4';
    else fields[q] = 'About right';
  }
  return { ...fields, ...overrides };
}

test('the answers tables hold nothing that identifies a person or a time finer than a quarter', () => {
  const cols = (t) => srv.sql(`SELECT group_concat(name) FROM pragma_table_info('${t}')`).split(',').sort();
  assert.deepEqual(cols('survey_responses'), ['batch', 'id', 'quarter', 'role', 'survey_id', 'team']);
  assert.deepEqual(cols('survey_answers'), ['choice', 'question_id', 'rating', 'response_id', 'text']);
  for (const t of ['survey_responses', 'survey_answers']) {
    assert.throws(() => srv.sql(`SELECT rowid FROM ${t}`), /no such column: rowid/, `${t} keeps no insertion order`);
  }
  assert.equal(srv.sql("SELECT count(*) FROM surveys WHERE status = 'open'"), '2');
  // The pool: a random id, the survey, a sealed blob, and whether the
  // answer counts toward a batch (not an admin's, sql/0038); nothing else.
  assert.deepEqual(cols('survey_pool'), ['counts', 'id', 'sealed', 'survey_id']);
});

test('completing invites both; answering is once, validated, and anonymous in the log', async () => {
  const { mentor, mentee } = await finishedPair(0);
  const dash = await mentee.get('/');
  assert.match(dash.body, /Post-program survey for mentees/);
  assert.match((await mentor.get('/surveys')).body, /Post-program survey for mentors/);
  const inv = (await mentee.get('/surveys')).body.match(/href="\/surveys\/(\d+)"/)[1];
  const form = await mentee.get(`/surveys/${inv}`);
  assert.equal(form.status, 200);
  const missing = await mentee.post(`/surveys/${inv}`, { ...answers(form), [Object.keys(answers(form))[0]]: '' , [Object.keys(answers(form)).at(-1)]: 'keep this text' });
  assert.equal(missing.status, 422);
  assert.match(missing.body, /is required|Choose one answer/);
  assert.match(missing.body, />keep this text<\/textarea>/);
  const ok = await mentee.post(`/surveys/${inv}`, answers(form));
  assert.equal(ok.status, 303);
  assert.doesNotMatch((await mentee.get('/')).body, /Post-program survey for mentees/, 'answered: the dashboard no longer asks');
  assert.match((await mentor.get('/')).body, /Post-program survey for mentors/, 'the mentor is still asked');
  assert.equal((await mentee.post(`/surveys/${inv}`, answers(form))).status, 409);
  assert.equal((await mentee.get(`/surveys/${inv}`)).status, 409);
  assert.equal((await mentor.get(`/surveys/${inv}`)).status, 404, 'not the mentor\'s invitation');
  const admin = await adminClient(srv, 'survey-admin@example.com');
  assert.equal((await admin.get(`/surveys/${inv}`)).status, 404);
  // Not one line per answer: see the last test.
  assert.equal(srv.log().split('\n').filter((l) => l.includes('route="/surveys/{id}"')).length, 0);
  assert.equal(srv.sql(`SELECT answered FROM survey_invitations WHERE id = ${inv}`), '1');
});


const fileHas = (path, text) => existsSync(path) && readFileSync(path).includes(Buffer.from(text));
const json = async (admin, id) => JSON.parse((await admin.get(`/admin/surveys/${id}/export.json`)).body);
const answered = (report, qid) => report.questions.find((q) => q.id === Number(qid)).answers;

async function answerAs(mentee, marker) {
  const inv = (await mentee.get('/surveys')).body.match(/href="\/surveys\/(\d+)"/)[1];
  const form = await mentee.get(`/surveys/${inv}`);
  const textQ = Object.keys(answers(form)).find((q) => form.body.includes(`<textarea id="${q}"`));
  const r = await mentee.post(`/surveys/${inv}`, answers(form, { [textQ]: marker }));
  assert.equal(r.status, 303);
  return inv;
}

test('an answer waits sealed in the pool and joins the results only in a shuffled batch of k', async () => {
  const admin = await adminClient(srv, 'pool-admin@example.com');
  // Start from an empty pool: earlier answers complete their batch.
  for (let n = 10; srv.sql('SELECT count(*) FROM survey_pool') !== '0'; n++) await answerAs((await finishedPair(n)).mentee, 'filler');
  const pairs = [];
  for (let n = 1; n <= K; n++) pairs.push(await finishedPair(n));
  const released = () => Number(srv.sql('SELECT count(*) FROM survey_responses WHERE survey_id = 1'));
  const base = released();
  const q1 = srv.sql('SELECT min(id) FROM survey_questions WHERE survey_id = 1');
  const views = [answered(await json(admin, 1), q1)];
  const backups = [];
  for (let n = 1; n <= K; n++) {
    const marker = `pool-marker-${n}-${Date.now()}`;
    await answerAs(pairs[n - 1].mentee, marker);
    views.push(answered(await json(admin, 1), q1));
    if (n < K) {
      // Waiting: counted as answered, not readable, not in the results.
      assert.equal(srv.sql('SELECT count(*) FROM survey_pool WHERE survey_id = 1'), String(n));
      assert.equal(released(), base);
      for (const f of [srv.db, `${srv.db}-wal`]) assert.ok(!fileHas(f, marker), `${f} holds no readable answer`);
      const copy = `${srv.data}/backup-${n}.db`;
      execFileSync(BIN, ['backup', copy], { env: { ...process.env, TANDEM_DATA: srv.data } });
      backups.push(copy);
      assert.ok(!fileHas(copy, marker), 'a backup cannot read a waiting answer');
    } else {
      // The k-th answer released all k together, in a later transaction.
      assert.equal(srv.sql('SELECT count(*) FROM survey_pool'), '0');
      assert.equal(released(), base + K);
      assert.ok(!fileHas(`${srv.db}-wal`, marker), 'the WAL was checkpointed and truncated after the batch');
      assert.equal(srv.sql('SELECT count(*) FROM survey_wal_owed'), '0', 'no truncation is owed');
      assert.equal(srv.sql('SELECT count(DISTINCT batch) FROM survey_responses WHERE survey_id = 1 AND batch > 0'),
        srv.sql('SELECT max(batch) FROM survey_responses WHERE survey_id = 1'));
    }
  }
  // Differencing: the figure moved once, by k, never by one.
  // Compared as text: run alone, the figure starts "hidden" (NaN as a number, never equal to itself).
  const steps = views.map(String).filter((v, i, a) => i > 0 && v !== a[i - 1]).length;
  assert.equal(steps, 1, `answered counts seen: ${views.join(', ')}`);
  assert.equal(Number(views.at(-1)) - Number(views[0] === 'hidden' ? 0 : views[0]), K);
  // Two backups, diffed: the invitation answered in between, and a new
  // pool row that names nobody and that nobody can read without the key.
  const q = (db, sql) => execFileSync('sqlite3', [db, sql], { encoding: 'utf8' }).trim();
  const [a, b] = backups;
  const newAnswered = Number(q(b, 'SELECT count(*) FROM survey_invitations WHERE answered = 1')) -
    Number(q(a, 'SELECT count(*) FROM survey_invitations WHERE answered = 1'));
  assert.equal(newAnswered, 1);
  assert.equal(q(b, 'SELECT count(*) FROM survey_pool'), '2');
  assert.equal(q(b, 'SELECT count(*) FROM survey_responses WHERE survey_id = 1'), q(a, 'SELECT count(*) FROM survey_responses WHERE survey_id = 1'),
    'nothing readable changed between the two backups');
  // The obvious joins have nothing to join on.
  assert.equal(srv.sql('SELECT count(*) FROM survey_answers a JOIN survey_invitations i ON i.id = a.response_id'), '0');
  assert.equal(srv.sql('SELECT count(*) FROM survey_responses r JOIN survey_invitations i ON i.id = r.id'), '0');
});

test('one invitation per person per survey; a closed survey takes no answers and withholds a short batch', async () => {
  const { mentor, mentee } = await finishedPair(30);
  // The same two people paired again and finished again: not asked twice.
  const page = await mentee.get(`/mentors/${uid('smentor30@example.com')}`);
  const r = await mentee.post('/requests', { mentor_id: page.body.match(/name="mentor_id" value="(\d+)"/)[1], topic: 'Leadership',
    goal: 'Run my second team retrospective with everyone speaking at least once.', format: 'one_on_one',
    cadence: 'weekly', duration_min: '30', weeks: '4', message: '' });
  await mentor.get(r.headers.location);
  const ms = (await mentor.post(`${r.headers.location}/accept`)).headers.location;
  await mentee.get(ms);
  assert.equal((await mentee.post(`${ms}/complete`, { outcome: 'goal_met' })).status, 303);
  assert.equal(srv.sql(`SELECT count(*) FROM survey_invitations WHERE user_id = ${uid('smentee30@example.com')} AND survey_id = 1`), '1');
  // A survey of its own, so that closing it does not end the others.
  const admin = await adminClient(srv, 'close-admin@example.com');
  await admin.get('/admin/surveys');
  const url = (await admin.post('/admin/surveys', { title: 'Closing soon', audience: 'both' })).headers.location;
  await admin.get(url);
  assert.equal((await admin.post(`${url}/questions`, { kind: 'rating', prompt: 'Good?', required: '1' })).status, 303);
  assert.equal((await admin.post(`${url}/status`, { status: 'open' })).status, 303);
  const p1 = await finishedPair(31);
  const p2 = await finishedPair(32);
  const id = url.split('/').pop();
  const invOf = (email) => srv.sql(`SELECT id FROM survey_invitations WHERE survey_id = ${id} AND user_id = ${uid(email)}`);
  const inv1 = invOf('smentee31@example.com');
  const form = await p1.mentee.get(`/surveys/${inv1}`);
  assert.equal((await p1.mentee.post(`/surveys/${inv1}`, answers(form))).status, 303);
  const inv2 = invOf('smentee32@example.com');
  const form2 = await p2.mentee.get(`/surveys/${inv2}`);
  const closed = await admin.post(`${url}/status`, { status: 'closed' });
  assert.equal(closed.status, 303);
  const shown = await admin.get(url);
  assert.match(shown.body, /1 answer waited for a batch of 3 and will never be shown/);
  assert.equal(srv.sql(`SELECT count(*) FROM survey_pool WHERE survey_id = ${id}`), '0', 'withheld, not kept');
  assert.equal(srv.sql(`SELECT count(*) FROM survey_responses WHERE survey_id = ${id}`), '0');
  const late = await p2.mentee.post(`/surveys/${inv2}`, answers(form2));
  assert.equal(late.status, 409);
  assert.match(late.body, /closed/);
  assert.equal((await p2.mentee.get(`/surveys/${inv2}`)).status, 409);
  assert.match((await p2.mentee.get('/surveys')).body, /Closing soon <span class="badge">closed<\/span>/);
  assert.equal(srv.sql(`SELECT answered FROM survey_invitations WHERE id = ${inv2}`), '0');
});

test('teams for reports come from the admins\' list: a made-up team counts as "other"', async () => {
  const admin = await adminClient(srv, 'teams-admin@example.com');
  assert.match((await admin.get('/admin/teams')).body, /Add a team/);
  assert.equal((await admin.post('/admin/teams', { name: 'Data' })).status, 303);
  const dup = await admin.post('/admin/teams', { name: 'data' });
  assert.equal(dup.status, 422);
  assert.match(dup.body, /on the list already/);
  assert.match(dup.body, /value="data"/);
  const tooLong = await admin.post('/admin/teams', { name: 'x'.repeat(61) });
  assert.equal(tooLong.status, 422);
  const member = await signup(srv, 'teams-member@example.com', 'Teams Member');
  assert.equal((await member.get('/admin/teams')).status, 403);
  assert.match((await member.get('/profile')).body, /<datalist id="team-list"><option value="Data">/);
  // Mentees of team "Data" (odd n) and "Sales" (not on the list): a batch.
  const before = srv.sql("SELECT count(*) FROM survey_responses WHERE team = 'other'");
  const pairs = [];
  for (let n = 41; n <= 46; n++) pairs.push(await finishedPair(n));
  for (const p of pairs) await answerAs(p.mentee, 'team test');
  assert.equal(srv.sql("SELECT group_concat(DISTINCT team) FROM (SELECT team FROM survey_responses WHERE team IN ('Data', 'Sales', 'other') ORDER BY team)"), 'Data,other');
  assert.ok(Number(srv.sql("SELECT count(*) FROM survey_responses WHERE team = 'other'")) >= Number(before) + 3);
  assert.equal(srv.sql("SELECT count(*) FROM survey_responses WHERE team = 'Sales'"), '0');
});

test('comments: off by default; shown from 10 answers, scrubbed, and a formula comes out neutralised', async () => {
  const texts = ['=HYPERLINK("http://x")', 'Call me on +44 20 7946 0958 or mail a.b@example.com', 'Mentee 51 was great',
    ...Array.from({ length: 9 }, (_, i) => `More pairing please ${i}`)];
  const pairs = [];
  for (let n = 50; n < 50 + texts.length; n++) pairs.push(await finishedPair(n));
  for (let i = 0; i < texts.length; i++) await answerAs(pairs[i].mentee, texts[i]);
  const admin = await adminClient(srv, 'comments-admin@example.com');
  assert.doesNotMatch((await admin.get('/admin/surveys/1/export.csv')).body, /HYPERLINK/, 'off by default');
  await admin.get('/admin/surveys/1');
  assert.equal((await admin.post('/admin/surveys/1/comments', { show_text: '1' })).status, 303);
  const csv = (await admin.get('/admin/surveys/1/export.csv')).body;
  assert.match(csv, /"'=HYPERLINK\(""http:\/\/x""\)"/);
  assert.doesNotMatch(csv, /7946|a\.b@example\.com|Mentee 51/);
  assert.match(csv, /\[removed\] 51 was great|\[removed\] \[removed\] was great/);
  const parsed = JSON.parse(execFileSync('python3', ['-c',
    'import csv, io, json, sys; rows = list(csv.reader(io.StringIO(sys.stdin.read(), newline=""))); print(json.dumps(rows))'],
    { input: csv, encoding: 'utf8' }));
  assert.ok(parsed.length > 10);
  assert.ok(parsed.every((row) => row.length === 8), 'every row parses into the same 8 columns');
  assert.ok(parsed.some((row) => row[6] === "'=HYPERLINK(\"http://x\")"));
  const page = (await admin.get('/admin/surveys/1')).body;
  assert.match(page, /More pairing please/);
  assert.doesNotMatch(page, /a\.b@example\.com/);
});

test('admins build a survey: draft, questions, open (frozen), close; members may not', async () => {
  const admin = await adminClient(srv, 'builder-admin@example.com');
  await admin.get('/admin/surveys');
  const created = await admin.post('/admin/surveys', { title: 'Ring pilot feedback', audience: 'both' });
  assert.equal(created.status, 303);
  const url = created.headers.location;
  await admin.get(url);
  assert.equal((await admin.post(`${url}/questions`, { kind: 'rating', prompt: 'How was the ring?', low_label: 'Poor', high_label: 'Great', required: '1' })).status, 303);
  assert.equal((await admin.post(`${url}/questions`, { kind: 'choice', prompt: 'How often?', choices: 'Weekly\r\nMonthly', required: '1' })).status, 303);
  const one = await admin.post(`${url}/questions`, { kind: 'choice', prompt: 'Just one?', choices: 'Only' });
  assert.equal(one.status, 422);
  assert.match(one.body, /needs 2 to 6 choices/);
  assert.match(one.body, /value="Just one\?"/, 'what was typed comes back');
  assert.match(one.body, />Only<\/textarea>/);
  assert.match(one.body, /<option value="choice" selected>/);
  assert.equal((await admin.post(`${url}/questions`, { kind: 'text', prompt: 'Anything else?', max_len: '300' })).status, 303);
  assert.equal((await admin.post(`${url}/questions`, { kind: 'text', prompt: 'A typo question' })).status, 303);
  const typo = srv.sql("SELECT id FROM survey_questions WHERE prompt = 'A typo question'");
  assert.equal((await admin.post(`${url}/questions/${typo}/delete`)).status, 303, 'drafts are editable');
  assert.equal((await admin.post(`${url}/status`, { status: 'open' })).status, 303);
  assert.equal((await admin.post(`${url}/questions`, { kind: 'text', prompt: 'Too late?' })).status, 409, 'frozen once open');
  const first = srv.sql(`SELECT min(id) FROM survey_questions WHERE survey_id = ${url.split('/').pop()}`);
  assert.equal((await admin.post(`${url}/questions/${first}/delete`)).status, 409, 'no removal once open');
  const id = url.split('/').pop();
  assert.equal(srv.sql(`SELECT count(*) FROM survey_questions WHERE survey_id = ${id}`), '3');
  const { mentee } = await finishedPair(40);
  assert.match((await mentee.get('/surveys')).body, /Ring pilot feedback/);
  const inv = srv.sql(`SELECT id FROM survey_invitations WHERE survey_id = ${id} AND role = 'mentee'`);
  const form = await mentee.get(`/surveys/${inv}`);
  assert.match(form.body, /How was the ring\?/);
  assert.match(form.body, /value="Monthly"/);
  assert.equal((await admin.post(`${url}/status`, { status: 'closed' })).status, 303);
  assert.equal((await admin.post(`${url}/status`, { status: 'open' })).status, 409);
  const member = await signup(srv, 'not-admin@example.com', 'Member');
  assert.equal((await member.post('/admin/surveys', { title: 'Mine', audience: 'both' })).status, 403);
  assert.ok(Number(srv.sql("SELECT count(*) FROM audit WHERE event IN ('survey_created', 'survey_opened', 'survey_closed')")) >= 3);
});

test('survey requests are logged as hourly counts: no time, place, user or path that points at an answer', async () => {
  // An answer of its own, so that there is something to count run alone.
  await answerAs((await finishedPair(70)).mentee, 'hourly count');
  // Every answer given on this server so far was one POST answered 303.
  const given = Number(srv.sql('SELECT count(*) FROM survey_invitations WHERE answered = 1'));
  assert.ok(given >= 1);
  await srv.stop({ keep: true });
  stopped = true;
  const log = srv.finalLog;
  assert.equal(log.split('\n').filter((l) => /route="\/surveys\/\{id\}"/.test(l) && /msg="request"/.test(l)).length, 0);
  const counts = log.split('\n').filter((l) => /msg="requests this hour"/.test(l) && l.includes('route="/surveys/{id}"'));
  assert.ok(counts.length >= 2, 'GET and POST counted');
  for (const l of counts) {
    assert.match(l, /^time=\d{4}-\d\d-\d\dT\d\d:00:00Z /, l);
    assert.doesNotMatch(l, /uid=|path=|rid=|dur_us=/, l);
  }
  const posted = counts.filter((l) => /method="POST"/.test(l) && /status="303"/.test(l))
    .reduce((n, l) => n + Number(l.match(/count="(\d+)"/)[1]), 0);
  assert.ok(posted >= given, `answers counted: ${posted} of ${given}`);
});
