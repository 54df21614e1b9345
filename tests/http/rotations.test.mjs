// The senior help-session rotation (issue 17): an admin plans a fair
// schedule (7 leads over 5 weekdays for 8 weeks: no lead twice in a week,
// every weekday covered, loads within one); fewer leads than weekdays
// says which days stay uncovered; a lead offers a session to another,
// who accepts or declines; anyone joins; the lead logs it and it counts.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, signup, adminClient, login } from '../lib/server.mjs';
import { uniqueEmail, userId } from '../lib/fixtures.mjs';

let srv, admin;
before(async () => {
  srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', TANDEM_IDLE_MINUTES: '600' });
  admin = await adminClient(srv, uniqueEmail('rotadmin'));
});
after(async () => { await srv.stop(); });

async function lead(name) {
  const email = uniqueEmail('lead');
  const c = await signup(srv, email, name);
  await c.get('/profile');
  assert.equal((await c.post('/profile', [['display_name', name], ['timezone', 'UTC'], ['is_mentor', '1'],
    ['focus_areas', 'Debugging'], ['capacity', '1'], ['formats', 'pairing']])).status, 303);
  return { c, id: Number(userId(srv, email)), email, name };
}

async function plan(name, leads, weekdays, weeks) {
  await admin.get('/admin/rotations');
  const fields = [['name', name], ['label', ''], ['start_time', '16:00'], ['timezone', 'UTC'], ['duration_min', '45'], ['weeks', String(weeks)]];
  for (const d of weekdays) fields.push(['weekdays', String(d)]);
  for (const l of leads) fields.push(['leads', String(l.id)]);
  const r = await admin.post('/admin/rotations', fields);
  assert.equal(r.status, 303, r.body.slice(0, 800));
  return Number(r.headers.location.split('/').pop());
}

const rows = (q) => srv.sql(q).split('\n').filter(Boolean).map((l) => l.split('|'));

