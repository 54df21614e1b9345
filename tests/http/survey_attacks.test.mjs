// The arithmetic an admin with a calculator did on the first design's
// survey results, performed on the JSON export, the CSV and the page.
// The released answers are written straight into the tables (as a batch
// release would leave them), so each attack gets exactly the numbers it
// needs; the pool and the batches are tested in surveys.test.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServer, adminClient } from '../lib/server.mjs';

const K = 5;
let srv, admin;
before(async () => {
  srv = await startServer({ TANDEM_SURVEY_K: String(K) });
  admin = await adminClient(srv, 'calculator-admin@example.com');
});
after(async () => { await srv.stop(); });

/** A survey with the given questions, opened; returns its id and question ids. */
async function survey(title, questions) {
  await admin.get('/admin/surveys');
  const url = (await admin.post('/admin/surveys', { title, audience: 'both' })).headers.location;
  await admin.get(url);
  for (const q of questions) assert.equal((await admin.post(`${url}/questions`, q)).status, 303);
  assert.equal((await admin.post(`${url}/status`, { status: 'open' })).status, 303);
  const id = Number(url.split('/').pop());
  const qids = srv.sql(`SELECT group_concat(id) FROM (SELECT id FROM survey_questions WHERE survey_id = ${id} ORDER BY position)`).split(',').map(Number);
  return { id, url, qids };
}
const close = async (s) => assert.equal((await admin.post(`${s.url}/status`, { status: 'closed' })).status, 303);
const rating = (prompt) => ({ kind: 'rating', prompt, required: '1' });

/** Released responses: [{ team, role, ratings: {qid: v} }]. */
function release(surveyId, people) {
  const sql = ['BEGIN;'];
  for (const p of people) {
    const id = randomBytes(16).toString('hex');
    sql.push(`INSERT INTO survey_responses(id, survey_id, role, quarter, team, batch) VALUES (X'${id}', ${surveyId}, '${p.role || 'mentee'}', '2026-Q4', '${p.team || 'other'}', ${p.batch || 1});`);
    for (const [q, v] of Object.entries(p.ratings || {})) sql.push(`INSERT INTO survey_answers(response_id, question_id, rating) VALUES (X'${id}', ${q}, ${v});`);
    for (const [q, v] of Object.entries(p.choices || {})) sql.push(`INSERT INTO survey_answers(response_id, question_id, choice) VALUES (X'${id}', ${q}, '${v}');`);
  }
  sql.push('COMMIT;');
  srv.sql(sql.join('\n'));
}
const people = (n, fields) => Array.from({ length: n }, () => ({ ...fields }));

/** The three outputs, read as an attacker would: per question, rows of figures. */
async function outputs(s) {
  const json = JSON.parse((await admin.get(`/admin/surveys/${s.id}/export.json`)).body);
  const csv = (await admin.get(`/admin/surveys/${s.id}/export.csv`)).body;
  const page = (await admin.get(`/admin/surveys/${s.id}`)).body;
  return { json, csv, page, text: JSON.stringify(json) + csv + page };
}

/** Every distribution of n answers over the buckets that fits what a row shows. */
function solutions(row, n) {
  const labels = Object.keys(row.counts);
  const out = [];
  const walk = (i, left, acc) => {
    if (i === labels.length) {
      if (left !== 0) return;
      if (row.mean !== null) {
        const mean = acc.reduce((s, v, b) => s + v * (b + 1), 0) / n;
        if (Math.abs(mean - row.mean) > 0.005) return;
      }
      out.push([...acc]);
      return;
    }
    const shown = row.counts[labels[i]];
    if (shown !== 'hidden') { if (shown <= left) walk(i + 1, left - shown, [...acc, shown]); return; }
    for (let v = 0; v <= left; v++) walk(i + 1, left - v, [...acc, v]);
  };
  walk(0, n, []);
  return out;
}

