// Issue 19: a survey sent to more than finishing pairs (POST
// /admin/surveys/{id}/send: all active members, the members who never
// took part, one team, or the finishing pairs it missed), invitations and
// mail in one transaction, nobody invited twice; and a follow-up survey
// beside its baseline (POST /admin/surveys/{id}/compare), each column
// hidden under k exactly as its own report.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer, signup, adminClient } from '../lib/server.mjs';
import { newMentorship, userId } from '../lib/fixtures.mjs';
import { mailbox, part } from '../lib/mail.mjs';

const K = 3;
let srv, admin, box;
const people = {};

before(async () => {
  srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', TANDEM_SURVEY_K: String(K) });
  const dir = join(srv.data, 'mail');
  box = mailbox(() => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => join(dir, f)) : []));
  admin = await adminClient(srv, 'audience-admin@example.com');
  await admin.get('/admin/teams');
  for (const name of ['Platform', 'Data', 'Tiny']) assert.equal((await admin.post('/admin/teams', { name })).status, 303);
  // Platform: four active members and one whose account is deactivated;
  // Data: two; Tiny: one. None of them ever took part in mentoring.
  const members = [['p1', 'Platform'], ['p2', 'platform'], ['p3', 'Platform'], ['p4', 'Platform'], ['p5', 'Platform'],
    ['d1', 'Data'], ['d2', 'Data'], ['t1', 'Tiny']];
  for (const [who, team] of members) {
    const email = `${who}@audience.example.com`;
    const c = await signup(srv, email, `Person ${who.toUpperCase()}`);
    await c.get('/profile');
    assert.equal((await c.post('/profile', [['display_name', `Person ${who.toUpperCase()}`], ['team', team], ['timezone', 'UTC']])).status, 303);
    people[who] = { c, email, id: Number(userId(srv, email)) };
  }
  srv.sql(`UPDATE users SET active = 0 WHERE id = ${people.p5.id}`);
  // Two who took part: a finished mentorship (before any survey below
  // existed) and a running one; both pairs in team Platform.
  for (const [key, finish] of [['done', true], ['running', false]]) {
    const m = await newMentorship(srv, { mentorName: `Mentor ${key}`, menteeName: `Mentee ${key}` });
    for (const [c, name] of [[m.mentor, `Mentor ${key}`], [m.mentee, `Mentee ${key}`]]) {
      await c.get('/profile');
      await c.post('/profile', [['display_name', name], ['team', 'Platform'], ['timezone', 'UTC']]);
    }
    if (finish) assert.equal((await m.mentee.post(`${m.ms}/complete`, { outcome: 'goal_met' })).status, 303);
    people[`${key}_mentor`] = { c: m.mentor, email: m.mentorEmail, id: Number(userId(srv, m.mentorEmail)) };
    people[`${key}_mentee`] = { c: m.mentee, email: m.menteeEmail, id: Number(userId(srv, m.menteeEmail)) };
  }
});
after(async () => { await srv.stop(); });

/** A survey with one rating question (and more if given), opened unless `draft`. */
async function survey(title, { audience = 'both', questions = [], open = true } = {}) {
  await admin.get('/admin/surveys');
  const url = (await admin.post('/admin/surveys', { title, audience })).headers.location;
  await admin.get(url);
  for (const q of [{ kind: 'rating', prompt: 'How useful is mentoring here?', required: '1' }, ...questions]) {
    assert.equal((await admin.post(`${url}/questions`, q)).status, 303);
  }
  if (open) assert.equal((await admin.post(`${url}/status`, { status: 'open' })).status, 303);
  const id = Number(url.split('/').pop());
  const qids = srv.sql(`SELECT group_concat(id) FROM (SELECT id FROM survey_questions WHERE survey_id = ${id} ORDER BY position)`).split(',').map(Number);
  return { id, url, title, qids };
}

const invited = (s) => srv.sql(`SELECT coalesce(group_concat(user_id), '') FROM (SELECT user_id FROM survey_invitations WHERE survey_id = ${s.id} ORDER BY user_id)`)
  .split(',').filter(Boolean).map(Number);
const mailRows = (s) => Number(srv.sql(`SELECT count(*) FROM outbox WHERE event IN (12, 13) AND ref IN (SELECT id FROM survey_invitations WHERE survey_id = ${s.id})`));
const ids = (...keys) => keys.map((k) => people[k].id).sort((a, b) => a - b);

