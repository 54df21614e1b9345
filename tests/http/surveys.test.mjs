// Post-program surveys: invitations when a mentorship ends, and answers
// that cannot be traced back to the person who gave them.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signup, adminClient } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' }); });
after(async () => { await srv.stop(); });

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
  assert.deepEqual(cols('survey_responses'), ['id', 'quarter', 'role', 'survey_id', 'team']);
  assert.deepEqual(cols('survey_answers'), ['choice', 'question_id', 'rating', 'response_id', 'text']);
  for (const t of ['survey_responses', 'survey_answers']) {
    assert.throws(() => srv.sql(`SELECT rowid FROM ${t}`), /no such column: rowid/, `${t} keeps no insertion order`);
  }
  assert.equal(srv.sql("SELECT count(*) FROM surveys WHERE status = 'open'"), '2');
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
  assert.equal((await mentee.post(`/surveys/${inv}`, answers(form))).status, 409);
  assert.equal((await mentee.get(`/surveys/${inv}`)).status, 409);
  assert.equal((await mentor.get(`/surveys/${inv}`)).status, 404, 'not the mentor\'s invitation');
  const admin = await adminClient(srv, 'survey-admin@example.com');
  assert.equal((await admin.get(`/surveys/${inv}`)).status, 404);
  const lines = srv.log().split('\n').filter((l) => l.includes('route="/surveys/{id}"'));
  assert.ok(lines.length >= 3);
  for (const l of lines) {
    assert.doesNotMatch(l, /uid=|path=|rid=|dur_us=/, l);
  }
  assert.equal(srv.sql(`SELECT answered FROM survey_invitations WHERE id = ${inv}`), '1');
});

test('an answer\'s author cannot be recovered by time, rowid order or invitation order', async () => {
  const order = [];
  for (let n = 1; n <= 8; n++) {
    const { mentee } = await finishedPair(n);
    const inv = (await mentee.get('/surveys')).body.match(/href="\/surveys\/(\d+)"/)[1];
    const form = await mentee.get(`/surveys/${inv}`);
    const textQ = Object.keys(answers(form)).find((q) => form.body.includes(`<textarea id="${q}"`));
    const marker = `answer-from-mentee-${n}`;
    assert.equal((await mentee.post(`/surveys/${inv}`, answers(form, { [textQ]: marker }))).status, 303);
    order.push(marker);
  }
  const timeCols = srv.sql("SELECT count(*) FROM pragma_table_info('survey_answers') WHERE name LIKE '%at' OR name LIKE '%time%' OR name LIKE '%date%'");
  assert.equal(timeCols, '0');
  const stored = srv.sql("SELECT a.text FROM survey_answers a WHERE a.text LIKE 'answer-from-mentee-%' ORDER BY a.response_id").split('\n');
  assert.equal(stored.length, 8);
  assert.notDeepEqual(stored, order, 'the storage order is not the answering order');
  const byInvitation = srv.sql("SELECT group_concat(id) FROM (SELECT id FROM survey_invitations WHERE answered = 1 AND role = 'mentee' ORDER BY id)");
  assert.ok(byInvitation.length > 0);
  // The obvious join has nothing to join on.
  assert.equal(srv.sql('SELECT count(*) FROM survey_answers a JOIN survey_invitations i ON i.id = a.response_id'), '0');
  assert.equal(srv.sql('SELECT count(*) FROM survey_responses r JOIN survey_invitations i ON i.id = r.id'), '0');
});

