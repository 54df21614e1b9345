// What a person types is kept whole and as typed: text in any script is
// never cut inside a character (buffers hold a field's limit in 4-byte
// characters), a day or time that does not exist is refused rather than
// moved, and a query refused on a page is refused on its export (defects
// found by an adversarial review, each test seen failing before its fix).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signup, adminClient, request } from '../lib/server.mjs';
import { uniqueEmail, userId, newMentorship } from '../lib/fixtures.mjs';
import { mailbox } from '../lib/mail.mjs';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

let srv;
before(async () => { srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', TANDEM_IDLE_MINUTES: '600' }); });
after(async () => { await srv.stop(); });

const nextYear = () => new Date(Date.now() + srv.clockOffset * 1000).getUTCFullYear() + 1;

/** An admin's POST /admin/rotations named `name`, led by a new member
 * `lead`, with the fields f (start_time, timezone, weeks, weekdays). */
async function newRotation(name, lead, f) {
  const admin = await adminClient(srv, uniqueEmail('admin'));
  const email = uniqueEmail('lead');
  await signup(srv, email, lead);
  await admin.get('/admin/rotations');
  return admin.post('/admin/rotations', [['name', name], ['label', ''], ['start_time', f.start_time], ['timezone', f.timezone],
    ['duration_min', '45'], ['weeks', f.weeks], ['weekdays', f.weekdays], ['leads', userId(srv, email)]]);
}

/** A mentor, a mentee and the mentee's request to them, waiting; the
 * mentor has the request's page open. */
async function pendingRequest(mentorName, menteeName) {
  const mentorEmail = uniqueEmail('mentor');
  const mentor = await signup(srv, mentorEmail, mentorName);
  await mentor.get('/profile');
  assert.equal((await mentor.post('/profile', [['display_name', mentorName], ['timezone', 'UTC'], ['is_mentor', '1'],
    ['focus_areas', 'Rust'], ['capacity', '2'], ['formats', 'one_on_one']])).status, 303);
  const mentee = await signup(srv, uniqueEmail('mentee'), menteeName);
  await mentee.get(`/mentors/${userId(srv, mentorEmail)}`);
  const req = await mentee.post('/requests', { mentor_id: userId(srv, mentorEmail), topic: 'Rust',
    goal: 'Write a safe parser in Rust for our CSV files.', format: 'one_on_one', cadence: 'weekly', duration_min: '30',
    weeks: '6', message: '' });
  assert.equal(req.status, 303);
  await mentor.get(req.headers.location);
  return { mentor, mentee, req };
}

test('next session on a day that does not exist (Feb 30) is refused, not moved to March', async () => {
  const { mentor, ms } = await newMentorship(srv);
  const id = ms.split('/').pop();
  await mentor.get(ms);
  const typed = `${nextYear()}-02-30T10:00`;
  const r = await mentor.post(`${ms}/next`, { next_at: typed });
  const stored = srv.sql(`SELECT coalesce(next_session_at, 0) FROM mentorships WHERE id = ${id}`);
  assert.equal(stored, '0', `nothing is stored for ${typed}, yet next_session_at = ${stored} (${new Date(Number(stored) * 1000).toISOString()})`);
  assert.equal(r.status, 422);
});

test('a rotation start time written "+9:30" is refused like on /office-hours, not stored as typed', async () => {
  const r = await newRotation('Plus nine rotation', 'Lee Lead', { start_time: '+9:30', timezone: 'UTC', weeks: '2', weekdays: '1' });
  const stored = srv.sql("SELECT count(*) FROM rotations WHERE name = 'Plus nine rotation'");
  assert.equal(stored, '0', `a rotation starting at "${srv.sql("SELECT start_time FROM rotations WHERE name = 'Plus nine rotation'")}" was stored`);
  assert.equal(r.status, 422);
  assert.match(r.body, /HH:MM/);
  assert.match(r.body, /value="Plus nine rotation"/);
});

test('a profile with a team, job title and interests in non-Latin script is saved whole, not cut inside a character', async () => {
  const email = uniqueEmail('script');
  const c = await signup(srv, email, 'Pia Profile');
  await c.get('/profile');
  const team = '開'.repeat(67); // 67 characters: the limit is 80
  const title = 'é'.repeat(100); // 100 characters: the limit is 100
  const topics = Array.from({ length: 12 }, (_, i) => String.fromCharCode(0x4e00 + i).repeat(40)); // 12 topics of 40: the limits
  const r = await c.post('/profile', [['display_name', 'Pia Profile'], ['timezone', 'UTC'], ['team', team], ['job_title', title],
    ['interests', topics.join(', ')]]);
  assert.equal(r.status, 303);
  const id = userId(srv, email);
  // What was stored ends inside a character (a lead byte with no continuation).
  assert.equal(srv.sql(`SELECT length(CAST(job_title AS BLOB)) FROM profiles WHERE user_id = ${id}`), String(Buffer.byteLength(title)), 'the job title is stored whole');
  assert.equal(srv.sql(`SELECT length(CAST(team AS BLOB)) FROM profiles WHERE user_id = ${id}`), String(Buffer.byteLength(team)), 'the team is stored whole');
  const page = await c.get('/profile');
  assert.ok(page.body.includes(`value="${title}"`), 'the job title shows as typed');
  assert.ok(page.body.includes(team), 'the team shows as typed');
  assert.deepEqual(topics.filter((t) => !page.body.includes(t)), [], 'every interest typed is kept');
});

test('a reason for ending early, in Cyrillic, shows whole on the mentorship page (not cut inside a character)', async () => {
  const { mentor, mentee, ms } = await newMentorship(srv);
  await mentor.get(ms);
  const reason = 'Мы договорились закончить раньше, потому что цель уже достигнута. '.repeat(14).trim(); // < 1,000 characters
  assert.ok([...reason].length <= 1000);
  const r = await mentor.post(`${ms}/end`, { reason });
  assert.equal(r.status, 303, r.body.slice(0, 400));
  const page = await mentee.get(ms);
  const shown = (page.body.match(/Ended early:<\/strong> ([^<]*)<\/p>/) || [])[1] || '';
  assert.ok(!shown.includes('\uFFFD'), 'no character is cut in half');
  assert.equal(shown, reason, 'the whole reason is shown');
});

test('a place to meet of 200 characters in Japanese is shown whole', async () => {
  const { mentor, mentee, ms } = await newMentorship(srv);
  await mentor.get(ms);
  const where = '本社ビル十二階の大会議室、窓側の席。'.repeat(11).slice(0, 200); // the limit is 500 characters
  const r = await mentor.post(`${ms}/where`, { where });
  assert.equal(r.status, 303, r.body.slice(0, 400));
  const page = await mentee.get(ms);
  assert.ok(page.body.includes(where.slice(0, 100)), 'the place is on the page');
  assert.ok(page.body.includes(where), 'the place typed is shown whole');
});

test('a program event title of 60 characters in Chinese is shown whole on /admin/events', async () => {
  const admin = await adminClient(srv, uniqueEmail('admin'));
  await admin.get('/admin/events');
  const title = '年度导师计划启动大会与经验分享'.repeat(4); // 60 characters: the limit is 120
  const r = await admin.post('/admin/events', { on: '2026-09-01', title, note: '' });
  assert.equal(r.status, 303, r.body.slice(0, 400));
  const page = await admin.get('/admin/events');
  assert.ok(page.body.includes(title.slice(0, 30)), 'the event is on the page');
  assert.ok(page.body.includes(title), 'the title typed is shown whole');
});

test('the mail asking to co-mentor a ring names its Japanese topic whole', async () => {
  const box = mailbox(() => { const dir = join(srv.data, 'mail'); return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => join(dir, f)) : []; });
  const mentorEmail = uniqueEmail('ringm');
  const mentor = await signup(srv, mentorEmail, 'Rina Mentor');
  const coEmail = uniqueEmail('ringc');
  await signup(srv, coEmail, 'Cole Comentor');
  const topic = '大規模分散システムの設計レビューと障害対応の振り返り方'.repeat(3).slice(0, 80); // 80 characters: the limit is 100
  await mentor.get('/rings');
  const made = await mentor.post('/rings', { topic, description: '', seats: '3', cadence: 'biweekly', duration_min: '90', weeks: '12' });
  assert.equal(made.status, 303, made.body.slice(0, 300));
  const ring = made.headers.location;
  assert.ok((await mentor.get(ring)).body.includes(topic), 'the ring page shows the topic whole');
  assert.equal((await mentor.post(`${ring}/mentors`, { user_id: userId(srv, coEmail) })).status, 303);
  const all = await box.until((ms) => ms.some((m) => m.headers.to.includes(`<${coEmail}>`)), 'the co-mentor invitation');
  const m = all.find((x) => x.headers.to.includes(`<${coEmail}>`));
  assert.ok(m.headers.subject.includes(topic), `the subject names the topic whole: ${m.headers.subject}`);
});

test('a next session at a time the clocks skip (DST gap in Europe/Berlin) is refused, not moved an hour', async () => {
  const { mentor, ms } = await newMentorship(srv);
  await mentor.get('/profile');
  assert.equal((await mentor.post('/profile', [['display_name', 'Mira Mentor'], ['timezone', 'Europe/Berlin'], ['is_mentor', '1'],
    ['focus_areas', 'Career growth'], ['capacity', '2'], ['formats', 'one_on_one']])).status, 303);
  await mentor.get(ms);
  // The last Sunday of March next year: Berlin's clocks go from 02:00 straight to 03:00; 02:30 does not exist.
  const y = nextYear();
  const d = new Date(Date.UTC(y, 2, 31));
  d.setUTCDate(31 - d.getUTCDay());
  const r = await mentor.post(`${ms}/next`, { next_at: `${d.toISOString().slice(0, 10)}T02:30` });
  const stored = Number(srv.sql(`SELECT coalesce(next_session_at, 0) FROM mentorships WHERE id = ${ms.split('/').pop()}`));
  assert.equal(stored, 0, `nothing is stored, yet the session was set for ${new Date(stored * 1000).toISOString()} (03:30 in Berlin)`);
  assert.equal(r.status, 422);
});

test('session labels in Chinese (178 characters, the limit is 200) are shown whole on the session page', async () => {
  const { mentee, ms } = await newMentorship(srv);
  await mentee.get(ms);
  const today = new Date(Date.now() + srv.clockOffset * 1000).toISOString().slice(0, 10);
  const labels = Array.from({ length: 20 }, (_, i) => `职业发展规划${String.fromCharCode(0x4e00 + i)}`).join(', ');
  assert.ok([...labels].length <= 200);
  const s = await mentee.post(`${ms}/sessions`, { held_on: today, duration_min: '30', kind: 'one_on_one', labels, agenda: '', shared_notes: '', private_notes: '' });
  assert.equal(s.status, 303, s.body.slice(0, 300));
  const page = await mentee.get(s.headers.location);
  assert.ok(page.body.includes(labels.slice(0, 30)), 'the labels are on the page');
  assert.ok(page.body.includes(labels), 'the labels typed are shown whole');
});

test('the insights export with the first day after the last is refused like the page, not an empty 200 file', async () => {
  const admin = await adminClient(srv, uniqueEmail('admin'));
  const page = await admin.get('/admin/insights?from=2026-06-01&to=2026-01-01');
  assert.equal(page.status, 422);
  assert.match(page.body, /The first day must come before the last/);
  const csv = await admin.get('/admin/insights/export.csv?from=2026-06-01&to=2026-01-01');
  assert.equal(csv.status, 422, `the export answers ${csv.status} with ${csv.body.split('\n').length - 1} line(s)`);
});

test('a CSV import applies a team and job title in Japanese whole, as its preview showed them', async () => {
  const admin = await adminClient(srv, uniqueEmail('admin'));
  await admin.get('/admin/import');
  const email = uniqueEmail('imported');
  const team = '東京本社プラットフォーム開発部'.repeat(5).slice(0, 70); // 70 characters: the limit is 80
  const title = 'シニアソフトウェアエンジニア'.repeat(7).slice(0, 90); // 90 characters: the limit is 100
  const boundary = `----reviewb${Date.now()}`;
  const body = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${admin.csrf}\r\n`
    + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="people.csv"\r\nContent-Type: text/csv\r\n\r\n`
    + `email,name,team,job_title\r\n${email},Kenji Import,${team},${title}\r\n--${boundary}--\r\n`);
  const up = admin.absorb(await request(srv, 'POST', '/admin/import', { body,
    headers: { ...admin.cookieHeader(), 'Content-Type': `multipart/form-data; boundary=${boundary}`, Origin: srv.base, Host: `127.0.0.1:${srv.port}` } }));
  assert.equal(up.status, 303, up.body.slice(0, 400));
  await admin.get(up.headers.location);
  assert.equal((await admin.post(`${up.headers.location}/apply`)).status, 303);
  const id = userId(srv, email);
  assert.ok(id, 'the person was added');
  assert.equal(srv.sql(`SELECT team FROM profiles WHERE user_id = ${id}`), team, 'the team is stored whole');
  assert.equal(srv.sql(`SELECT job_title FROM profiles WHERE user_id = ${id}`), title, 'the job title is stored whole');
});