async function send(s, fields) {
  await admin.get(s.url);
  return admin.post(`${s.url}/send`, fields);
}

test('a team send invites exactly that team\'s active members, mails them, and never twice', async () => {
  const s = await survey('Team pulse');
  const r = await send(s, { audience: 'team', team: 'Platform' });
  assert.equal(r.status, 303);
  // p2 wrote "platform": the list's team without case. p5 is deactivated;
  // Data, Tiny and the admin are not in the team.
  const platform = ids('p1', 'p2', 'p3', 'p4', 'done_mentor', 'done_mentee', 'running_mentor', 'running_mentee');
  assert.deepEqual(invited(s), platform);
  assert.equal(srv.sql(`SELECT group_concat(DISTINCT role) FROM survey_invitations WHERE survey_id = ${s.id}`), 'member');
  assert.match((await admin.get(r.headers.location)).body, /Invited 8 people; 0 of this audience were invited already\./);
  // Two mails each: the invitation now, a reminder a week later.
  assert.equal(mailRows(s), 16);
  const mails = await box.until((all) => people.p1 && ['p1', 'p2', 'p3', 'p4'].every((p) => all.some((m) => m.headers.to.includes(`<${people[p].email}>`) && m.headers.subject.includes('Team pulse'))), 'the team\'s invitations');
  const p1mail = mails.find((m) => m.headers.to.includes(`<${people.p1.email}>`) && m.headers.subject.includes('Team pulse'));
  assert.match(part(p1mail, 'text/plain').body, /You are invited to a survey of the mentoring program/);
  assert.ok(!mails.some((m) => m.headers.subject.includes('Team pulse') && [people.p5, people.d1, people.t1].some((p) => m.headers.to.includes(`<${p.email}>`))), 'nobody outside the team is mailed');
  // The invitation reaches the person's survey list.
  assert.match((await people.p3.c.get('/surveys')).body, /Team pulse/);
  assert.doesNotMatch((await people.d1.c.get('/surveys')).body, /Team pulse/);
  // Again: nobody new, no second mail.
  const again = await send(s, { audience: 'team', team: 'Platform' });
  assert.equal(again.status, 303);
  assert.match((await admin.get(again.headers.location)).body, /Invited 0 people; 8 of this audience were invited already\./);
  assert.deepEqual(invited(s), platform);
  assert.equal(mailRows(s), 16);
  // Wider: all active members adds only those not invited yet.
  const all = await send(s, { audience: 'all' });
  assert.equal(all.status, 303);
  assert.match((await admin.get(all.headers.location)).body, /Invited 4 people; 8 of this audience were invited already\./);
  assert.deepEqual(invited(s), [...platform, ...ids('d1', 'd2', 't1'), Number(userId(srv, 'audience-admin@example.com'))].sort((a, b) => a - b));
  assert.equal(mailRows(s), 24);
  assert.match(srv.sql(`SELECT detail FROM audit WHERE event = 'survey_sent' AND subject_id = ${s.id} ORDER BY id DESC LIMIT 1`), /audience=all invited=4 already=8/);
});

test('"never" leaves out everyone who ever mentored or was mentored', async () => {
  const s = await survey('The wider team');
  const r = await send(s, { audience: 'never' });
  assert.equal(r.status, 303);
  const got = invited(s);
  for (const k of ['done_mentor', 'done_mentee', 'running_mentor', 'running_mentee']) {
    assert.ok(!got.includes(people[k].id), `${k} took part and is not invited`);
  }
  assert.ok(!got.includes(people.p5.id), 'a deactivated account is not invited');
  for (const k of ['p1', 'p2', 'p3', 'p4', 'd1', 'd2', 't1']) assert.ok(got.includes(people[k].id), `${k} never took part`);
  assert.match((await admin.get(r.headers.location)).body, new RegExp(`Invited ${got.length} people; 0 `));
});

test('"finishing" reaches the finished pairs a survey opened later missed, in their roles', async () => {
  const s = await survey('Looking back');
  const r = await send(s, { audience: 'finishing' });
  assert.equal(r.status, 303);
  assert.deepEqual(invited(s), ids('done_mentor', 'done_mentee'));
  assert.equal(srv.sql(`SELECT group_concat(role, ',') FROM (SELECT role FROM survey_invitations WHERE survey_id = ${s.id} AND mentorship_id IS NOT NULL ORDER BY role)`), 'mentee,mentor');
  assert.equal(mailRows(s), 4);
  // The finished mentee's mail names the mentorship, as an ending's does.
  await box.until((all) => all.some((m) => m.headers.to.includes(`<${people.done_mentee.email}>`) && m.headers.subject.includes('Looking back')), 'the finishing invitation');
});