/** The checks every attack ends with, on every question of a report. */
function nothingSmallCanBeWorkedOut(json) {
  for (const q of json.questions) {
    if (q.answers === 'hidden') { assert.equal(q.rows.length, 0); continue; }
    const all = q.rows.find((r) => r.dimension === 'all');
    for (const r of q.rows) {
      const hidden = Object.values(r.counts).filter((v) => v === 'hidden').length;
      if (hidden) assert.equal(r.mean, null, `${q.question} ${r.group}: a mean beside a hidden cell`);
      for (const v of Object.values(r.counts)) if (v !== 'hidden') assert.ok(v >= K, `${q.question} ${r.group}: a shown ${v}`);
      assert.ok(r.answers >= K, `${q.question} ${r.group}: a shown group of ${r.answers}`);
      // Solving the row: no hidden cell comes out as one value of 1..k-1.
      const sols = solutions(r, r.answers);
      assert.ok(sols.length >= 1);
      Object.keys(r.counts).forEach((l, b) => {
        const vals = new Set(sols.map((s) => s[b]));
        if (vals.size === 1) assert.ok(![...vals][0] || [...vals][0] >= K, `${q.question} ${r.group} ${l} solved: ${[...vals]}`);
      });
    }
    // Linked tables: what hidden groups hold together is 0 or >= k, in
    // the margin and in every answer's column.
    for (const dim of ['role', 'team', 'quarter']) {
      const rows = q.rows.filter((r) => r.dimension === dim);
      if (json.status !== 'closed') { assert.equal(rows.length, 0, 'no breakdown while open'); continue; }
      if (q.withheld.includes(dim)) { assert.equal(rows.length, 0, `${dim} withheld`); continue; }
      const rest = q.answers - rows.reduce((s, r) => s + r.answers, 0);
      assert.equal(rest, q.hidden_groups[dim]);
      assert.ok(rest === 0 || rest >= K, `${dim}: hidden groups hold ${rest}`);
      for (const l of Object.keys(all.counts)) {
        if (all.counts[l] === 'hidden') { assert.ok(rows.every((r) => r.counts[l] === 'hidden')); continue; }
        if (rows.some((r) => r.counts[l] === 'hidden' && rows.length)) {
          const col = all.counts[l] - rows.reduce((s, r) => s + (r.counts[l] === 'hidden' ? 0 : r.counts[l]), 0);
          assert.ok(col === 0 || col >= K, `${dim} ${l}: hidden cells hold ${col}`);
        }
      }
    }
  }
}

test('mean, count and shown zeros no longer solve the hidden cells (n=12, {1:2, 4:5, 5:5})', async () => {
  const s = await survey('Mean attack', [rating('How was it?')]);
  release(s.id, [...people(2, { ratings: { [s.qids[0]]: 1 } }), ...people(5, { ratings: { [s.qids[0]]: 4 } }), ...people(5, { ratings: { [s.qids[0]]: 5 } })]);
  const { json, csv, page } = await outputs(s);
  const all = json.questions[0].rows[0];
  assert.equal(json.questions[0].answers, 12);
  assert.equal(all.mean, null, 'no mean beside hidden cells');
  assert.equal(all.counts['2'], 'hidden', 'a zero is a small cell');
  assert.equal(all.counts['3'], 'hidden');
  assert.equal(all.counts['1'], 'hidden');
  const sols = solutions(all, 12);
  assert.ok(new Set(sols.map((x) => x[0])).size > 1, 'the count of 1s is not determined');
  nothingSmallCanBeWorkedOut(json);
  // The same figures in the CSV and on the page.
  assert.match(csv, /"How was it\?","all","All answers","12","","1","hidden"\r\n/);
  assert.doesNotMatch(csv, /"3\.92"|"0"\r\n/);
  assert.doesNotMatch(page, /3\.92|fewer than 5 answers<\/td>.*How was it|: 0[,<]/);
  assert.match(page, /1: hidden, 2: hidden/);
});

test('hidden groups never add up to fewer than k, and are not named (Legal 1, HR 1, Platform 5)', async () => {
  const s = await survey('Groups attack', [rating('Helpful?')]);
  const q = s.qids[0];
  release(s.id, [{ team: 'Legal', ratings: { [q]: 1 } }, { team: 'HR', ratings: { [q]: 2 } }, ...people(5, { team: 'Platform', ratings: { [q]: 5 } })]);
  let out = await outputs(s);
  assert.ok(!out.json.questions[0].rows.some((r) => r.dimension === 'team'), 'no breakdown while the survey is open');
  await close(s);
  out = await outputs(s);
  for (const name of ['Legal', 'HR']) assert.ok(!out.text.includes(name), `${name} is not named anywhere`);
  assert.ok(!out.json.questions[0].rows.some((r) => r.group === 'Platform'), 'All minus Platform would give both answers');
  nothingSmallCanBeWorkedOut(out.json);
});

test('k counts people per question id: the same prompt five times does not make one person five', async () => {
  const s = await survey('Same prompt', Array.from({ length: 5 }, () => rating('Same question?')));
  const all5 = Object.fromEntries(s.qids.map((q) => [q, 3]));
  release(s.id, [{ team: 'Solo', ratings: all5 }, ...people(6, { team: 'Platform', ratings: all5 })]);
  await close(s);
  const out = await outputs(s);
  assert.equal(out.json.questions.length, 5);
  assert.deepEqual(out.json.questions.map((q) => q.id), s.qids);
  assert.ok(!out.text.includes('Solo'));
  nothingSmallCanBeWorkedOut(out.json);
});

