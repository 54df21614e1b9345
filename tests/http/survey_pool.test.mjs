// Review J: attacks on the survey pool as a backup holder (no key) and on
// the batches as an admin who answers in them. Each test was seen failing
// (the attack working) before its defence: every answer to a survey is
// sealed at one length, and an admin's answer never counts toward a batch.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { startServer, signup, adminClient, BIN } from '../lib/server.mjs';
import { userId } from '../lib/fixtures.mjs';

const K = 3;
let srv, admin;
before(async () => {
  srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', TANDEM_SURVEY_K: String(K) });
  admin = await adminClient(srv, 'revj-admin@example.com');
  await admin.get('/admin/teams');
  assert.equal((await admin.post('/admin/teams', { name: 'Platform' })).status, 303);
});
after(async () => { await srv.stop(); });

const CHOICES = ['Too little', 'About right', 'Too much'];

/** Members of team Platform: { c, id, email }. */
async function members(prefix, n, team = 'Platform') {
  const out = [];
  for (let i = 0; i < n; i++) {
    const email = `${prefix}${i}-${randomBytes(2).toString('hex')}@example.com`;
    const c = await signup(srv, email, `Person ${prefix}${i}`);
    await c.get('/profile');
    assert.equal((await c.post('/profile', [['display_name', `Person ${prefix}${i}`], ['team', team], ['timezone', 'UTC']])).status, 303);
    out.push({ c, email, id: Number(userId(srv, email)) });
  }
  return out;
}

/** A survey for both roles: a rating, a choice, an optional comment; open. */
async function survey(title) {
  await admin.get('/admin/surveys');
  const url = (await admin.post('/admin/surveys', { title, audience: 'both' })).headers.location;
  await admin.get(url);
  for (const q of [{ kind: 'rating', prompt: 'How useful was it?', required: '1' },
    { kind: 'choice', prompt: 'Was the time commitment right?', choices: CHOICES.join('\n'), required: '1' },
    { kind: 'text', prompt: 'What should change?', max_len: '1000' }]) {
    assert.equal((await admin.post(`${url}/questions`, q)).status, 303);
  }
  assert.equal((await admin.post(`${url}/status`, { status: 'open' })).status, 303);
  const id = Number(url.split('/').pop());
  const qids = srv.sql(`SELECT group_concat(id) FROM (SELECT id FROM survey_questions WHERE survey_id = ${id} ORDER BY position)`).split(',').map(Number);
  return { id, url, qids };
}

async function answer(s, p, { rating, choice, text = '' }) {
  const inv = srv.sql(`SELECT id FROM survey_invitations WHERE survey_id = ${s.id} AND user_id = ${p.id}`);
  await p.c.get(`/surveys/${inv}`);
  const r = await p.c.post(`/surveys/${inv}`, { [`q${s.qids[0]}`]: String(rating), [`q${s.qids[1]}`]: choice, [`q${s.qids[2]}`]: text });
  assert.equal(r.status, 303);
}

const q = (db, sql) => execFileSync('sqlite3', [db, sql], { encoding: 'utf8' }).trim();
function backup(name) {
  const copy = `${srv.data}/${name}.db`;
  execFileSync(BIN, ['backup', copy], { env: { ...process.env, TANDEM_DATA: srv.data } });
  return copy;
}

/** What a response's sealed pool value would measure, from the plain
 * text's format (store/surveys.c: netstrings of role, quarter, team, then
 * question id, kind and value per answer) plus the seal's fixed overhead
 * (5-byte header, 24-byte nonce, 16-byte tag). Only public facts. */
const ns = (s) => Buffer.byteLength(s) + String(Buffer.byteLength(s)).length + 1;
function sealedLength(resp, answers) {
  let n = ns(resp.role) + ns(resp.quarter) + ns(resp.team);
  for (const a of answers) {
    const [kind, v] = a.rating !== '' ? ['r', a.rating] : a.choice !== '' ? ['c', a.choice] : ['t', a.text];
    n += ns(String(a.question_id)) + ns(kind) + ns(String(v));
  }
  return n + 5 + 24 + 16;
}