test('a lead with a long Cyrillic name is named whole in the rotation report, not cut inside a letter', async () => {
  const admin = await adminClient(srv, uniqueEmail('admin'));
  const name = 'Анастасия Александровна Константинопольская'; // 43 characters: the limit is 80
  const email = uniqueEmail('lead');
  await signup(srv, email, name);
  await admin.get('/admin/rotations');
  const r = await admin.post('/admin/rotations', [['name', 'Cyrillic leads'], ['label', ''], ['start_time', '16:00'],
    ['timezone', 'UTC'], ['duration_min', '45'], ['weeks', '2'], ['weekdays', '1'], ['weekdays', '3'], ['leads', userId(srv, email)]]);
  assert.equal(r.status, 303, r.body.slice(0, 400));
  const page = await admin.get(r.headers.location);
  assert.equal(page.status, 200);
  assert.ok(!page.body.includes('\uFFFD'), 'no letter is cut in half');
  assert.ok(page.body.includes(name), 'the lead is named whole');
});

test('a long paragraph of the guide is shown whole on /guide', async () => {
  const admin = await adminClient(srv, uniqueEmail('admin'));
  await admin.get('/admin/guide');
  // One paragraph typed without a line break (the textarea wraps it): about 2,400 bytes.
  const para = 'Перед первой встречей договоритесь о цели, о ритме встреч и о том, как вы поймёте, что цель достигнута. '.repeat(12).trim();
  const r = await admin.post('/admin/guide', { text: `# Starting well\n${para}\n` });
  assert.equal(r.status, 303, r.body.slice(0, 400));
  const page = await admin.get('/guide');
  assert.ok(page.body.includes(para.slice(0, 300)), 'the paragraph is on the page');
  assert.ok(!page.body.includes('\uFFFD'), 'no letter is cut in half');
  assert.ok(page.body.includes(para), 'the whole paragraph is shown');
});