test('results: the team of 4 is suppressed on the page, in CSV and in JSON; nothing hidden can be computed', async () => {
  // So far: mentees of teams Data (4 answers) and Sales (5 answers).
  assert.equal(srv.sql("SELECT team || ':' || count(*) FROM survey_responses WHERE role = 'mentee' GROUP BY team ORDER BY team"), 'Data:4\nSales:5');
  const admin = await adminClient(srv, 'results-admin@example.com');
  const page = await admin.get('/admin/surveys/1');
  assert.equal(page.status, 200);
  assert.match(page.body, /team: Data<\/td><td colspan="3" class="muted">fewer than 5 answers/);
  const json = JSON.parse((await admin.get('/admin/surveys/1/export.json')).body);
  const dataRows = json.groups.filter((g) => g.dimension === 'team' && g.group === 'Data');
  assert.ok(dataRows.length > 0);
  for (const g of dataRows) {
    assert.equal(g.answers, 'suppressed');
    assert.ok(Object.values(g.counts).every((v) => v === 'suppressed'));
  }
  // No lone hidden cell: a hidden group always has a hidden sibling, so the
  // published totals never give it away; the same inside each group.
  const byKey = new Map();
  for (const g of json.groups) {
    const key = `${g.question}|${g.dimension}`;
    byKey.set(key, (byKey.get(key) || 0) + (g.answers === 'suppressed' ? 1 : 0));
    if (g.answers !== 'suppressed') {
      const hiddenBuckets = Object.values(g.counts).filter((v) => v === 'suppressed').length;
      assert.notEqual(hiddenBuckets, 1, `${key} ${g.group}: a lone hidden bucket`);
      for (const v of Object.values(g.counts)) if (v !== 'suppressed') assert.ok(v === '0' || Number(v) >= 5, `${key}: ${v}`);
    }
  }
  for (const [key, hidden] of byKey) assert.notEqual(hidden, 1, `${key}: a lone hidden group`);
  const csvRes = await admin.get('/admin/surveys/1/export.csv');
  assert.match(csvRes.headers['content-disposition'], /^attachment; filename="survey-1\.csv"$/);
  assert.match(csvRes.headers['content-type'], /^text\/csv; charset=utf-8/);
  for (const line of csvRes.body.split('\r\n').filter((l) => l.includes('"team","Data"'))) {
    assert.match(line, /"team","Data","suppressed",/);
    assert.match(line, /"suppressed"$/);
  }
  assert.ok(Number(srv.sql("SELECT count(*) FROM audit WHERE event = 'survey_results_viewed' AND detail IN ('page', 'csv', 'json')")) >= 3);
  const member = await signup(srv, 'curious-member@example.com', 'Curious');
  assert.equal((await member.get('/admin/surveys/1/export.csv')).status, 403);
});

test('comments: off by default; shown from 10 answers, scrubbed, and a formula comes out neutralised', async () => {
  const texts = ['=HYPERLINK("http://x")', 'Call me on +44 20 7946 0958 or mail a.b@example.com', 'More pairing please'];
  for (let n = 20; n < 23; n++) {
    const { mentee } = await finishedPair(n);
    const inv = (await mentee.get('/surveys')).body.match(/href="\/surveys\/(\d+)"/)[1];
    const form = await mentee.get(`/surveys/${inv}`);
    const textQ = Object.keys(answers(form)).find((q) => form.body.includes(`<textarea id="${q}"`));
    assert.equal((await mentee.post(`/surveys/${inv}`, answers(form, { [textQ]: texts[n - 20] }))).status, 303);
  }
  const admin = await adminClient(srv, 'comments-admin@example.com');
  assert.doesNotMatch((await admin.get('/admin/surveys/1/export.csv')).body, /HYPERLINK/, 'off by default');
  await admin.get('/admin/surveys/1');
  assert.equal((await admin.post('/admin/surveys/1/comments', { show_text: '1' })).status, 303);
  const csv = (await admin.get('/admin/surveys/1/export.csv')).body;
  assert.match(csv, /"'=HYPERLINK\(""http:\/\/x""\)"/);
  assert.doesNotMatch(csv, /7946|a\.b@example\.com/);
  assert.match(csv, /\[removed\]/);
  const { execFileSync } = await import('node:child_process');
  const parsed = JSON.parse(execFileSync('python3', ['-c',
    'import csv, io, json, sys; rows = list(csv.reader(io.StringIO(sys.stdin.read(), newline=""))); print(json.dumps(rows))'],
    { input: csv, encoding: 'utf8' }));
  assert.ok(parsed.length > 10);
  assert.ok(parsed.every((row) => row.length === 7), 'every row parses into the same 7 columns');
  assert.ok(parsed.some((row) => row[5] === "'=HYPERLINK(\"http://x\")"));
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
  assert.equal((await admin.post(`${url}/questions`, { kind: 'choice', prompt: 'Just one?', choices: 'Only' })).status, 422);
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