test('no cap on groups: the 257th small team is hidden like the first', async () => {
  const s = await survey('Many teams', [rating('Many?')]);
  const q = s.qids[0];
  release(s.id, [...Array.from({ length: 300 }, (_, i) => ({ team: `Tiny team ${i + 1}`, ratings: { [q]: 1 + (i % 5) } })),
    ...people(40, { team: 'Big team', ratings: { [q]: 4 } })]);
  await close(s);
  const out = await outputs(s);
  assert.ok(!/Tiny team/.test(out.text), 'no team of one is shown');
  // 300 teams of one cannot be cut out of the total safely: the team
  // breakdown is withheld whole, and says so.
  assert.deepEqual(out.json.questions[0].withheld, ['team']);
  assert.match(out.csv, /"team","not shown","withheld"/);
  nothingSmallCanBeWorkedOut(out.json);
});

test('random results, closed: every output keeps every rule, and the three agree', async () => {
  const s = await survey('Random', [rating('R1?'), { kind: 'choice', prompt: 'C1?', choices: 'Yes\nNo\nMaybe', required: '1' }]);
  const teams = ['A', 'B', 'C', 'D'];
  const rows = [];
  let seed = 7;
  const rnd = (n) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
  for (let i = 0; i < 37; i++) rows.push({ team: teams[rnd(4)], role: rnd(2) ? 'mentor' : 'mentee', ratings: { [s.qids[0]]: 1 + rnd(5) } });
  release(s.id, rows);
  srv.sql(`INSERT INTO survey_answers(response_id, question_id, choice) SELECT id, ${s.qids[1]}, CASE abs(random()) % 3 WHEN 0 THEN 'Yes' WHEN 1 THEN 'No' ELSE 'Maybe' END FROM survey_responses WHERE survey_id = ${s.id}`);
  await close(s);
  const out = await outputs(s);
  nothingSmallCanBeWorkedOut(out.json);
  // The CSV says the same as the JSON, figure for figure.
  for (const q of out.json.questions) {
    for (const r of q.rows) {
      for (const [l, v] of Object.entries(r.counts)) {
        const line = `"${q.id}","${q.question}","${r.dimension}","${r.group}","${r.answers}","${r.mean === null ? '' : r.mean.toFixed(2)}","${l}","${v}"\r\n`;
        assert.ok(out.csv.includes(line), `CSV lacks ${line}`);
      }
    }
  }
  assert.doesNotMatch(out.page, /fewer than 5<\/|: fewer than/, 'hidden cells are "hidden", not "fewer than k"');
});

test('a choice label of any length is counted, and long prompts are never cut inside a character', async () => {
  const long = 'Ä'.repeat(80); // 160 bytes: the first design kept 63 and never matched it
  const prompt = 'é'.repeat(300); // 600 bytes: the first design cut at 400, inside a character
  const s = await survey('Long labels', [{ kind: 'choice', prompt, choices: `${long}\nOther`, required: '1' }]);
  release(s.id, people(6, { choices: { [s.qids[0]]: long } }));
  const { json, csv, page } = await outputs(s);
  assert.equal(json.questions[0].question, prompt);
  assert.equal(json.questions[0].answers, 6);
  assert.equal(json.questions[0].rows[0].counts[long], 6);
  assert.ok(csv.includes(`"${prompt}"`));
  assert.ok(page.includes(`${long}: 6`));
});

test('a survey of 40 questions asks all 40 (the first design asked 24)', async () => {
  const s = await survey('Forty', Array.from({ length: 40 }, (_, i) => rating(`Question ${i + 1}?`)));
  const inv = srv.sql(`INSERT INTO survey_invitations(survey_id, user_id, mentorship_id, role) SELECT ${s.id}, u.id, 0, 'mentee' FROM users u WHERE u.email = 'calculator-admin@example.com' RETURNING id`);
  const form = await admin.get(`/surveys/${inv}`);
  assert.equal(form.status, 200);
  for (const q of s.qids) assert.match(form.body, new RegExp(`name="q${q}"`));
  const fields = Object.fromEntries(s.qids.map((q) => [`q${q}`, '4']));
  assert.equal((await admin.post(`/surveys/${inv}`, fields)).status, 303);
  assert.equal(srv.sql(`SELECT count(*) FROM survey_pool WHERE survey_id = ${s.id}`), '1');
  // And no draft takes a 41st: it could never be asked.
  const url = (await admin.post('/admin/surveys', { title: 'Forty-one', audience: 'both' })).headers.location;
  await admin.get(url);
  for (let i = 0; i < 40; i++) assert.equal((await admin.post(`${url}/questions`, rating(`Q${i}?`))).status, 303);
  const more = await admin.post(`${url}/questions`, rating('One too many?'));
  assert.equal(more.status, 409);
  assert.match(more.body, /at most 40 questions/);
});

