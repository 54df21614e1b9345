// Someone leaves (an admin deactivates the account, or they erase it):
// nobody keeps waiting on them in the everyday formats. Their ring seat
// goes to the first in line (who is told), a ring left without a mentor
// takes nobody new, their seats in office hours to come are given up, the
// office hours they host are cancelled (each person booked is told), and
// the help sessions they were to lead go to another lead of the rotation.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signup, adminClient } from '../lib/server.mjs';
import { uniqueEmail, userId } from '../lib/fixtures.mjs';

let srv, admin;
before(async () => {
  srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' });
  admin = await adminClient(srv, uniqueEmail('leaveadmin'));
});
after(async () => { await srv.stop(); });

async function person(name) {
  const email = uniqueEmail('leave');
  const c = await signup(srv, email, name);
  c.id = Number(userId(srv, email));
  c.email = email;
  return c;
}

async function deactivate(who) {
  await admin.get('/admin/users');
  const r = await admin.post(`/admin/users/${who.id}/deactivate`, {});
  assert.equal(r.status, 303, r.body.slice(0, 300));
}

// An occurrence in `hours` hours, on that day of the week, in UTC.
function slot(hours, extra = {}) {
  const t = new Date(Date.now() + hours * 3600 * 1000);
  return { weekday: String(((t.getUTCDay() + 6) % 7) + 1), start_time: t.toISOString().slice(11, 16), duration_min: '60',
    seats: '3', topic: 'Profiling Go services', where: 'Room Fuji', weeks: '2', ...extra };
}

test('a seated member who leaves frees the seat for the first in line, who is told; a ring without a mentor closes to joining', async () => {
  const mentor = await person('Rhea Ringlead');
  const a = await person('Ada Seated');
  const b = await person('Ben Seated');
  const w = await person('Wanda Waiting');
  const late = await person('Leo Late');
  await mentor.get('/rings');
  const made = await mentor.post('/rings', { topic: 'Public speaking', description: 'Talks.', seats: '2', cadence: 'weekly',
    duration_min: '90', weeks: '4' });
  assert.equal(made.status, 303);
  const ring = made.headers.location;
  const rid = ring.split('/').pop();
  for (const p of [a, b, w]) { await p.get(ring); assert.equal((await p.post(`${ring}/join`)).status, 303); }
  const state = (p) => srv.sql(`SELECT coalesce((SELECT state FROM ring_members WHERE ring_id = ${rid} AND user_id = ${p.id}), 'none')`);
  assert.equal(state(w), 'waiting');
  await deactivate(a);
  assert.equal(state(a), 'none');
  assert.equal(state(w), 'member', 'the first in line takes the freed seat');
  assert.equal(srv.sql(`SELECT count(*) FROM outbox WHERE event = 37 AND user_id = ${w.id} AND ref = ${rid}`), '1', 'and hears it');
  assert.equal(srv.sql(`SELECT members FROM rings WHERE id = ${rid}`), '2');
  // Someone who joins now waits: the seat went to whoever waited longest.
  await late.get(ring);
  assert.equal((await late.post(`${ring}/join`)).status, 303);
  assert.equal(state(late), 'waiting');
  // The only mentor leaves: the ring takes nobody new.
  await deactivate(mentor);
  assert.equal(srv.sql(`SELECT status FROM rings WHERE id = ${rid}`), 'closed');
  assert.equal(srv.sql(`SELECT count(*) FROM ring_mentors WHERE ring_id = ${rid}`), '0');
});

test('office hours: a leaving host\'s occurrences to come are cancelled and everyone booked told; a leaving guest\'s seats are given up', async () => {
  const host = await person('Hana Host');
  const guest = await person('Gus Guest');
  const other = await person('Otto Other');
  await host.get('/office-hours');
  assert.equal((await host.post('/office-hours', slot(30))).status, 303);
  const occ = srv.sql(`SELECT id FROM oh_occurrences WHERE host_id = ${host.id} ORDER BY starts_at`).split('\n').map(Number);
  assert.equal(occ.length, 2);
  for (const p of [guest, other]) {
    await p.get('/office-hours');
    assert.equal((await p.post(`/office-hours/${occ[0]}/book`)).status, 303);
  }
  assert.equal(srv.sql(`SELECT booked FROM oh_occurrences WHERE id = ${occ[0]}`), '2');
  await deactivate(guest);
  assert.equal(srv.sql(`SELECT booked FROM oh_occurrences WHERE id = ${occ[0]}`), '1', 'the guest\'s seat is free again');
  assert.equal(srv.sql(`SELECT count(*) FROM oh_bookings WHERE user_id = ${guest.id}`), '0');
  await deactivate(host);
  assert.equal(srv.sql(`SELECT group_concat(status) FROM oh_occurrences WHERE host_id = ${host.id}`), 'cancelled,cancelled');
  assert.equal(srv.sql(`SELECT count(*) FROM outbox WHERE event = 25 AND user_id = ${other.id} AND ref = ${occ[0]}`), '1', 'the person booked is told');
  // Nobody can book a seat with a host who has gone.
  await other.get('/office-hours');
  assert.doesNotMatch((await other.get('/office-hours')).body, /Hana Host/);
  assert.notEqual((await other.post(`/office-hours/${occ[1]}/book`)).status, 303);
});

test('a leaving lead\'s help sessions to come go to another lead of the rotation', async () => {
  const leads = [await person('Lia Lead'), await person('Max Lead')];
  await admin.get('/admin/rotations');
  const fields = [['name', 'Daily help'], ['label', ''], ['start_time', '16:00'], ['timezone', 'UTC'], ['duration_min', '45'], ['weeks', '2'],
    ['weekdays', '2']];
  for (const l of leads) fields.push(['leads', String(l.id)]);
  const r = await admin.post('/admin/rotations', fields);
  assert.equal(r.status, 303, r.body.slice(0, 500));
  const rotation = r.headers.location.split('/').pop();
  const ledBy = (u) => Number(srv.sql(`SELECT count(*) FROM help_sessions WHERE rotation_id = ${rotation} AND lead_id = ${u.id}`));
  assert.equal(ledBy(leads[0]), 1);
  assert.equal(ledBy(leads[1]), 1);
  await deactivate(leads[0]);
  assert.equal(ledBy(leads[0]), 0, 'nothing left for the one who left');
  assert.equal(ledBy(leads[1]) + Number(srv.sql(`SELECT length(uncovered) > 0 FROM rotations WHERE id = ${rotation}`)), 2,
    'each of their sessions went to the other lead, or its day is listed as uncovered');
});