test('a member choosing a survey choice typed with a trailing space gets the answer stored, not a 400', async () => {
  const admin = await adminClient(srv, uniqueEmail('admin'));
  const members = [];
  for (let i = 0; i < 5; i++) {
    const email = uniqueEmail('answerer');
    members.push({ c: await signup(srv, email, `Ann Answerer ${i}`), id: userId(srv, email) });
  }
  await admin.get('/admin/surveys');
  const url = (await admin.post('/admin/surveys', { title: 'Meeting rooms', audience: 'both' })).headers.location;
  await admin.get(url);
  // The admin typed a space after "Yes" before pressing Enter.
  assert.equal((await admin.post(`${url}/questions`, { kind: 'choice', prompt: 'Do you have a room to meet in?', choices: 'Yes \nNo\nSometimes', required: '1' })).status, 303);
  assert.equal((await admin.post(`${url}/status`, { status: 'open' })).status, 303);
  await admin.get(url);
  assert.equal((await admin.post(`${url}/send`, { audience: 'all', team: '' })).status, 303);
  const sid = url.split('/').pop();
  const qid = srv.sql(`SELECT id FROM survey_questions WHERE survey_id = ${sid}`);
  const m = members[0];
  const inv = srv.sql(`SELECT id FROM survey_invitations WHERE survey_id = ${sid} AND user_id = ${m.id}`);
  const form = await m.c.get(`/surveys/${inv}`);
  // What the browser sends is the option's value as the page wrote it.
  const value = (form.body.match(/name="q\d+" value="(Yes[^"]*)"/) || [])[1];
  assert.ok(value !== undefined, 'the page offers "Yes"');
  const r = await m.c.post(`/surveys/${inv}`, { [`q${qid}`]: value.replace(/&#39;/g, "'") });
  assert.equal(r.status, 303, `choosing the offered "Yes" is answered ${r.status}`);
});

test('a bio the form allows (2,000 characters counting each line break once) is not refused for the CRs the browser adds', async () => {
  const c = await signup(srv, uniqueEmail('lines'), 'Lina Lines');
  const form = await c.get('/profile');
  assert.match(form.body, /name="bio" maxlength="2000"/);
  // 31 lines of 63 characters: 1,983 characters as the textarea counts them (HTML's API value, LF
  // line breaks); a browser submits every line break as CR LF.
  const typed = Array.from({ length: 31 }, (_, i) => `Line ${String(i).padStart(2, '0')}: ${'x'.repeat(54)}`).join('\n');
  assert.equal(typed.length, 1983);
  const r = await c.post('/profile', [['display_name', 'Lina Lines'], ['timezone', 'UTC'], ['bio', typed.replace(/\n/g, '\r\n')]]);
  assert.equal(r.status, 303, (r.body.match(/About you must[^<]*/) || [''])[0]);
});

test('a CSV with CR line ends (Excel "CSV (Macintosh)") that is not UTF-8 on line 3 is reported on line 3', async () => {
  const admin = await adminClient(srv, uniqueEmail('admin'));
  await admin.get('/admin/import');
  const file = Buffer.concat([Buffer.from('email,name,team,job_title\rann@example.com,Ann,Eng,Dev\rbob@example.com,B'),
    Buffer.from([0xf6]), Buffer.from('b,Eng,Dev\r')]); // "Böb" saved as Latin-1
  const boundary = `----reviewb${Date.now()}`;
  const body = Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${admin.csrf}\r\n`
    + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="people.csv"\r\nContent-Type: text/csv\r\n\r\n`), file,
    Buffer.from(`\r\n--${boundary}--\r\n`)]);
  const r = admin.absorb(await request(srv, 'POST', '/admin/import', { body,
    headers: { ...admin.cookieHeader(), 'Content-Type': `multipart/form-data; boundary=${boundary}`, Origin: srv.base, Host: `127.0.0.1:${srv.port}` } }));
  assert.equal(r.status, 422);
  assert.match(r.body, /not UTF-8 text \(line (\d+)\)/);
  assert.equal(r.body.match(/not UTF-8 text \(line (\d+)\)/)[1], '3', 'the line named is the one with the bad byte');
});