test('role and team tables combined: a lone mentee in a team of mentors is never singled out', async () => {
  // The review's attack: team A = 10 mentors (5 rated 4, 5 rated 5) and
  // one mentee x (rated 4); team B = 5 mentees (rated 5). With both
  // breakdowns shown, A's 5s equal the mentors' 5s, so x rated 4.
  const s = await survey('Role by team', [rating('Role by team?')]);
  const q = s.qids[0];
  release(s.id, [...people(5, { team: 'Alpha', role: 'mentor', ratings: { [q]: 4 } }),
    ...people(5, { team: 'Alpha', role: 'mentor', ratings: { [q]: 5 } }),
    { team: 'Alpha', role: 'mentee', ratings: { [q]: 4 } },
    ...people(5, { team: 'Beta', role: 'mentee', ratings: { [q]: 5 } })]);
  await close(s);
  const { json } = await outputs(s);
  const shown = (dim) => json.questions[0].rows.some((r) => r.dimension === dim);
  assert.ok(!(shown('team') && shown('role')), 'never both: their cut holds a group of one');
  assert.ok(shown('team'), 'the team breakdown alone is safe and shown');
  nothingSmallCanBeWorkedOut(json);
});

test('batches seen while open cannot be subtracted from a closed breakdown', async () => {
  // The review's attack: an admin who watched each batch move the totals
  // knows each batch's answers; team A = batch 1 + the victim + batch 4.
  const s = await survey('Batches', [rating('Batches?')]);
  const q = s.qids[0];
  const r = (n, team, v, batch) => people(n, { team, batch, ratings: { [q]: v } });
  release(s.id, [...r(5, 'Alpha', 4, 1), ...r(1, 'Alpha', 5, 2), ...r(2, 'Beta', 4, 2), ...r(2, 'Beta', 5, 2),
    ...r(3, 'Beta', 4, 3), ...r(2, 'Beta', 5, 3), ...r(5, 'Alpha', 5, 4), ...r(5, 'Beta', 5, 5)]);
  await close(s);
  const { json, text } = await outputs(s);
  assert.ok(json.questions[0].withheld.includes('team'), 'Alpha in batch 2 is one person');
  assert.ok(!text.includes('Alpha') && !text.includes('Beta'));
  nothingSmallCanBeWorkedOut(json);
});

test('a hidden count pinned by another line of the same table is never left to work out', async () => {
  // The review's attack: all {1:6, 2:16}, Alpha 12 (one 1), Beta 10
  // (five 1s, five 2s). The zeros of the total make Beta's hidden 1s
  // exactly 5, so Alpha's 1s are 6 - 5 = 1.
  const s = await survey('Pinned', [rating('Pinned?')]);
  const q = s.qids[0];
  release(s.id, [...people(1, { team: 'Alpha', ratings: { [q]: 1 } }), ...people(11, { team: 'Alpha', ratings: { [q]: 2 } }),
    ...people(5, { team: 'Beta', ratings: { [q]: 1 } }), ...people(5, { team: 'Beta', ratings: { [q]: 2 } })]);
  await close(s);
  const { json } = await outputs(s);
  const alpha = json.questions[0].rows.find((x) => x.group === 'Alpha');
  const beta = json.questions[0].rows.find((x) => x.group === 'Beta');
  const all = json.questions[0].rows[0];
  if (alpha && beta) {
    const zeros = ['3', '4', '5'].every((l) => all.counts[l] === 'hidden') && all.counts['1'] + all.counts['2'] === json.questions[0].answers;
    const beta1 = zeros && beta.counts['2'] !== 'hidden' ? beta.answers - beta.counts['2'] : null;
    assert.ok(beta1 === null || all.counts['1'] - beta1 === 0 || all.counts['1'] - beta1 >= K, 'Alpha\'s 1s worked out');
  }
  assert.ok(json.questions[0].withheld.includes('team'));
  nothingSmallCanBeWorkedOut(json);
});
