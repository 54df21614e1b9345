// Office hours (issue 17): publishing a weekly series, the list in each
// viewer's time zone, booking with seats enforced in one transaction (two
// bookings of the last seat: one 303, one 409), the host's list of who
// booked, cancelling with mail to everyone booked, and attendance counted
// for both.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, signup } from '../lib/server.mjs';
import { uniqueEmail, userId } from '../lib/fixtures.mjs';

let srv;
before(async () => { srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', TANDEM_IDLE_MINUTES: '600' }); });
after(async () => { await srv.stop(); });

async function person(name, tz = 'UTC') {
  const email = uniqueEmail('oh');
  const c = await signup(srv, email, name);
  await c.get('/profile');
  assert.equal((await c.post('/profile', [['display_name', name], ['timezone', tz]])).status, 303);
  return { c, id: userId(srv, email), email };
}

/** Office hours starting `hours` from now (UTC host), as form fields. */
function slot(hours, extra = {}) {
  const t = new Date(Date.now() + hours * 3600 * 1000);
  const weekday = String(((t.getUTCDay() + 6) % 7) + 1);
  const start_time = t.toISOString().slice(11, 16);
  return { weekday, start_time, duration_min: '60', seats: '1', topic: 'Profiling Go services', where: 'https://meet.example.com/oh', weeks: '2', ...extra };
}

async function publish(host, fields) {
  await host.c.get('/office-hours');
  const r = await host.c.post('/office-hours', fields);
  assert.equal(r.status, 303, r.body.slice(0, 800));
  return srv.sql(`SELECT id FROM oh_occurrences WHERE host_id = ${host.id} ORDER BY starts_at`).split('\n').map(Number);
}

function mailsTo(email) {
  const dir = join(srv.data, 'mail');
  let files = [];
  try { files = readdirSync(dir).filter((f) => f.endsWith('.eml')); } catch { return []; }
  return files.map((f) => readFileSync(join(dir, f), 'utf8')).filter((m) => m.includes(`<${email}>`));
}

async function waitFor(fn, ms = 8000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('published office hours become weekly occurrences, shown in each viewer\'s time zone', async () => {
  const host = await person('Hana Host');
  const tokyo = await person('Taro Tokyo', 'Asia/Tokyo');
  const f = slot(30, { weeks: '3', topic: 'Tokyo test hour', where: 'Room Fuji' });
  const occ = await publish(host, f);
  assert.equal(occ.length, 3);
  const starts = srv.sql(`SELECT starts_at FROM oh_occurrences WHERE host_id = ${host.id} ORDER BY starts_at`).split('\n').map(Number);
  assert.equal(starts[1] - starts[0], 7 * 86400);
  assert.equal(new Date(starts[0] * 1000).toISOString().slice(11, 16), f.start_time, 'the host\'s time (UTC)');
  const page = await tokyo.c.get('/office-hours');
  assert.equal(page.status, 200);
  const local = new Date(starts[0] * 1000 + 9 * 3600 * 1000).toISOString().slice(11, 16);
  assert.match(page.body, new RegExp(`Tokyo test hour</a> with Hana Host: [^<]*${local} \\(Asia/Tokyo\\)`));
  assert.match(page.body, /Room Fuji/);
  // Each row's button posts the list's one form to its own occurrence.
  assert.match(page.body, new RegExp(`<form method="post">\\s*<input type="hidden" name="csrf"[^>]*>\\s*<ul class="list" id="occurrences">`));
  assert.match(page.body, new RegExp(`href="/office-hours/${occ[0]}">Tokyo test hour</a>[^\\n]*formaction="/office-hours/${occ[0]}/book">Book a seat</button></li>`));
  // Bad input: 422, what was typed kept.
  for (const [bad, why] of [[{ seats: '21' }, /Seats/], [{ weeks: '27' }, /Weeks/], [{ start_time: '25:00' }, /HH:MM/],
    [{ start_time: '+9:30' }, /HH:MM/], [{ where: 'javascript:alert(1)' }, /http:\/\/ or https:\/\//],
    [{ where: 'ftp://files.example.com' }, /http:\/\/ or https:\/\//]]) {
    const r = await host.c.post('/office-hours', { ...f, topic: 'kept topic', ...bad });
    assert.equal(r.status, 422, JSON.stringify(bad));
    assert.match(r.body, why);
    assert.match(r.body, /value="kept topic"/);
  }
  // A room whose name starts like a scheme is still a room, shown as text.
  const room = await host.c.post('/office-hours', { ...f, topic: 'Room named http', where: 'httpd lab, 2nd floor' });
  assert.equal(room.status, 303, room.body.slice(0, 400));
});

test('two concurrent bookings of the last seat: one 303, one 409', async () => {
  const host = await person('Sol Seats');
  const a = await person('Ann Racer');
  const b = await person('Ben Racer');
  const [oid] = await publish(host, slot(40, { seats: '1' }));
  await a.c.get('/office-hours');
  await b.c.get('/office-hours');
  const results = await Promise.all([a.c.post(`/office-hours/${oid}/book`), b.c.post(`/office-hours/${oid}/book`)]);
  assert.deepEqual(results.map((r) => r.status).sort(), [303, 409]);
  assert.equal(srv.sql(`SELECT booked FROM oh_occurrences WHERE id = ${oid}`), '1');
  assert.equal(srv.sql(`SELECT count(*) FROM oh_bookings WHERE occurrence_id = ${oid}`), '1');
  const loser = results[0].status === 409 ? results[0] : results[1];
  assert.match(loser.body, /Every seat is taken/);
  // The host sees who booked; nobody else does.
  const winner = results[0].status === 303 ? 'Ann Racer' : 'Ben Racer';
  assert.match((await host.c.get(`/office-hours/${oid}`)).body, new RegExp(`<ul class="list" id="guests">\\s*<li><label><input type="checkbox" name="attended" value="\\d+"> ${winner}`));
  assert.doesNotMatch((await a.c.get(`/office-hours/${oid}`)).body, /id="guests"/);
  // The host cannot book their own; a seat is given back and taken again.
  assert.equal((await host.c.post(`/office-hours/${oid}/book`)).status, 409);
  const w = results[0].status === 303 ? a : b, l = results[0].status === 303 ? b : a;
  assert.equal((await l.c.post(`/office-hours/${oid}/cancel`)).status, 409, 'no seat to cancel');
  assert.match((await w.c.get('/office-hours')).body, new RegExp(`formaction="/office-hours/${oid}/cancel">Cancel my seat</button></li>`));
  assert.equal((await w.c.post(`/office-hours/${oid}/cancel`)).status, 303);
  assert.equal((await l.c.post(`/office-hours/${oid}/book`)).status, 303);
  assert.equal(srv.sql(`SELECT booked FROM oh_occurrences WHERE id = ${oid}`), '1');
});

test('the host cancels an occurrence: everyone booked is told by mail; only the host may', async () => {
  const host = await person('Cal Closer');
  const a = await person('Dee Booked');
  const stranger = await person('Eve Else');
  const [, oid] = await publish(host, slot(50, { seats: '3', topic: 'Closing soon' }));
  await a.c.get('/office-hours');
  assert.equal((await a.c.post(`/office-hours/${oid}/book`)).status, 303);
  await stranger.c.get('/office-hours');
  assert.equal((await stranger.c.post(`/office-hours/${oid}/close`)).status, 404);
  assert.equal((await host.c.post(`/office-hours/${oid}/close`)).status, 303);
  assert.equal(srv.sql(`SELECT status FROM oh_occurrences WHERE id = ${oid}`), 'cancelled');
  assert.doesNotMatch((await a.c.get('/office-hours')).body, new RegExp(`href="/office-hours/${oid}"`));
  const mail = await waitFor(() => mailsTo(a.email).find((m) => /Office hours cancelled: Closing soon/.test(m)));
  assert.ok(mail, 'the booked person got the cancellation');
  assert.match(mail, /Cal Closer cancelled the office hours/);
  assert.equal(mailsTo(stranger.email).filter((m) => /Office hours cancelled/.test(m)).length, 0);
});

test('afterwards the host marks who came: each visit counts for the visitor and the host', async () => {
  const host = await person('Fay Attend');
  const a = await person('Gus Came');
  const b = await person('Hal Absent');
  const outsider = await person('Ivy Outsider');
  const [oid] = await publish(host, slot(2, { seats: '5' }));
  for (const p of [a, b]) { await p.c.get('/office-hours'); assert.equal((await p.c.post(`/office-hours/${oid}/book`)).status, 303); }
  await host.c.get(`/office-hours/${oid}`);
  assert.equal((await host.c.post(`/office-hours/${oid}/attendance`, [['attended', String(a.id)]])).status, 409, 'not begun yet');
  srv.setClock(3 * 3600);
  try {
    // Begun, it is off the list of office hours to come: the host's
    // dashboard links to where who came is marked.
    assert.match((await host.c.get('/')).body, new RegExp(`href="/office-hours/${oid}">Mark who came to your office hours`));
    await host.c.get(`/office-hours/${oid}`);
    // Someone who did not book, or a value that is no one: the page again
    // (422) with why, the boxes as the host ticked them; nothing saved.
    const notGuest = await host.c.post(`/office-hours/${oid}/attendance`, [['attended', String(a.id)], ['attended', String(outsider.id)]]);
    assert.equal(notGuest.status, 422);
    assert.match(notGuest.body, /<p class="err" id="att-err" role="alert">Only people who booked a seat can be marked as having come\./);
    assert.match(notGuest.body, new RegExp(`value="${a.id}" checked> Gus Came`), 'the tick is kept');
    assert.match(notGuest.body, new RegExp(`value="${b.id}"> Hal Absent`), 'unticked stays unticked');
    const junk = await host.c.post(`/office-hours/${oid}/attendance`, [['attended', String(b.id)], ['attended', 'abc']]);
    assert.equal(junk.status, 422);
    assert.match(junk.body, /Mark who came from the list of people booked\./);
    assert.match(junk.body, new RegExp(`value="${b.id}" checked> Hal Absent`));
    assert.equal(srv.sql(`SELECT count(*) FROM activity_weeks WHERE kind = 'office_hours' AND user_id IN (${a.id}, ${b.id})`), '0');
    await a.c.get('/office-hours');
    assert.equal((await a.c.post(`/office-hours/${oid}/attendance`, [['attended', 'abc']])).status, 404, 'bad input from a guest: 404 as good input');
    await a.c.get('/office-hours');
    assert.equal((await a.c.post(`/office-hours/${oid}/attendance`, [['attended', String(a.id)]])).status, 404, 'only the host');
    const held = () => Number(srv.sql("SELECT coalesce(sum(s_office_hours), 0) FROM insight_periods WHERE kind = 'w'"));
    const before = held();
    assert.equal((await host.c.post(`/office-hours/${oid}/attendance`, [['attended', String(a.id)]])).status, 303);
    // one office-hours session held, in the program's figures (issue 19); marking again corrects, never adds
    assert.equal(held(), before + 1);
    assert.equal((await host.c.post(`/office-hours/${oid}/attendance`, [['attended', String(a.id)]])).status, 303);
    assert.equal(held(), before + 1);
    const count = (u) => srv.sql(`SELECT coalesce(sum(n), 0) FROM activity_weeks WHERE kind = 'office_hours' AND user_id = ${u}`);
    assert.equal(count(a.id), '1');
    assert.equal(count(host.id), '1');
    assert.equal(count(b.id), '0');
    assert.doesNotMatch((await host.c.get('/')).body, /Mark who came to your office hours/, 'marked: nothing waits');
    assert.match((await host.c.get(`/office-hours/${oid}`)).body, new RegExp(`value="${a.id}" checked> Gus Came`));
    // Saved again with both: the host's count follows the visits.
    assert.equal((await host.c.post(`/office-hours/${oid}/attendance`, [['attended', String(a.id)], ['attended', String(b.id)]])).status, 303);
    assert.equal(count(host.id), '2');
    assert.equal(count(b.id), '1');
  } finally {
    srv.setClock(0);
  }
});

test('marking who came counts the occurrence held once, whatever was sent first, and "nobody" takes it back (review I)', async () => {
  const guest = await person('Gia Guest');
  const book = async (host) => {
    const [o] = await publish(host, slot(2, { seats: '2', weeks: '1' }));
    await guest.c.get(`/office-hours/${o}`);
    assert.equal((await guest.c.post(`/office-hours/${o}/book`)).status, 303);
    return o;
  };
  const hostA = await person('Ann Host'), hostB = await person('Bo Host');
  const oA = await book(hostA), oB = await book(hostB);
  const held = () => Number(srv.sql("SELECT coalesce(sum(s_office_hours), 0) FROM insight_periods WHERE kind = 'w'"));
  const mark = async (host, o, ids) => {
    await host.c.get(`/office-hours/${o}`);
    assert.equal((await host.c.post(`/office-hours/${o}/attendance`, ids.map((id) => ['attended', String(id)]))).status, 303);
  };
  srv.setClock(3 * 3600);
  try {
    // Host B sends the form with nobody ticked (a slip), then marks the guest.
    let h0 = held();
    await mark(hostB, oB, []);
    assert.equal(held() - h0, 0, 'nobody came: nothing held');
    await mark(hostB, oB, [guest.id]);
    assert.equal(held() - h0, 1, 'the guest who came makes it one session held');
    await mark(hostB, oB, [guest.id, `0${guest.id}`]);
    assert.equal(held() - h0, 1, 'marking again corrects who came, not how many were held');
    assert.equal(srv.sql(`SELECT coalesce(sum(n), 0) FROM activity_weeks WHERE user_id = ${guest.id} AND kind = 'office_hours'`), '1',
      'one person sent twice ("5" and "05") is one visit');
    // Host A marks the guest, then corrects it to nobody: nothing held.
    h0 = held();
    await mark(hostA, oA, [guest.id]);
    assert.equal(held() - h0, 1);
    await mark(hostA, oA, []);
    assert.equal(held() - h0, 0, 'corrected to nobody: the session is taken back');
  } finally {
    srv.setClock(0);
  }
});