test('refused sends write no invitation and no mail, and keep the form', async () => {
  const s = await survey('Refusals');
  const before = Number(srv.sql('SELECT count(*) FROM outbox'));
  const bad = await send(s, { audience: 'everyone', team: 'Data' });
  assert.equal(bad.status, 422);
  assert.match(bad.body, /Choose who receives the survey/);
  assert.match(bad.body, /<option value="Data" selected>Data<\/option>/, 'the team chosen is kept');
  const noTeam = await send(s, { audience: 'team', team: '' });
  assert.equal(noTeam.status, 422);
  assert.match(noTeam.body, /Choose the team/);
  assert.match(noTeam.body, /<option value="team" selected>/);
  const unknown = await send(s, { audience: 'team', team: 'Nowhere' });
  assert.equal(unknown.status, 422);
  assert.match(unknown.body, /not on the list of teams/);
  const tiny = await send(s, { audience: 'team', team: 'Tiny' });
  assert.equal(tiny.status, 422);
  assert.match(tiny.body, /has 1 active member, fewer than 3/);
  // A survey for mentees only goes to finishing pairs only.
  const mentees = await survey('For mentees', { audience: 'mentee' });
  assert.equal((await send(mentees, { audience: 'all' })).status, 422);
  // Draft and closed surveys are never sent.
  const draft = await survey('Not yet', { open: false });
  const d = await send(draft, { audience: 'all' });
  assert.equal(d.status, 409);
  assert.match(d.body, /Only an open survey can be sent: open it first/);
  const closed = await survey('Over');
  assert.equal((await admin.post(`${closed.url}/status`, { status: 'closed' })).status, 303);
  assert.equal((await send(closed, { audience: 'all' })).status, 409);
  for (const x of [s, mentees, draft, closed]) assert.deepEqual(invited(x), [], `${x.title}: nobody invited`);
  assert.equal(Number(srv.sql('SELECT count(*) FROM outbox')), before, 'no mail queued');
  assert.equal(srv.sql(`SELECT count(*) FROM audit WHERE event = 'survey_sent' AND subject_id IN (${[s, mentees, draft, closed].map((x) => x.id)})`), '0');
  // A member may not send at all.
  const member = people.d1.c;
  await member.get('/surveys');
  const forbidden = await member.post(`/admin/surveys/${s.id}/send`, { audience: 'all' });
  assert.equal(forbidden.status, 403);
  assert.deepEqual(invited(s), []);
  assert.equal(Number(srv.sql('SELECT count(*) FROM outbox')), before);
});

test('an answer to a sent survey is a member\'s, anonymous and batched like any other', async () => {
  const s = await survey('Members answer');
  assert.equal((await send(s, { audience: 'team', team: 'Data' })).status, 422, 'Data has 2 active members: fewer than k');
  assert.equal((await send(s, { audience: 'team', team: 'Platform' })).status, 303);
  for (const [n, who] of ['p1', 'p2', 'p3'].entries()) {
    const c = people[who].c;
    const inv = srv.sql(`SELECT id FROM survey_invitations WHERE survey_id = ${s.id} AND user_id = ${people[who].id}`);
    await c.get(`/surveys/${inv}`);
    assert.equal((await c.post(`/surveys/${inv}`, { [`q${s.qids[0]}`]: String(3 + n) })).status, 303);
  }
  // Released together (k = 3) as responses of the role "member", with no
  // column that names a person.
  assert.equal(srv.sql(`SELECT count(*) || ':' || group_concat(DISTINCT role) FROM survey_responses WHERE survey_id = ${s.id}`), '3:member');
  assert.equal(srv.sql(`SELECT count(*) FROM survey_pool WHERE survey_id = ${s.id}`), '0');
});

/** Released responses written straight into the tables, as a batch
 * release leaves them (survey_attacks.test.mjs does the same). */
function release(surveyId, qid, list) {
  const sql = ['BEGIN;'];
  for (const p of list) {
    const id = randomBytes(16).toString('hex');
    sql.push(`INSERT INTO survey_responses(id, survey_id, role, quarter, team, batch) VALUES (X'${id}', ${surveyId}, 'member', '2026-Q4', '${p.team}', 1);`);
    sql.push(`INSERT INTO survey_answers(response_id, question_id, rating) VALUES (X'${id}', ${qid}, ${p.rating});`);
  }
  sql.push('COMMIT;');
  srv.sql(sql.join('\n'));
}
const many = (n, team, rating) => Array.from({ length: n }, () => ({ team, rating }));