test('a next session in the past gives the form back with the date and time typed', async () => {
  const { mentor, ms } = await newMentorship(srv);
  await mentor.get(ms);
  const r = await mentor.post(`${ms}/next`, { next_at: '2020-03-04T10:15' });
  assert.equal(r.status, 422);
  assert.match(r.body, /name="next_at"[^>]*value="2020-03-04T10:15"/, 'the date and time typed are kept in the form');
});

test('ending early with a reason over 1,000 characters, or a plan note over 300, gives the form back with the text typed', async () => {
  const { mentor, ms } = await newMentorship(srv);
  await mentor.get(ms);
  const reason = 'We both changed teams this month and agreed to stop; thank you for the sessions so far. '.repeat(13); // > 1,000
  const r = await mentor.post(`${ms}/end`, { reason });
  assert.equal(r.status, 422);
  assert.match(r.body, /name="reason"/, 'the form to end early is on the page again');
  assert.ok(r.body.includes(reason.slice(0, 200)), 'the reason typed is kept');
  await mentor.get(ms);
  const note = 'Read the two design docs and list the open questions for the architecture review. '.repeat(4); // > 300
  const p = await mentor.post(`${ms}/plan/1`, { done: '1', note });
  assert.equal(p.status, 422);
  assert.ok(p.body.includes(note.slice(0, 100)), 'the plan note typed is kept');
});