test('a backup holder without the key links a released response (comment included) to its author by the sealed length', async () => {
  const s = await survey('Pool length');
  const ppl = await members('len', K);
  await admin.get(s.url);
  assert.equal((await admin.post(`${s.url}/send`, { audience: 'team', team: 'Platform' })).status, 303);
  const victim = ppl[0];
  // Nightly backups: one before and one after the victim answers.
  const a = backup('night-1');
  await answer(s, victim, { rating: 4, choice: 'Too much', text: 'My mentor cancelled half of our sessions.' });
  const b = backup('night-2');
  // Same team, same role, same quarter: nothing the README admits to
  // (a unique team, role or quarter inside the batch) singles anyone out.
  await answer(s, ppl[1], { rating: 4, choice: 'About right', text: 'Good program, keep it going please.' });
  await answer(s, ppl[2], { rating: 4, choice: 'Too little', text: '' });
  const c = backup('night-3');
  assert.equal(q(c, `SELECT count(*) FROM survey_responses WHERE survey_id = ${s.id}`), String(K), 'the batch was released');

  // 1. Who answered between the two backups: the invitation that flipped.
  const flipped = q(b, `SELECT user_id FROM survey_invitations WHERE survey_id = ${s.id} AND answered = 1`).split('\n')
    .filter((u) => !q(a, `SELECT user_id FROM survey_invitations WHERE survey_id = ${s.id} AND answered = 1`).split('\n').includes(u));
  assert.deepEqual(flipped.map(Number), [victim.id]);
  // 2. The pool row that appeared, and its length (sealed, unreadable).
  const len = Number(q(b, `SELECT length(sealed) FROM survey_pool WHERE survey_id = ${s.id}`));
  // 3. Later, the batch is readable: which released response has that length?
  const rows = q(c, `SELECT hex(r.id), r.role, r.quarter, r.team, a.question_id, coalesce(a.rating, ''), coalesce(a.choice, ''), ` +
    `coalesce(a.text, '') FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id WHERE r.survey_id = ${s.id} ` +
    'ORDER BY r.id, a.question_id').split('\n').map((l) => l.split('|'));
  const byResp = new Map();
  for (const [rid, role, quarter, team, qid, rating, choice, text] of rows) {
    if (!byResp.has(rid)) byResp.set(rid, { resp: { role, quarter, team }, answers: [] });
    byResp.get(rid).answers.push({ question_id: qid, rating, choice, text });
  }
  assert.equal(new Set([...byResp.values()].map((r) => `${r.resp.role}/${r.resp.team}/${r.resp.quarter}`)).size, 1,
    'role, team and quarter are the same for the whole batch');
  const matches = [...byResp.values()].filter((r) => sealedLength(r.resp, r.answers) === len);
  const learned = matches.map((m) => m.answers.map((x) => x.rating || x.choice || x.text).join(' / '));
  // Every answer of the batch seals at one length: all match, or none.
  assert.ok(matches.length !== 1,
    `person ${victim.id} (${victim.email}) gave exactly: ${learned[0]}; read from two backups and a third, without the key`);
});

test('a waiting answer\'s choice is read off its sealed length, even when closing withholds it unread', async () => {
  const s = await survey('Pool length, withheld');
  const ppl = await members('wh', K);
  await admin.get(s.url);
  assert.equal((await admin.post(`${s.url}/send`, { audience: 'team', team: 'Platform' })).status, 303);
  const victim = ppl[1];
  await answer(s, victim, { rating: 2, choice: 'Too much' });
  const b = backup('withheld');
  const len = Number(q(b, `SELECT length(sealed) FROM survey_pool WHERE survey_id = ${s.id}`));
  await admin.get(s.url);
  assert.equal((await admin.post(`${s.url}/status`, { status: 'closed' })).status, 303);
  assert.equal(srv.sql(`SELECT count(*) FROM survey_responses WHERE survey_id = ${s.id}`), '0', 'withheld: "will never be shown"');
  // Role, quarter and team are public facts (the invitation, the date,
  // the profile); ratings are one digit; only the choice's length varies.
  const resp = { role: 'member', quarter: srv.sql("SELECT strftime('%Y-Q', 'now') || ((cast(strftime('%m', 'now') AS INT) + 2) / 3)"), team: 'Platform' };
  const fits = CHOICES.filter((choice) => sealedLength(resp, [{ question_id: s.qids[0], rating: '1', choice: '', text: '' },
    { question_id: s.qids[1], rating: '', choice, text: '' }]) === len);
  assert.ok(fits.length !== 1, `person ${victim.id}'s withheld answer to "Was the time commitment right?" was: ${fits[0]}`);
});

test('every answer to a survey seals at one length, whatever was chosen or written', async () => {
  const s = await survey('Pool length, direct');
  const ppl = await members('eq', K - 1);
  await admin.get(s.url);
  assert.equal((await admin.post(`${s.url}/send`, { audience: 'team', team: 'Platform' })).status, 303);
  await answer(s, ppl[0], { rating: 1, choice: 'About right', text: 'é'.repeat(1000) });
  await answer(s, ppl[1], { rating: 5, choice: 'Too much', text: '' });
  const lengths = srv.sql(`SELECT length(sealed) FROM survey_pool WHERE survey_id = ${s.id}`).split('\n').map(Number);
  assert.equal(lengths.length, K - 1, 'both answers wait in the pool');
  assert.equal(new Set(lengths).size, 1, `sealed lengths ${lengths.join(', ')}`);
});