test('a follow-up beside its baseline: shared questions only, each column hidden under k as its own report', async () => {
  const base = await survey('Before the incentive', { questions: [{ kind: 'rating', prompt: 'Only asked before', required: '1' }] });
  const follow = await survey('After the incentive', { questions: [{ kind: 'rating', prompt: 'Only asked after', required: '1' }] });
  // Baseline: Platform 4 (one of them gives 2: a count of 1), Data 3,
  // Sales 3. Follow-up: Platform 4 (again one 2), Data 3 (one gives 1).
  release(base.id, base.qids[0], [...many(3, 'Platform', 4), { team: 'Platform', rating: 2 }, ...many(3, 'Data', 5), ...many(3, 'Sales', 4)]);
  release(follow.id, follow.qids[0], [...many(3, 'Platform', 5), { team: 'Platform', rating: 2 }, ...many(2, 'Data', 4), { team: 'Data', rating: 1 }]);
  for (const s of [base, follow]) assert.equal((await admin.post(`${s.url}/status`, { status: 'closed' })).status, 303);
  await admin.get(follow.url);
  assert.equal((await admin.post(`${follow.url}/compare`, { baseline: 'x' })).status, 422);
  assert.equal((await admin.post(`${follow.url}/compare`, { baseline: String(follow.id) })).status, 422, 'not its own baseline');
  const set = await admin.post(`${follow.url}/compare`, { baseline: String(base.id) });
  assert.equal(set.status, 303);
  assert.equal((await admin.post(`${base.url}/compare`, { baseline: String(follow.id) })).status, 422, 'no loop');
  const page = (await admin.get(follow.url)).body;
  const section = page.match(/<section class="card survey-compare"[\s\S]*?<\/section>/)?.[0];
  assert.ok(section, 'the comparison is on the follow-up\'s page');
  assert.match(section, /Before the incentive → After the incentive/);
  assert.match(section, /How useful is mentoring here\?/);
  assert.doesNotMatch(section, /Only asked (before|after)/, 'questions the two do not share are not compared');
  const row = (label) => section.match(new RegExp(`<tr><th scope="row">${label}</th>(.*?)</tr>`))?.[1];
  // Everyone: 10 and 6 answers; the single 2 (and the single 1) hidden,
  // with as many more as it takes, in both columns.
  const everyone = row('Everyone');
  assert.match(everyone, /^<td>10<\/td><td>[^<]*<\/td><td>[^<]*<\/td><td>7<\/td>/);
  assert.equal((everyone.match(/2: hidden/g) || []).length, 2);
  assert.doesNotMatch(everyone, /2: 1\b|1: 1\b/);
  // Platform (4 in each): its one 2 hidden in both columns, no mean.
  const platform = row('team: Platform');
  assert.ok(platform, 'Platform is shown in both');
  assert.equal((platform.match(/2: hidden/g) || []).length, 2);
  assert.doesNotMatch(platform, /\d\.\d\d/);
  // Sales is shown by the baseline only: not named, counted with the rest.
  assert.doesNotMatch(section, /Sales/);
  assert.match(row('team: groups not shown in both, together'), /^<td>3<\/td><td><\/td><td><\/td><td>0<\/td>/);
  // Every figure in the section is one the survey's own page shows.
  const own = (await admin.get(base.url)).body;
  assert.match(own, /team: Platform|Platform/);
  const json = JSON.parse((await admin.get(`/admin/surveys/${follow.id}/export.json`)).body);
  const all = json.questions[0].rows[0];
  assert.equal(all.answers, 7);
  assert.equal(all.counts['1'], 'hidden');
  assert.equal(all.counts['2'], 'hidden');
  assert.equal(srv.sql(`SELECT count(*) > 0 FROM audit WHERE event = 'survey_results_viewed' AND subject_id = ${base.id} AND detail = 'compare'`), '1', 'the baseline\'s results were viewed');
  // Cleared again: no comparison.
  await admin.get(follow.url);
  assert.equal((await admin.post(`${follow.url}/compare`, { baseline: '' })).status, 303);
  assert.doesNotMatch((await admin.get(follow.url)).body, /survey-compare/);
});