test('declining with a reason over 1,000 characters gives the form back with the reason typed', async () => {
  const { mentor, req } = await pendingRequest('Dora Decliner', 'Milo Mentee');
  const reason = 'I am away for most of the quarter and cannot give this the time it deserves. '.repeat(14);
  assert.ok(reason.length > 1000);
  const r = await mentor.post(`${req.headers.location}/decline`, { reason });
  assert.equal(r.status, 422);
  assert.match(r.body, /name="reason"/, 'the decline form is on the page again');
  assert.ok(r.body.includes(reason.slice(0, 200)), 'the reason the mentor typed is kept');
});

test('private notes over 8,000 characters give the form back with the notes typed', async () => {
  const { mentee, ms } = await newMentorship(srv);
  await mentee.get(ms);
  const today = new Date(Date.now() + srv.clockOffset * 1000).toISOString().slice(0, 10);
  const s = await mentee.post(`${ms}/sessions`, { held_on: today, duration_min: '30', kind: 'one_on_one', labels: '', agenda: '', shared_notes: '', private_notes: '' });
  assert.equal(s.status, 303, s.body.slice(0, 300));
  await mentee.get(s.headers.location);
  const notes = 'What I want to remember from this session: the promotion case needs numbers. '.repeat(105); // > 8,000
  const r = await mentee.post(`${s.headers.location}/notes`, { private_notes: notes });
  assert.equal(r.status, 422);
  assert.match(r.body, /name="private_notes"/, 'the notes form is on the page again');
  assert.ok(r.body.includes(notes.slice(0, 500)), 'the notes typed are kept');
});