test('7 leads over 5 weekdays for 8 weeks: no lead twice a week, every weekday covered, loads within one', async () => {
  const leads = [];
  for (let i = 0; i < 7; i++) leads.push(await lead(`Lead ${String.fromCharCode(65 + i)}`));
  const rid = await plan('Daily senior help', leads, [1, 2, 3, 4, 5], 8);
  assert.equal(srv.sql(`SELECT label FROM rotations WHERE id = ${rid}`), 'senior-help-sessions', 'the default label');
  assert.equal(srv.sql(`SELECT count(*) FROM help_sessions WHERE rotation_id = ${rid}`), '40');
  const twice = srv.sql(`SELECT count(*) FROM (SELECT lead_id, date(held_on, '-6 days', 'weekday 1') w, count(*) n
    FROM help_sessions WHERE rotation_id = ${rid} GROUP BY 1, 2 HAVING n > 1)`);
  assert.equal(twice, '0', 'no lead twice in a week');
  const perWeek = rows(`SELECT date(held_on, '-6 days', 'weekday 1'), group_concat(DISTINCT strftime('%w', held_on))
    FROM help_sessions WHERE rotation_id = ${rid} GROUP BY 1`);
  assert.equal(perWeek.length, 8);
  for (const [, days] of perWeek) assert.deepEqual(days.split(',').sort(), ['1', '2', '3', '4', '5']);
  const loads = rows(`SELECT count(*) FROM help_sessions WHERE rotation_id = ${rid} GROUP BY lead_id`).map((r) => Number(r[0]));
  assert.equal(loads.length, 7);
  assert.ok(Math.max(...loads) - Math.min(...loads) <= 1, `loads ${loads}`);
  // Starts at 16:00 in the rotation's zone, from next week's Monday.
  assert.equal(srv.sql(`SELECT DISTINCT strftime('%H:%M', starts_at, 'unixepoch') FROM help_sessions WHERE rotation_id = ${rid}`), '16:00');
  // The admin's page: the plan and counts; everyone sees the sessions with their lead.
  const page = await admin.get(`/admin/rotations/${rid}`);
  assert.equal(page.status, 200);
  assert.match(page.body, /Sessions planned: 40/);
  assert.match(page.body, /Sessions held: 0/);
  assert.doesNotMatch(page.body, /id="uncovered"/);
  const someone = await lead('Mo Member');
  const list = await someone.c.get('/help-sessions');
  assert.match(list.body, /Daily senior help, led by Lead [A-G]/);
  // A lead away for a week: skipped, and the gap filled by a lead free that week.
  const [awaySid, awayLead, awayDay] = rows(`SELECT id, lead_id, held_on FROM help_sessions WHERE rotation_id = ${rid} ORDER BY held_on LIMIT 1`)[0];
  await admin.get(`/admin/rotations/${rid}`);
  // A bad day, or someone who is no lead here: the page again (422), the
  // form as typed with why; nothing moved.
  const badDay = await admin.post(`/admin/rotations/${rid}/away`, { lead: awayLead, week: 'next tuesday' });
  assert.equal(badDay.status, 422);
  assert.match(badDay.body, /<p class="err" id="away-err" role="alert">Choose a lead of this rotation and a day/);
  assert.match(badDay.body, /value="next tuesday"/, 'the day typed is kept');
  assert.match(badDay.body, new RegExp(`<option value="${awayLead}" selected>`), 'the lead chosen is kept');
  assert.match(badDay.body, /Sessions planned: 40/, 'the rotation page, not a bare error');
  const noLead = await admin.post(`/admin/rotations/${rid}/away`, { lead: '999999', week: awayDay });
  assert.equal(noLead.status, 422);
  assert.match(noLead.body, /Choose one of this rotation(&#39;|'|&#x27;)s leads\./);
  assert.ok(noLead.body.includes(`value="${awayDay}"`));
  assert.equal(srv.sql(`SELECT lead_id FROM help_sessions WHERE id = ${awaySid}`), String(awayLead));
  const away = await admin.post(`/admin/rotations/${rid}/away`, { lead: awayLead, week: awayDay });
  assert.equal(away.status, 303);
  assert.match((await admin.get(`/admin/rotations/${rid}`)).body, /1 session handed to another lead, 0 left uncovered/);
  const newLead = srv.sql(`SELECT lead_id FROM help_sessions WHERE id = ${awaySid}`);
  assert.notEqual(newLead, awayLead);
  assert.equal(srv.sql(`SELECT count(*) FROM help_sessions WHERE rotation_id = ${rid} AND lead_id = ${awayLead}
    AND date(held_on, '-6 days', 'weekday 1') = date('${awayDay}', '-6 days', 'weekday 1')`), '0');
  assert.equal(srv.sql(`SELECT count(*) FROM (SELECT lead_id, date(held_on, '-6 days', 'weekday 1') w, count(*) n
    FROM help_sessions WHERE rotation_id = ${rid} GROUP BY 1, 2 HAVING n > 1)`), '0', 'still nobody twice a week');
  assert.equal(srv.sql(`SELECT count(*) FROM help_sessions WHERE rotation_id = ${rid}`), '40', 'every weekday still covered');
  // Members may not plan rotations.
  assert.equal((await someone.c.get('/admin/rotations')).status, 403);
});

test('fewer leads than weekdays: the plan says which days stay uncovered', async () => {
  const leads = [await lead('Few One'), await lead('Few Two')];
  const rid = await plan('Thin rotation', leads, [1, 3, 5], 2);
  assert.equal(srv.sql(`SELECT count(*) FROM help_sessions WHERE rotation_id = ${rid}`), '4');
  const page = await admin.get(`/admin/rotations/${rid}`);
  assert.match(page.body, /these days stay uncovered: \d{4}-\d\d-\d\d, \d{4}-\d\d-\d\d\./);
  assert.match(page.body, /<td>uncovered<\/td>/);
  // Bad input: 422 with the form kept.
  const r = await admin.post('/admin/rotations', [['name', 'Kept name'], ['start_time', '25:00'], ['timezone', 'UTC'], ['duration_min', '45'], ['weeks', '4']]);
  assert.equal(r.status, 422);
  assert.match(r.body, /value="Kept name"/);
  assert.match(r.body, /HH:MM/);
  assert.match(r.body, /Choose at least one weekday/);
  assert.match(r.body, /Choose at least one lead/);
});

function mailsTo(email) {
  const dir = join(srv.data, 'mail');
  let files = [];
  try { files = readdirSync(dir).filter((f) => f.endsWith('.eml')); } catch { return []; }
  return files.map((f) => readFileSync(join(dir, f), 'utf8')).filter((m) => m.includes(`<${email}>`));
}

test('a swap: offered by the lead (mail), accepted or declined by the other lead; a lead never twice a week', async () => {
  const a = await lead('Swap Anna'), b = await lead('Swap Ben'), c = await lead('Swap Cleo');
  const rid = await plan('Swaps', [a, b, c], [1, 2], 2);
  // Week 1: two of the three lead; the third is free that week.
  const week1 = rows(`SELECT id, lead_id FROM help_sessions WHERE rotation_id = ${rid} ORDER BY held_on LIMIT 2`);
  const [sid, leadId] = week1[0].map(Number);
  const busy = Number(week1[1][1]);
  const all = [a, b, c];
  const owner = all.find((p) => p.id === leadId);
  const busyLead = all.find((p) => p.id === busy);
  const free = all.find((p) => p.id !== leadId && p.id !== busy);
  await owner.c.get('/help-sessions');
  // Someone who is not the lead cannot offer it.
  await free.c.get('/help-sessions');
  assert.equal((await free.c.post(`/help-sessions/${sid}/swap`, { to: String(busy) })).status, 404);
  // No lead chosen, or someone who is not a lead here: the list again
  // (422) with why; nothing offered.
  await owner.c.get('/help-sessions');
  const noTo = await owner.c.post(`/help-sessions/${sid}/swap`, { to: 'abc' });
  assert.equal(noTo.status, 422);
  assert.match(noTo.body, /<div class="alert" role="alert" id="help-err"><p>Choose the lead to offer the session to/);
  assert.match(noTo.body, new RegExp(`action="/help-sessions/${sid}/swap"`), 'the form is there again');
  const notLead = await owner.c.post(`/help-sessions/${sid}/swap`, { to: '999999' });
  assert.equal(notLead.status, 422);
  assert.match(notLead.body, /Offer the session to another lead of this rotation/);
  assert.equal(srv.sql(`SELECT coalesce(swap_to, 0) FROM help_sessions WHERE id = ${sid}`), '0');
  // Offered to the lead already leading that week: accepting is refused.
  assert.equal((await owner.c.post(`/help-sessions/${sid}/swap`, { to: String(busy) })).status, 303);
  await busyLead.c.get('/help-sessions');
  assert.equal((await busyLead.c.post(`/help-sessions/${sid}/swap/accept`)).status, 409);
  assert.equal((await busyLead.c.post(`/help-sessions/${sid}/swap/decline`)).status, 303);
  assert.equal(srv.sql(`SELECT lead_id || '|' || coalesce(swap_to, 0) FROM help_sessions WHERE id = ${sid}`), `${leadId}|0`);
  // Offered to the free lead: told by mail, accepts, leads it.
  await owner.c.get('/help-sessions');
  assert.equal((await owner.c.post(`/help-sessions/${sid}/swap`, { to: String(free.id) })).status, 303);
  const page = await free.c.get('/help-sessions');
  assert.match(page.body, new RegExp(`${owner.name} offers you this session`));
  let mail;
  for (let i = 0; i < 80 && !mail; i++) {
    mail = mailsTo(free.email).find((m) => /offers you a help session/.test(m));
    if (!mail) await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(mail, 'the offered lead got a mail (while the offer stands)');
  assert.match(mail, new RegExp(`${owner.name} asks you to lead their help session`));
  assert.equal((await c.c.post(`/help-sessions/${sid}/swap/accept`)).status, free === c ? 303 : 404);
  if (free !== c) assert.equal((await free.c.post(`/help-sessions/${sid}/swap/accept`)).status, 303);
  assert.equal(srv.sql(`SELECT lead_id FROM help_sessions WHERE id = ${sid}`), String(free.id));
  // The old lead may no longer offer it.
  assert.equal((await owner.c.post(`/help-sessions/${sid}/swap`, { to: String(busy) })).status, 404);
});

test('a help session takes as many people as its lead can mark in one form, then says it is full', async () => {
  const l1 = await lead('Full Fia');
  const rid = await plan('Full', [l1], [2], 1);
  const sid = Number(srv.sql(`SELECT id FROM help_sessions WHERE rotation_id = ${rid}`));
  let q = '';
  for (let i = 0; i < 24; i++) {
    q += `INSERT INTO users(email, display_name, pw_hash, created_at) VALUES ('full${i}-${sid}@example.com', 'Full ${i}', 'x', 0);
INSERT INTO help_rsvps(session_id, user_id) VALUES (${sid}, last_insert_rowid());\n`;
  }
  srv.sql(q);
  const late = await signup(srv, uniqueEmail('late'), 'Lara Late');
  await late.get('/help-sessions');
  const r = await late.post(`/help-sessions/${sid}/join`);
  assert.equal(r.status, 409);
  assert.match(r.body, /full: 24 people joined/);
  assert.equal(srv.sql(`SELECT count(*) FROM help_rsvps WHERE session_id = ${sid}`), '24');
});

test('anyone joins; afterwards the lead logs it: a session led and attended', async () => {
  const l1 = await lead('Log Lena');
  const rid = await plan('Logged', [l1], [1], 1);
  const sid = Number(srv.sql(`SELECT id FROM help_sessions WHERE rotation_id = ${rid}`));
  const email = uniqueEmail('joiner');
  const joiner = await signup(srv, email, 'Jo Joiner');
  const jid = userId(srv, email);
  await joiner.get('/help-sessions');
  assert.equal((await joiner.post(`/help-sessions/${sid}/join`)).status, 303);
  // Joining again, or the lead joining their own session: 409, one RSVP.
  const again = await joiner.post(`/help-sessions/${sid}/join`);
  assert.equal(again.status, 409);
  assert.match(again.body, /You joined this help session already/);
  await l1.c.get('/help-sessions');
  assert.equal((await l1.c.post(`/help-sessions/${sid}/join`)).status, 409);
  assert.equal(srv.sql(`SELECT count(*) FROM help_rsvps WHERE session_id = ${sid}`), '1');
  // Who joined is the lead's to know: the joiner sees their own part, a
  // third member no count at all (1 joined would tell who).
  const mine = (await joiner.get('/help-sessions')).body;
  assert.match(mine, /You joined/);
  assert.doesNotMatch(mine, /\d+ joined/);
  const other = await signup(srv, uniqueEmail('other'), 'Oda Other');
  const oid = Number(srv.sql(`SELECT max(id) FROM users`));
  assert.doesNotMatch((await other.get('/help-sessions')).body, /\d+ joined/);
  assert.match((await l1.c.get('/help-sessions')).body, /1 joined/);
  await l1.c.get('/help-sessions');
  assert.equal((await l1.c.post(`/help-sessions/${sid}/log`, [['attendees', String(jid)], ['labels', 'strace']])).status, 409, 'not begun');
  const at = Number(srv.sql(`SELECT starts_at FROM help_sessions WHERE id = ${sid}`));
  // Three days later the lead has not logged it yet: the dashboard says
  // so, and the list still holds it with its form.
  srv.setClock(at + 3 * 86400 - Math.floor(Date.now() / 1000));
  try {
    const lead2 = await login(srv, l1.email);
    assert.match((await lead2.get('/')).body, new RegExp(`href="/help-sessions#help-${sid}">Log the help session you led`));
    const page = await lead2.get('/help-sessions');
    assert.match(page.body, /Log it: who came/);
    assert.match(page.body, new RegExp(`value="${jid}" checked> Jo Joiner`));
    // Someone who joined is not the lead: the session is not theirs to log
    // (signed in again: three days idle would have signed them out).
    const joiner2 = await login(srv, email);
    await joiner2.get('/help-sessions');
    assert.equal((await joiner2.post(`/help-sessions/${sid}/log`, [['attendees', String(jid)]])).status, 404);
    // Over: too late to join.
    const comer = await signup(srv, uniqueEmail('late'), 'Lou Late');
    await comer.get('/help-sessions');
    const late = await comer.post(`/help-sessions/${sid}/join`);
    assert.equal(late.status, 409);
    assert.match(late.body, /This help session is over/);
    // Only who joined can be marked as having come: not someone who never did.
    const stranger = await lead2.post(`/help-sessions/${sid}/log`, [['attendees', String(jid)], ['attendees', String(oid)], ['labels', 'kept-label']]);
    assert.equal(stranger.status, 422);
    assert.match(stranger.body, /only people who joined/);
    // The list again with the form as sent: the label typed, the ticks.
    assert.match(stranger.body, /role="alert" id="help-err"/);
    assert.match(stranger.body, new RegExp(`id="labels-${sid}"[^>]*value="kept-label"`));
    assert.match(stranger.body, new RegExp(`value="${jid}" checked> Jo Joiner`));
    const unticked = await lead2.post(`/help-sessions/${sid}/log`, [['attendees', 'x'], ['labels', 'second try']]);
    assert.equal(unticked.status, 422);
    assert.match(unticked.body, /Mark the attendees from the list/);
    assert.match(unticked.body, new RegExp(`value="${jid}"> Jo Joiner`), 'a box left unticked stays unticked');
    assert.match(unticked.body, /value="second try"/);
    assert.equal(srv.sql(`SELECT count(*) FROM activity_weeks WHERE user_id = ${oid}`), '0');
    const helpHeld = () => Number(srv.sql("SELECT coalesce(sum(s_help_session), 0) FROM insight_periods WHERE kind = 'w'"));
    const before = helpHeld();
    assert.equal((await lead2.post(`/help-sessions/${sid}/log`, [['attendees', String(jid)], ['labels', 'senior-help-sessions']])).status, 303);
    assert.equal(helpHeld(), before + 1, 'the program\'s figures count the help session (issue 19)');
    const count = (u, k) => srv.sql(`SELECT coalesce(sum(n), 0) FROM activity_weeks WHERE kind = '${k}' AND user_id = ${u}`);
    assert.equal(count(l1.id, 'help_led'), '1');
    assert.equal(count(jid, 'help_attended'), '1');
    assert.equal((await lead2.post(`/help-sessions/${sid}/log`, [['attendees', String(jid)]])).status, 409, 'logged once');
    const adm = await login(srv, srv.sql(`SELECT email FROM users WHERE role = 'admin' LIMIT 1`));
    const rep = await adm.get(`/admin/rotations/${rid}`);
    assert.match(rep.body, /Sessions held: 1/);
    assert.match(rep.body, /Attendance \(all held sessions\): hidden \(fewer than 5\)/, 'people counted: under k not shown');
    assert.match(rep.body, /<tr><td>Log Lena<\/td><td>1<\/td><td>1<\/td><\/tr>/);
  } finally {
    srv.setClock(0);
  }
});
