// Issue 15: lists that can grow are read a page at a time, by key. Paging
// through one while rows are added, with many rows sharing the sort key,
// shows every row that was there exactly once and never one twice; no
// page is larger than 64 KB. /admin/users searches by name or address.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, adminClient, signup } from '../lib/server.mjs';
import { uniqueEmail, userId } from '../lib/fixtures.mjs';

let srv;
before(async () => { srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' }); });
after(async () => { await srv.stop(); });

const html = (s) => s.replace(/&amp;/g, '&');
let made = 0;
// People straight into the database (no argon2id each): tag, name, role.
function addPeople(tag, name, n, role = 'member') {
  const rows = Array.from({ length: n }, () => `('${tag}-${++made}@lists.example', '${name}', 'x', '${role}', 1)`);
  srv.sql(`INSERT INTO users(email, display_name, pw_hash, role, created_at) VALUES ${rows.join(',')}`);
}

// Follow the "Next page" links from first, calling between() before each
// next page; returns every address shown, in order.
async function walk(c, first, rel, between) {
  const shown = [];
  let url = first, pages = 0;
  while (url) {
    const r = await c.get(url);
    assert.equal(r.status, 200, url);
    assert.ok(Buffer.byteLength(r.body) <= 64 * 1024, `${url} is ${Buffer.byteLength(r.body)} bytes`);
    const rows = [...r.body.matchAll(/<td>([^<]*@lists\.example)<\/td>/g)].map((m) => m[1]);
    assert.ok(rows.length <= 50, `${rows.length} rows on one page`);
    shown.push(...rows);
    pages++;
    const next = r.body.match(new RegExp(`<a href="([^"]+)"[^>]*rel="next"`));
    url = next && next[0].includes(rel) ? html(next[1]) : null;
    if (url) between(pages);
  }
  return { shown, pages };
}

test('the admin list of people pages by name: added people never repeat or hide anyone', async () => {
  const admin = await adminClient(srv, uniqueEmail('lists-admin'));
  addPeople('tie', 'Ana Abara', 70);
  addPeople('tie', 'ana abara', 40);
  addPeople('tie', 'Zoë Zhang', 60);
  const before = srv.sql(`SELECT email FROM users WHERE email LIKE '%@lists.example'`).split('\n');
  const { shown, pages } = await walk(admin, '/admin/users', '/admin/users', () => {
    // Between pages: more of the very names being paged, before and after.
    addPeople('late', 'Ana Abara', 5);
    addPeople('late', 'Aaron Early', 3);
    addPeople('late', 'Zoë Zhang', 5);
  });
  assert.ok(pages >= 4, `${pages} pages`);
  assert.equal(new Set(shown).size, shown.length, 'nobody is shown twice');
  for (const e of before) assert.ok(shown.includes(e), `${e} was skipped`);
  // Those added behind the cursor ("Aaron" sorts first) wait for the next visit.
  assert.ok(!shown.some((e) => e.startsWith('late') && srv.sql(`SELECT display_name FROM users WHERE email = '${e}'`) === 'Aaron Early'));
});

test('the admin list searches by name or address, accents and case aside, and filters by role', async () => {
  const admin = await adminClient(srv, uniqueEmail('search-admin'));
  addPeople('chloe', 'Chloé Dubois', 1);
  const chloe = `chloe-${made}@lists.example`;
  addPeople('kwame', 'Kwame Okafor', 1, 'admin');
  const kwame = `kwame-${made}@lists.example`;
  const find = async (q, role = '') => {
    const r = await admin.get(`/admin/users?q=${encodeURIComponent(q)}&role=${role}`);
    assert.equal(r.status, 200);
    return [...r.body.matchAll(/<td>([^<]*@[^<]*)<\/td>/g)].map((m) => m[1]);
  };
  assert.deepEqual(await find('chloe'), [chloe]);
  assert.deepEqual(await find('DUB'), [chloe], 'the start of a later word');
  assert.deepEqual(await find('chloé d'), [chloe], 'across words');
  assert.deepEqual(await find(chloe.slice(0, 9)), [chloe], 'the start of the address');
  assert.deepEqual(await find('kwame', 'admin'), [kwame]);
  assert.deepEqual(await find('kwame', 'member'), []);
  assert.match(admin.last.body, /No account matches/);
  const onlyAdmins = await admin.get('/admin/users?role=admin');
  assert.doesNotMatch(onlyAdmins.body, /Chloé Dubois/);
  assert.match(onlyAdmins.body, /Kwame Okafor/);
  // The form's values come back, escaped.
  const odd = await admin.get('/admin/users?q=%3Cb%3E');
  assert.match(odd.body, /value="&lt;b&gt;"/);
  assert.doesNotMatch(odd.body, /<b>/);
  // Anything else is refused with a reason.
  assert.equal((await admin.get('/admin/users?role=owner')).status, 400);
  assert.equal((await admin.get('/admin/users?sort=name')).status, 400);
  assert.match(admin.last.body, /search/);
  // The role and deactivate forms still work from the list.
  const page = await admin.get(`/admin/users?q=chloe`);
  const id = userId(srv, chloe);
  assert.match(page.body, new RegExp(`action="/admin/users/${id}/role"`));
  assert.equal((await admin.post(`/admin/users/${id}/role`, { role: 'admin' })).status, 303);
  assert.deepEqual(await find('chloe', 'admin'), [chloe]);
  assert.equal((await admin.post(`/admin/users/${id}/deactivate`, {})).status, 303);
  assert.match((await admin.get('/admin/users?q=chloe')).body, /deactivated/);
});

test('a mentor\'s incoming requests page by time with ties: added requests never repeat or hide one', async () => {
  const email = uniqueEmail('busy-mentor');
  const mentor = await signup(srv, email, 'Busy Mentor');
  const mid = userId(srv, email);
  srv.sql(`INSERT OR IGNORE INTO topics(name, key) VALUES ('Rust', 'rust')`);
  const tid = srv.sql(`SELECT id FROM topics WHERE key = 'rust'`);
  // Mentees, and their requests: 60 at the very same second (ties).
  const ask = (n, at) => {
    addPeople('mentee', 'Mentee Person', n);
    srv.sql(`INSERT INTO requests(mentee_id, mentor_id, topic_id, goal, format, cadence, duration_min, weeks, status, created_at)
      SELECT id, ${mid}, ${tid}, 'A goal long enough', 'one_on_one', 'weekly', 30, 6, 'declined', ${at}
      FROM users WHERE email LIKE 'mentee-%@lists.example' AND id NOT IN (SELECT mentee_id FROM requests WHERE mentor_id = ${mid})`);
  };
  const now = Math.floor(Date.now() / 1000);
  ask(60, now - 3600);
  const before = srv.sql(`SELECT id FROM requests WHERE mentor_id = ${mid}`).split('\n');
  const seen = [];
  let url = '/requests', pages = 0;
  while (url) {
    const r = await mentor.get(url);
    assert.equal(r.status, 200, url);
    assert.ok(Buffer.byteLength(r.body) <= 64 * 1024);
    const incoming = r.body.split('<h2>Your requests</h2>')[0];
    const ids = [...incoming.matchAll(/href="\/requests\/(\d+)"/g)].map((m) => m[1]);
    assert.ok(ids.length <= 25);
    seen.push(...ids);
    pages++;
    const next = incoming.match(/<a href="([^"]+)" rel="next">Older requests to you/);
    url = next ? html(next[1]) : null;
    if (url) ask(4, now - 3600); // more at the same second, between pages
  }
  assert.ok(pages >= 3, `${pages} pages`);
  assert.equal(new Set(seen).size, seen.length, 'no request shown twice');
  for (const id of before) assert.ok(seen.includes(id), `request ${id} was skipped`);
  assert.equal((await mentor.get('/requests?in_at=x')).status, 400);
});