test('a survey title too short gives the form back with the title typed', async () => {
  const admin = await adminClient(srv, uniqueEmail('admin'));
  await admin.get('/admin/surveys');
  const r = await admin.post('/admin/surveys', { title: 'Q3', audience: 'both' });
  assert.equal(r.status, 422);
  assert.match(r.body, /name="title"[^>]*value="Q3"/, 'the title typed is kept in the form');
});

test('a request refused because the mentor filled up meanwhile keeps the goal and message typed', async () => {
  const mentorEmail = uniqueEmail('mentor');
  const mentor = await signup(srv, mentorEmail, 'Fay Full');
  const profile = (cap) => [['display_name', 'Fay Full'], ['timezone', 'UTC'], ['is_mentor', '1'], ['focus_areas', 'Go'], ['capacity', cap], ['formats', 'one_on_one']];
  await mentor.get('/profile');
  assert.equal((await mentor.post('/profile', profile('1'))).status, 303);
  const mentee = await signup(srv, uniqueEmail('mentee'), 'Gus Goal');
  const page = await mentee.get(`/mentors/${userId(srv, mentorEmail)}`);
  assert.match(page.body, /name="goal"/);
  // While the mentee writes, the mentor's last place goes.
  await mentor.get('/profile');
  assert.equal((await mentor.post('/profile', profile('0'))).status, 303);
  const goal = 'Learn to review Go code for concurrency bugs, with two real pull requests of mine as material.';
  const message = 'I read your talk on channels and would value your eyes on our worker pool.';
  const r = await mentee.post('/requests', { mentor_id: userId(srv, mentorEmail), topic: 'Go', goal, format: 'one_on_one', cadence: 'weekly', duration_min: '30', weeks: '6', message });
  assert.equal(r.status, 422);
  assert.match(r.body, /no places free/);
  assert.ok(r.body.includes(goal), 'the goal typed is kept');
  assert.ok(r.body.includes(message), 'the message typed is kept');
});