test('an admin\'s own answer never counts toward a batch: with it and k-2 accounts of theirs, they cannot fill one around one person', async () => {
  const s = await survey('Flooded batch');
  // History: earlier batches put at least k answers in every bucket, so
  // every count is shown (written straight in, as survey_attacks does).
  const sql = ['BEGIN;'];
  for (let i = 0; i < 15; i++) {
    const id = randomBytes(16).toString('hex');
    sql.push(`INSERT INTO survey_responses(id, survey_id, role, quarter, team, batch) VALUES (X'${id}', ${s.id}, 'member', '2026-Q1', 'Platform', 1);`);
    sql.push(`INSERT INTO survey_answers(response_id, question_id, rating) VALUES (X'${id}', ${s.qids[0]}, ${1 + (i % 5)});`);
    sql.push(`INSERT INTO survey_answers(response_id, question_id, choice) VALUES (X'${id}', ${s.qids[1]}, '${CHOICES[i % 3]}');`);
  }
  sql.push('COMMIT;');
  srv.sql(sql.join('\n'));
  // The admin is a member too, and signs up k-2 more accounts of their
  // own (open sign-up); the victim's team is then the admin, the
  // puppets and the victim: a team send the app accepts (>= k members).
  await admin.get('/admin/teams');
  assert.equal((await admin.post('/admin/teams', { name: 'Legal' })).status, 303);
  const [victim] = await members('target', 1, 'Legal');
  const puppets = await members('puppet', K - 2, 'Legal');
  await admin.get('/profile');
  assert.equal((await admin.post('/profile', [['display_name', 'Ada Admin'], ['team', 'Legal'], ['timezone', 'UTC']])).status, 303);
  const me = { c: admin, id: Number(userId(srv, 'revj-admin@example.com')) };
  await admin.get(s.url);
  // Invited: the victim, and otherwise only the admin's own accounts.
  const team = (await admin.post(`${s.url}/send`, { audience: 'team', team: 'Legal' }));
  assert.equal(team.status, 303);
  const view = async () => JSON.parse((await admin.get(`/admin/surveys/${s.id}/export.json`)).body);
  const before = await view();
  assert.equal(before.pending, 0);
  // The victim answers; the admin sees one answer waiting.
  await answer(s, victim, { rating: 2, choice: 'Too much' });
  assert.equal((await view()).pending, 1);
  // The admin and the puppets answer what they like. The admin's own
  // answer does not count toward the batch: it waits.
  for (const p of [me, ...puppets]) await answer(s, p, { rating: 5, choice: 'About right' });
  const waiting = await view();
  assert.equal(waiting.pending, K, 'nothing released: k - 1 answers of people who are not admins');
  // Someone else in the team answers: now k people who are not admins.
  const [other] = await members('bystander', 1, 'Legal');
  await admin.get(s.url);
  assert.equal((await admin.post(`${s.url}/send`, { audience: 'team', team: 'Legal' })).status, 303);
  await answer(s, other, { rating: 3, choice: 'Too little' });
  const after_ = await view();
  assert.equal(after_.pending, 0, 'released');
  // Subtract the view before and the k-1 answers the admin gave.
  const diff = (qi, label) => {
    const c = (r) => r.questions[qi].rows[0].counts[label];
    return (c(after_) === 'hidden' || c(before) === 'hidden') ? null : c(after_) - c(before);
  };
  const rating = ['1', '2', '3', '4', '5'].filter((l) => diff(0, l) - (l === '5' ? K - 1 : 0) === 1);
  const choice = CHOICES.filter((l) => diff(1, l) - (l === 'About right' ? K - 1 : 0) === 1);
  assert.ok(!(rating.length === 1 && choice.length === 1),
    `the admin read person ${victim.id}'s answer: rating ${rating[0]}, "${choice[0]}"`);
});

test('a member who answered and is then made admin no longer counts toward the batch their answer may wait in (review K)', async () => {
  const s = await survey('Promoted answerer');
  const ppl = await members('promo', K + 1);
  await admin.get(s.url);
  assert.equal((await admin.post(`${s.url}/send`, { audience: 'team', team: 'Platform' })).status, 303);
  const pending = () => Number(srv.sql(`SELECT count(*) FROM survey_pool WHERE survey_id = ${s.id}`));
  await answer(s, ppl[0], { rating: 2, choice: 'Too much' });
  await answer(s, ppl[1], { rating: 3, choice: 'About right' });
  await admin.get('/admin/users');
  assert.equal((await admin.post(`/admin/users/${ppl[0].id}/role`, { role: 'admin' })).status, 303);
  // Two answers wait, one of them the new admin's: k - 1 = 2 more are needed.
  await answer(s, ppl[2], { rating: 4, choice: 'Too little' });
  assert.equal(pending(), K, 'not released: only two answers of people who are not admins');
  await answer(s, ppl[3], { rating: 5, choice: 'About right' });
  assert.equal(pending(), 0, 'released with a third');
});