test('the confirmation after changing the role of someone with a Japanese name is shown', async () => {
  const admin = await adminClient(srv, uniqueEmail('admin'));
  const name = '山田花子さん（東京本社プラットフォーム開発部シニアエンジニア兼メンター担当、大阪支社データ基盤グループ技術顧問）'; // 56 characters: the limit is 80
  const email = uniqueEmail('roled');
  await signup(srv, email, name);
  const ascii = uniqueEmail('roled');
  await signup(srv, ascii, 'Hana Yamada');
  await admin.get('/admin/users');
  // The same change for an ASCII name shows its confirmation.
  const a = await admin.post(`/admin/users/${userId(srv, ascii)}/role`, { role: 'member' });
  assert.equal(a.status, 303);
  assert.match((await admin.get(a.headers.location)).body, /Hana Yamada is now a member\./);
  const r = await admin.post(`/admin/users/${userId(srv, email)}/role`, { role: 'member' });
  assert.equal(r.status, 303);
  const page = await admin.get(r.headers.location);
  assert.ok(page.body.includes(`${name} is now a member.`), 'the confirmation names the person');
});

async function loggedSession() {
  const { mentee, ms } = await newMentorship(srv);
  await mentee.get(ms);
  const s = await mentee.post(`${ms}/sessions`, { held_on: new Date(Date.now() + srv.clockOffset * 1000).toISOString().slice(0, 10), duration_min: '30', kind: 'one_on_one', labels: '', agenda: '', shared_notes: '', private_notes: '' });
  assert.equal(s.status, 303, s.body.slice(0, 300));
  await mentee.get(s.headers.location);
  return { mentee, session: s.headers.location };
}

test('feedback with a text over 2,000 characters gives the form back with the texts typed', async () => {
  const { mentee, session } = await loggedSession();
  const wentWell = 'We finally mapped the promotion case step by step, with numbers. '.repeat(32); // > 2,000
  const r = await mentee.post(`${session}/feedback`, { rating: '5', use_of_time: 'right', went_well: wentWell, to_improve: 'More time on the budget part', next_steps: 'Draft the case', shared: '1' });
  assert.equal(r.status, 422);
  assert.match(r.body, /name="went_well"/, 'the feedback form is on the page again');
  assert.ok(r.body.includes(wentWell.slice(0, 300)), 'what went well, as typed, is kept');
  assert.ok(r.body.includes('More time on the budget part'), 'what to improve, as typed, is kept');
});

/** The server's clock on 1 March of next year: the spring clock change comes within weeks. */
function clockOnFirstOfMarch() {
  const year = new Date(srv.now() * 1000).getUTCFullYear() + 1;
  srv.setClock(Date.UTC(year, 2, 1, 12) / 1000 - Math.floor(Date.now() / 1000));
}

test('weekly office hours at 02:30 on Sundays in Europe/Berlin for 8 weeks from 1 March are published, not a 500', async (t) => {
  clockOnFirstOfMarch();
  t.after(() => srv.setClock(0));
  const email = uniqueEmail('ohdst');
  const c = await signup(srv, email, 'Berta Berlin');
  await c.get('/profile');
  assert.equal((await c.post('/profile', [['display_name', 'Berta Berlin'], ['timezone', 'Europe/Berlin']])).status, 303);
  await c.get('/office-hours');
  const r = await c.post('/office-hours', { weekday: '7', start_time: '02:30', duration_min: '60', seats: '1', topic: 'Night owls hour', where: 'Room Spree', weeks: '8' });
  assert.notEqual(r.status, 500, 'no store error: ' + r.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 300));
  assert.equal(r.status, 303, 'the series is published');
  const n = Number(srv.sql(`SELECT count(*) FROM oh_occurrences WHERE host_id = ${userId(srv, email)}`));
  assert.ok(n >= 7, `the series has its weeks (${n} occurrences)`);
});

test('a rotation at 02:30 on Sundays in Europe/Berlin for 8 weeks from 1 March is created, not a 500', async (t) => {
  clockOnFirstOfMarch();
  t.after(() => srv.setClock(0));
  const r = await newRotation('Night rotation', 'Nora Nightlead', { start_time: '02:30', timezone: 'Europe/Berlin', weeks: '8', weekdays: '7' });
  assert.notEqual(r.status, 500, 'no store error: ' + r.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 300));
  assert.equal(r.status, 303, 'the rotation is created');
  assert.equal(srv.sql("SELECT count(*) FROM rotations WHERE name = 'Night rotation'"), '1');
});

test('a plan note refused on a mentorship ended meanwhile still says why and keeps the note', async () => {
  const { mentor, mentee, ms } = await newMentorship(srv);
  await mentee.get(ms); // the mentee's tab, open before the end
  await mentor.get(ms);
  assert.equal((await mentor.post(`${ms}/end`, { reason: 'We both changed teams and agreed to stop.' })).status, 303);
  const note = 'Read the two design docs and list the open questions for the architecture review. '.repeat(4); // > 300
  const p = await mentee.post(`${ms}/plan/1`, { done: '1', note });
  assert.equal(p.status, 422);
  assert.match(p.body, /at most 300 characters/, 'the page says why the note was refused');
  assert.ok(p.body.includes(note.slice(0, 100)), 'the plan note typed is kept');
});

test('a refused form whose place left the page meanwhile still says why and keeps the text (a withdrawn request, a week not in the plan)', async () => {
  const { mentor, mentee, req } = await pendingRequest('Olga Oldtab', 'Walt Withdraw'); // the mentor's tab open
  await mentee.get(req.headers.location);
  assert.equal((await mentee.post(`${req.headers.location}/withdraw`)).status, 303);
  const reason = 'Thank you for asking; I am fully booked with two mentees until the summer. '.repeat(15); // > 1,000
  const r = await mentor.post(`${req.headers.location}/decline`, { reason });
  assert.equal(r.status, 422);
  assert.match(r.body, /role="alert"><p>Keep the reason to at most 1,000 characters/, 'why, on top: the decline form is gone');
  assert.ok(r.body.includes(reason.slice(0, 200)), 'the reason typed is kept');

  const { mentor: m2, ms } = await newMentorship(srv);
  await m2.get(ms);
  const note = 'Prepare the questions for the architecture review and share them a day ahead. '.repeat(5); // > 300
  const p = await m2.post(`${ms}/plan/99`, { done: '1', note });
  assert.equal(p.status, 422);
  assert.match(p.body, /role="alert"><p>A plan note is one line of at most 300 characters/, 'why, on top: there is no week 99');
  assert.ok(p.body.includes(note.slice(0, 100)), 'the note typed is kept');
});

test('notes pasted with a vertical tab or form feed (a line break from a word processor) are saved with line breaks, not refused with the text lost', async () => {
  const { mentee, ms } = await newMentorship(srv);
  await mentee.get(ms);
  const today = new Date(Date.now() + srv.clockOffset * 1000).toISOString().slice(0, 10);
  const s = await mentee.post(`${ms}/sessions`, { held_on: today, duration_min: '30', kind: 'one_on_one', labels: '',
    agenda: 'Good vibes: shipped\vAsks: a review', shared_notes: 'Page one\fPage two\u0007', private_notes: '' });
  assert.equal(s.status, 303, s.body.slice(0, 300));
  const page = (await mentee.get(s.headers.location)).body;
  assert.match(page, /Good vibes: shipped\r?\nAsks: a review/, 'the vertical tab is a line break');
  assert.match(page, /Page one\r?\nPage two</, 'the form feed is a line break, the bell is gone');
  // A query string is not typed text: a control character there is still refused.
  assert.equal((await mentee.get(`${ms}?x=%0B`)).status, 400);
});
