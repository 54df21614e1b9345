// The account lifecycle (issue 16): who may sign up (allowed domains, the
// invitation-only mode), confirming an address (a GET verifies nothing,
// single use, 48 hours), a forgotten password (the same answer and time
// for known and unknown addresses, single use, 30 minutes, every session
// ended), invitations, and the CSV import (preview, apply once, twice
// changes nothing, formulas and invalid UTF-8 refused). Mail is read from
// the .eml files the sender writes without an SMTP server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, signup, login, adminClient, request, Client, GOOD_PW } from '../lib/server.mjs';
import { uniqueEmail, userId } from '../lib/fixtures.mjs';
import { mailbox, part } from '../lib/mail.mjs';

let srv, box, offset = 0;
before(async () => {
  srv = await startServer({
    TANDEM_SIGNUP_VERIFY: '1', TANDEM_SIGNUP_DOMAINS: 'example.com, @Example.org',
    TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', TANDEM_IDLE_MINUTES: '1440', TANDEM_SESSION_HOURS: '720',
  });
  const dir = join(srv.data, 'mail');
  box = mailbox(() => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => join(dir, f)) : []));
});
after(async () => { await srv.stop(); });

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Wait until the mail sender has looked up every queued "forgot" request. */
async function drained(server = srv) {
  for (let i = 0; i < 100; i++) {
    if (server.sql('SELECT count(*) FROM forgot_queue') === '0') return;
    await sleep(100);
  }
  throw new Error('the forgot queue was not worked off');
}

/** Move the server's clock forward (never back within this file). */
function advance(seconds) { offset += seconds; srv.setClock(offset); }

/** The newest message to addr whose subject matches re, once it is there. */
async function mailTo(addr, re, count = 1) {
  const all = await box.until((ms) => ms.filter((m) => m.headers.to.includes(`<${addr}>`) && re.test(m.headers.subject)).length >= count,
    `mail to ${addr} matching ${re}`);
  const mine = all.filter((m) => m.headers.to.includes(`<${addr}>`) && re.test(m.headers.subject));
  return mine.sort((a, b) => Number(a.file.match(/(\d+)\.eml$/)[1]) - Number(b.file.match(/(\d+)\.eml$/)[1])).at(-1);
}
const linkIn = (m, path) => part(m, 'text/plain').body.match(new RegExp(`(${path}[A-Za-z0-9_-]{43})`))[1];
const verified = (email) => Number(srv.sql(`SELECT verified FROM users WHERE email = '${email}'`));

async function becomeMentor(c, name) {
  await c.get('/profile');
  const r = await c.post('/profile', [['display_name', name], ['timezone', 'UTC'], ['is_mentor', '1'],
    ['focus_areas', 'Kubernetes'], ['capacity', '2'], ['formats', 'one_on_one']]);
  assert.equal(r.status, 303);
}

test('sign-up is refused for an address outside TANDEM_SIGNUP_DOMAINS, with the typed fields kept', async () => {
  const c = new Client(srv);
  await c.get('/signup');
  const r = await c.post('/signup', { email: 'sam@elsewhere.net', display_name: 'Sam Outsider', password: GOOD_PW, password_confirm: GOOD_PW });
  assert.equal(r.status, 422);
  assert.match(r.body, /Tandem here is for addresses at example\.com or example\.org/);
  assert.match(r.body, /value="Sam Outsider"/);
  assert.match(r.body, /value="sam@elsewhere\.net"/);
  assert.equal(srv.sql("SELECT count(*) FROM users WHERE email = 'sam@elsewhere.net'"), '0');
  // Both listed domains work (the second written as "@Example.org").
  await signup(srv, `org-${Date.now()}@example.org`, 'Olga Org');
});

test('a new address is confirmed by POST only, once, and until then is not listed and cannot ask', async () => {
  const email = uniqueEmail('verify');
  const c = await signup(srv, email, 'Vera Unverified');
  assert.equal(verified(email), 0);
  const home = await c.get('/');
  assert.match(home.body, /Confirm your email address/);
  assert.match(home.body, /action="\/verify\/resend"/);
  // Unverified: not in the directory (cards, FTS search, keyset pages), no requests.
  await becomeMentor(c, 'Vera Unverified');
  const uid = userId(srv, email);
  assert.equal(srv.sql(`SELECT count(*) FROM mentor_cards WHERE user_id = ${uid}`), '0');
  assert.equal(srv.sql(`SELECT count(*) FROM directory WHERE user_id = ${uid}`), '0');
  assert.equal(srv.sql("SELECT count(*) FROM mentor_search WHERE mentor_search MATCH 'vera'"), '0');
  const lookerEmail = uniqueEmail('looker');
  const other = await signup(srv, lookerEmail, 'Leo Looker');
  srv.sql(`UPDATE users SET verified = 1 WHERE email = '${lookerEmail}'`); // a confirmed member looks
  assert.doesNotMatch((await other.get('/mentors?q=vera')).body, /Vera Unverified/);
  assert.equal((await other.get(`/mentors/${uid}`)).status, 404);
  // Nor can an unverified person send a request (to a verified mentor).
  const mentorEmail = uniqueEmail('vmentor');
  const mentor = await signup(srv, mentorEmail, 'Max Mentor');
  srv.sql(`UPDATE users SET verified = 1 WHERE email = '${mentorEmail}'`);
  await becomeMentor(mentor, 'Max Mentor');
  const mid = userId(srv, mentorEmail);
  // An unconfirmed address may be anyone's: it sees and reaches no one,
  // by any route (the directory, pairings, rings, rounds, office hours).
  for (const path of ['/mentors', `/mentors/${mid}`, '/topics', '/pairings', '/rings', '/coffee', '/office-hours',
    '/help-sessions', '/program', '/requests', '/mentorships']) {
    const r = await c.get(path);
    assert.equal(r.status, 403, path);
    assert.match(r.body, /Confirm your email address first/, path);
  }
  for (const [path, form] of [['/pairings', { partner_id: mid, held_on: '2026-01-05', duration_min: '30', topic: 'x' }],
    ['/rings', { topic: 'Payroll', description: 'x', seats: '5', cadence: 'weekly', duration_min: '60', weeks: '4' }],
    ['/coffee', { opt_in: '1', every: '2w' }],
    ['/office-hours', { weekday: '1', start_time: '10:00', duration_min: '30', seats: '2', topic: 'Q&A', where: 'https://evil.example.net', weeks: '1' }]]) {
    assert.equal((await c.post(path, form)).status, 403, `POST ${path}`);
  }
  assert.equal(srv.sql(`SELECT (SELECT count(*) FROM pairings WHERE author_id = ${uid}) + (SELECT count(*) FROM rings WHERE owner_id = ${uid}) + (SELECT count(*) FROM coffee_prefs WHERE user_id = ${uid}) + (SELECT count(*) FROM office_hours WHERE host_id = ${uid})`), '0');
  // Nor does anyone reach it: a confirmed member can neither log a pairing
  // with the unconfirmed account nor see it suggested or named.
  await other.get('/pairings');
  const withIt = await other.post('/pairings', { partner_id: String(uid), held_on: '2026-01-05', duration_min: '30', topic: 'x' });
  assert.equal(withIt.status, 422, 'a pairing with an unconfirmed account');
  assert.equal(srv.sql(`SELECT count(*) FROM pairings WHERE partner_id = ${uid}`), '0');
  assert.doesNotMatch((await other.get(`/pairings?with=${uid}`)).body, /Vera Unverified/);
  // its own pages stay open: the dashboard (with the banner), the profile, the guide
  for (const path of ['/', '/profile', '/guide', '/account/notifications']) assert.equal((await c.get(path)).status, 200, path);
  const req = await c.post('/requests', { mentor_id: mid, topic: 'Kubernetes', goal: 'Learn to run clusters well.',
    format: 'one_on_one', cadence: 'weekly', duration_min: '30', weeks: '6', message: '' });
  assert.equal(req.status, 403);
  assert.match(req.body, /Confirm your email address first/);
  assert.equal(srv.sql(`SELECT count(*) FROM requests WHERE mentee_id = ${uid}`), '0');

  const m = await mailTo(email, /Confirm your email address/);
  assert.equal(m.headers['list-unsubscribe'], undefined, 'account mail is not a notification one can turn off');
  const link = linkIn(m, '/verify/');
  // A scanner's GET: a page with a button, nothing verified.
  const anon = new Client(srv);
  const g = await anon.get(link);
  assert.equal(g.status, 200);
  assert.match(g.body, new RegExp(`<form method="post" action="${link}">`));
  assert.equal(verified(email), 0);
  // Only a hash is stored: the token itself is nowhere in the database.
  const token = link.split('/').pop();
  assert.equal(srv.sql(`SELECT count(*) FROM account_tokens WHERE instr(token_hash, CAST('${token}' AS BLOB)) > 0 OR instr(salt, CAST('${token}' AS BLOB)) > 0`), '0');
  const p = await anon.post(link);
  assert.equal(p.status, 303);
  assert.equal(verified(email), 1);
  assert.equal(srv.sql(`SELECT count(*) FROM audit WHERE event = 'email_verified' AND subject_id = ${uid}`), '1');
  // Listed now, and found by the search.
  assert.equal(srv.sql(`SELECT count(*) FROM mentor_cards WHERE user_id = ${uid}`), '1');
  assert.match((await other.get('/mentors?q=vera')).body, /Vera Unverified/);
  assert.doesNotMatch((await c.get('/')).body, /Confirm your email address/);
  // Single use.
  const again = new Client(srv);
  await again.get('/login');
  const second = await again.post(link);
  assert.equal(second.status, 404);
  assert.match(second.body, /This link no longer works/);
});

test('asking for the link again is throttled, and a new link retires the older one', async () => {
  const email = uniqueEmail('resend');
  const c = await signup(srv, email, 'Rita Resend');
  const first = linkIn(await mailTo(email, /Confirm your email/), '/verify/');
  const r = await c.post('/verify/resend');
  assert.equal(r.status, 303);
  const again = await c.post('/verify/resend');
  assert.equal(again.status, 429, 'a second link within a minute is refused');
  assert.match(again.body, /We sent a link a moment ago/);
  const second = linkIn(await mailTo(email, /Confirm your email/, 2), '/verify/');
  assert.notEqual(second, first);
  assert.equal((await c.get(first)).status, 404, 'the older link is retired');
  assert.equal((await c.get(second)).status, 200);
});

test('a confirmation link expires after 48 hours', async () => {
  const email = uniqueEmail('expire');
  await signup(srv, email, 'Ella Expire');
  const link = linkIn(await mailTo(email, /Confirm your email/), '/verify/');
  advance(47 * 3600);
  const c = new Client(srv);
  assert.equal((await c.get(link)).status, 200, 'still valid at 47 hours');
  advance(3600 + 60);
  assert.equal((await c.get(link)).status, 404);
  await c.get('/login');
  assert.equal((await c.post(link)).status, 404);
  assert.equal(verified(email), 0);
});

test('/password/forgot answers the same, in the same time, for known and unknown addresses', async (t) => {
  // The page only queues the request (the sender looks it up later): the
  // same statements run either way. Measured in rounds of N pairs, each
  // pair back to back; what is compared is the median of the pairs'
  // differences (known - unknown), which a busy machine moves far less
  // than it moves either median alone: a round passes when it is within
  // 10 % of the median time, and at most 4 rounds are run (a path that is
  // slower fails every one).
  const N = 40, ROUNDS = 4;
  const c = new Client(srv);
  await c.get('/password/forgot');
  let ip = 0;
  const ask = async (email) => {
    ip++;
    const t0 = process.hrtime.bigint();
    const r = await c.post('/password/forgot', { email }, { headers: { 'X-Forwarded-For': `10.88.${ip >> 8}.${ip & 255}` } });
    const us = Number(process.hrtime.bigint() - t0) / 1000;
    assert.equal(r.status, 200);
    return { body: r.body.replace(email, 'EMAIL').replace(/name="csrf" value="[^"]+"/, ''), us };
  };
  const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];
  await ask(`warm-${Date.now()}@example.com`);
  let ok = false, total = 0;
  for (let round = 0; round < ROUNDS && !ok; round++) {
    // Accounts made directly, each with its first link of the hour.
    const known = [], unknown = [];
    for (let i = 0; i < N; i++) {
      known.push(`timing-${round}-${i}-${Date.now()}@example.com`);
      unknown.push(`nobody-${round}-${i}-${Date.now()}@example.com`);
    }
    srv.sql(`INSERT INTO users(email, display_name, pw_hash, created_at) VALUES ${known.map((e) => `('${e}', 'Tim Timing', 'x', 0)`).join(',')};
             INSERT INTO profiles(user_id) SELECT id FROM users WHERE email LIKE 'timing-${round}-%'`);
    const tk = [], tu = [], diff = [];
    for (let i = 0; i < N; i++) {
      // Which goes first alternates: the first of two requests in a row
      // pays for whatever the machine did meanwhile.
      let a, b;
      if (i % 2) { a = await ask(known[i]); b = await ask(unknown[i]); } else { b = await ask(unknown[i]); a = await ask(known[i]); }
      assert.equal(a.body, b.body, 'the same page for an account and for no account');
      tk.push(a.us);
      tu.push(b.us);
      diff.push(a.us - b.us);
    }
    total += N;
    const mk = median(tk), mu = median(tu), md = median(diff);
    t.diagnostic(`round ${round + 1}: median known ${mk.toFixed(0)} us, unknown ${mu.toFixed(0)} us, of the differences ${md.toFixed(0)} us`);
    ok = Math.abs(md) / Math.max(mk, mu) < 0.10;
  }
  assert.ok(ok, 'known and unknown addresses differed by 10 % or more in every round');
  // Every known address got its link, no unknown one anything.
  await drained();
  assert.equal(srv.sql("SELECT count(*) FROM account_tokens t JOIN users u ON u.id = t.user_id WHERE u.email LIKE 'timing-%' AND t.purpose = 2"), String(total));
  assert.equal(srv.sql("SELECT count(*) FROM outbox o JOIN users u ON u.id = o.user_id WHERE u.email LIKE 'nobody-%'"), '0');
});

test('reset links: per address at most 3 an hour, single use, 30 minutes, every session ends', async () => {
  const email = uniqueEmail('reset');
  await signup(srv, email, 'Rick Reset');
  srv.sql(`UPDATE users SET verified = 1 WHERE email = '${email}'`);
  const a = await login(srv, email);
  const b = await login(srv, email);
  const anon = new Client(srv);
  await anon.get('/login');
  assert.match(anon.last.body, /href="\/password\/forgot"/, 'the login page links to the reset');
  await anon.get('/password/forgot');
  const sent = await anon.post('/password/forgot', { email: email.toUpperCase() });
  assert.equal(sent.status, 200);
  assert.match(sent.body, /Check your mail/);
  const m1 = await mailTo(email, /Reset your Tandem password/);
  const link1 = linkIn(m1, '/password/reset/');
  // Expired after 30 minutes.
  advance(31 * 60);
  assert.equal((await anon.get(link1)).status, 404);
  // A new link; a mismatch keeps nothing; a good password works once.
  await anon.get('/password/forgot');
  await anon.post('/password/forgot', { email });
  const link2 = linkIn(await mailTo(email, /Reset your Tandem password/, 2), '/password/reset/');
  const form = await anon.get(link2);
  assert.equal(form.status, 200);
  assert.match(form.body, /Choose a new password/);
  const bad = await anon.post(link2, { new_password: 'violet walrus gently hums', new_password_confirm: 'something else entirely' });
  assert.equal(bad.status, 422);
  const weak = await anon.post(link2, { new_password: 'password', new_password_confirm: 'password' });
  assert.equal(weak.status, 422);
  const NEW = 'violet walrus gently hums';
  const ok = await anon.post(link2, { new_password: NEW, new_password_confirm: NEW });
  assert.equal(ok.status, 303);
  assert.equal(ok.headers.location, '/login');
  // Every session of the account ended.
  for (const c of [a, b]) {
    const r = await c.get('/');
    assert.equal(r.status, 303);
    assert.match(r.headers.location, /^\/login/);
  }
  assert.equal(srv.sql(`SELECT count(*) FROM sessions WHERE user_id = ${userId(srv, email)}`), '0');
  await assert.rejects(login(srv, email, GOOD_PW));
  await login(srv, email, NEW);
  assert.equal(srv.sql(`SELECT count(*) FROM audit WHERE event = 'password_reset' AND subject_id = ${userId(srv, email)}`), '1');
  await mailTo(email, /Your Tandem password was reset/);
  // Dead after the reset: neither this link nor a repeat works.
  const other = new Client(srv);
  await other.get('/login');
  assert.equal((await other.post(link2, { new_password: 'another fine long phrase', new_password_confirm: 'another fine long phrase' })).status, 404);
  assert.equal((await other.get(link2)).status, 404);
  // Per address: the 3rd link this hour goes out, a 4th is not sent (the answer is the same).
  await anon.get('/password/forgot');
  await anon.post('/password/forgot', { email });
  const r4 = await anon.post('/password/forgot', { email });
  assert.equal(r4.status, 200);
  assert.match(r4.body, /Check your mail/);
  await drained();
  assert.equal(srv.sql(`SELECT count(*) FROM account_tokens WHERE purpose = 2 AND user_id = ${userId(srv, email)}`), '3');
});

/** A multipart/form-data body with the CSRF field and one file. */
function multipart(csrf, file, filename = 'people.csv') {
  const boundary = `----tandem${Date.now()}`;
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n${csrf}\r\n`
    + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/csv\r\n\r\n`;
  const body = Buffer.concat([Buffer.from(head), Buffer.isBuffer(file) ? file : Buffer.from(file), Buffer.from(`\r\n--${boundary}--\r\n`)]);
  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(admin, file) {
  await admin.get('/admin/import');
  const { body, type } = multipart(admin.csrf, file);
  return admin.absorb(await request(srv, 'POST', '/admin/import', {
    body, headers: { ...admin.cookieHeader(), 'Content-Type': type, Origin: srv.base, Host: `127.0.0.1:${srv.port}` },
  }));
}

const lineNumbers = (body) => {
  const t = body.match(/<table class="import-bad" id="invalid">([\s\S]*?)<\/table>/);
  return t ? [...t[1].matchAll(/<tr><td>(\d+)<\/td>/g)].map((m) => Number(m[1])) : [];
};
const stat = (body, label) => Number(body.match(new RegExp(`<span class="num">(\\d+)</span><span class="lbl">${label}`))[1]);

let adminC;
/** This file's admin, made by whichever test needs it first (any test runs alone). */
async function theAdmin() {
  adminC ??= await adminClient(srv, 'import-admin@example.com');
  return adminC;
}
test('an admin invites one person, who sets a password through the link and is verified', async () => {
  const admin = await theAdmin();
  await admin.get('/admin/import');
  const email = uniqueEmail('invitee');
  const bad = await admin.post('/admin/invitations', { email: 'not-an-address', display_name: 'Ivy Invitee', team: 'Data', job_title: 'Analyst' });
  assert.equal(bad.status, 422);
  assert.match(bad.body, /value="Ivy Invitee"/);
  const r = await admin.post('/admin/invitations', { email, display_name: 'Ivy Invitee', team: 'Data', job_title: 'Analyst' });
  assert.equal(r.status, 303);
  assert.equal(verified(email), 0);
  // No password yet: signing in is refused like any wrong password.
  const tryLogin = new Client(srv);
  await tryLogin.get('/login');
  assert.equal((await tryLogin.post('/login', { email, password: '' })).status, 422);
  assert.equal((await tryLogin.post('/login', { email, password: 'anything at all here' })).status, 401);
  const link = linkIn(await mailTo(email, /You are invited to Tandem/), '/password/reset/');
  const c = new Client(srv);
  const form = await c.get(link);
  assert.match(form.body, /Welcome to Tandem/);
  const done = await c.post(link, { new_password: 'teal heron softly waits', new_password_confirm: 'teal heron softly waits' });
  assert.equal(done.status, 303);
  assert.equal(done.headers.location, '/profile');
  assert.equal((await c.get('/profile')).status, 200, 'signed in');
  assert.equal(verified(email), 1);
  assert.equal(srv.sql(`SELECT team || '/' || job_title FROM profiles WHERE user_id = ${userId(srv, email)}`), 'Data/Analyst');
  // An account with a password cannot be invited again.
  assert.equal((await admin.post('/admin/invitations', { email, display_name: 'Ivy', team: '', job_title: '' })).status, 422);
});

test('a 10,000-line import: the preview lists exactly the 50 bad lines; applied twice, the second changes nothing', async () => {
  const admin = await theAdmin();
  const stamp = Date.now();
  const bad = new Map(); // line number -> what is wrong
  const lines = ['\uFEFFemail,name,team,job_title'];
  const kinds = [
    (i) => `not-an-address-${i},Bad Email,Ops,Clerk`,
    (i) => `empty-name-${i}-${stamp}@example.com,,Ops,Clerk`,
    (i) => `formula-${i}-${stamp}@example.com,=HYPERLINK("http://x"),Ops,Clerk`,
    (i) => `cells-${i}-${stamp}@example.com,Too Many,Ops,Clerk,extra`,
    (i) => `emp-0-${stamp}@example.com,Repeat Person,Ops,Clerk`, // the address of line 2
  ];
  for (let i = 0; i < 10000; i++) {
    const line = i + 2;
    if (i % 200 === 199) {
      bad.set(line, true);
      lines.push(kinds[(i / 200 | 0) % kinds.length](i));
    } else {
      const team = i % 3 ? 'Platform' : 'Data, Analytics';
      lines.push(`emp-${i}-${stamp}@example.com,"Person ${i}, Jr.","${team}",Engineer`);
    }
  }
  assert.equal(bad.size, 50);
  const file = `${lines.join('\r\n')}\r\n`;
  const users0 = Number(srv.sql('SELECT count(*) FROM users'));
  const r = await upload(admin, file);
  assert.equal(r.status, 303, r.body.slice(0, 500));
  const preview = await admin.get(r.headers.location);
  assert.equal(preview.status, 200);
  assert.deepEqual(lineNumbers(preview.body), [...bad.keys()]);
  assert.equal(stat(preview.body, 'to add'), 9950);
  assert.equal(stat(preview.body, 'invalid lines'), 50);
  assert.match(preview.body, /spreadsheet formulas are refused/);
  assert.match(preview.body, /The same address as line 2\./);
  assert.equal(Number(srv.sql('SELECT count(*) FROM users')), users0, 'a preview changes nothing');
  const applied = await admin.post(`${r.headers.location}/apply`);
  assert.equal(applied.status, 303);
  assert.equal(Number(srv.sql('SELECT count(*) FROM users')), users0 + 9950);
  assert.equal(srv.sql(`SELECT count(*) FROM users WHERE email LIKE 'emp-%-${stamp}@example.com' AND pw_hash = '' AND verified = 0`), '9950');
  assert.equal(srv.sql(`SELECT team FROM profiles p JOIN users u ON u.id = p.user_id WHERE u.email = 'emp-0-${stamp}@example.com'`), 'Data, Analytics');
  assert.equal(srv.sql(`SELECT display_name FROM users WHERE email = 'emp-1-${stamp}@example.com'`), 'Person 1, Jr.');
  assert.equal(srv.sql(`SELECT count(*) FROM outbox WHERE event = 16 AND user_id IN (SELECT id FROM users WHERE email LIKE 'emp-%-${stamp}@example.com')`), '9950');
  assert.equal((await admin.post(`${r.headers.location}/apply`)).status, 409, 'one import applies once');
  // The same file again: nothing to add or update, and applying changes nothing.
  const snapshot = () => srv.sql("SELECT count(*), sum(length(team) + length(job_title)) FROM profiles") + srv.sql('SELECT count(*) FROM outbox') + srv.sql('SELECT count(*) FROM account_tokens');
  const before2 = snapshot();
  const r2 = await upload(admin, file);
  const p2 = await admin.get(r2.headers.location);
  assert.equal(stat(p2.body, 'to add'), 0);
  assert.equal(stat(p2.body, 'to update'), 0);
  assert.equal(stat(p2.body, 'unchanged'), 9950);
  assert.deepEqual(lineNumbers(p2.body), [...bad.keys()]);
  assert.equal((await admin.post(`${r2.headers.location}/apply`)).status, 303);
  assert.equal(snapshot(), before2);
  // A changed team is an update, nothing else.
  const changed = file.replace(`emp-5-${stamp}@example.com,"Person 5, Jr.","Platform"`, `emp-5-${stamp}@example.com,"Person 5, Jr.","Security"`);
  const p3 = await admin.get((await upload(admin, changed)).headers.location);
  assert.equal(stat(p3.body, 'to update'), 1);
  assert.equal(stat(p3.body, 'to add'), 0);
});

test('an import refuses formula cells line by line, and a file that is not UTF-8 whole', async () => {
  const admin = await theAdmin();
  const s = Date.now();
  const file = [`ok-${s}@example.com,Olivia Ok,Ops,Clerk`, `f1-${s}@example.com,+SUM(A1),Ops,Clerk`,
    `f2-${s}@example.com,Fred,-2+3,Clerk`, `f3-${s}@example.com,Fay,Ops,@cmd`, `=cmd|' /C calc'!A0,Eve,Ops,Clerk`].join('\n');
  const r = await upload(admin, file);
  const p = await admin.get(r.headers.location);
  assert.deepEqual(lineNumbers(p.body), [2, 3, 4, 5]);
  assert.equal((p.body.match(/spreadsheet formulas are refused/g) || []).length, 4);
  assert.equal(stat(p.body, 'to add'), 1);
  const latin1 = Buffer.concat([Buffer.from(`a-${s}@example.com,Ana,Ops,Clerk\nb-${s}@example.com,Jos`), Buffer.from([0xe9]), Buffer.from(',Ops,Clerk\n')]);
  const u = await upload(admin, latin1);
  assert.equal(u.status, 422);
  assert.match(u.body, /not UTF-8 text \(line 2\)/);
  assert.equal(srv.sql(`SELECT count(*) FROM import_rows WHERE email = 'a-${s}@example.com'`), '0', 'nothing staged');
  // Other routes still refuse multipart and large bodies.
  const { body, type } = multipart(admin.csrf, 'x');
  const other = await request(srv, 'POST', '/admin/invitations', { body, headers: { ...admin.cookieHeader(), 'Content-Type': type, Origin: srv.base } });
  assert.equal(other.status, 415);
});

test('with TANDEM_SIGNUP=invite only invited people join, through their link', async () => {
  const inv = await startServer({ TANDEM_SIGNUP: 'invite', TANDEM_SIGNUP_VERIFY: '1' });
  try {
    const c = new Client(inv);
    const form = await c.get('/signup');
    assert.match(form.body, /by invitation/);
    const r = await c.post('/signup', { email: 'walk-in@example.com', display_name: 'Walter Walkin', password: GOOD_PW, password_confirm: GOOD_PW });
    assert.equal(r.status, 422);
    assert.match(r.body, /by invitation only/);
    assert.match(r.body, /value="Walter Walkin"/);
    assert.equal(inv.sql("SELECT count(*) FROM users WHERE email = 'walk-in@example.com'"), '0');
    const adm = await adminClient(inv, 'inv-admin@example.com');
    await adm.get('/admin/import');
    assert.equal((await adm.post('/admin/invitations', { email: 'guest@example.com', display_name: 'Gina Guest', team: '', job_title: '' })).status, 303);
    // The invited address on the sign-up form: the link comes again.
    const g = new Client(inv);
    await g.get('/signup');
    const s = await g.post('/signup', { email: 'guest@example.com', display_name: 'Gina', password: GOOD_PW, password_confirm: GOOD_PW });
    assert.equal(s.status, 200);
    assert.match(s.body, /You were invited already/);
    const dir = join(inv.data, 'mail');
    const ibox = mailbox(() => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => join(dir, f)) : []));
    // The newest invitation (the first one's link was retired by it; when
    // the sender had not got to it yet, it was never sent).
    await drained(inv);
    const latest = inv.sql("SELECT max(id) FROM outbox WHERE event = 16");
    assert.equal(inv.sql('SELECT count(*) FROM outbox WHERE event = 16'), '2');
    const all = await ibox.until((ms) => ms.some((m) => m.file.endsWith(`/${latest}.eml`)), 'the new invitation');
    const link = linkIn(all.find((m) => m.file.endsWith(`/${latest}.eml`)), '/password/reset/');
    assert.equal(inv.sql('SELECT count(*) FROM account_tokens WHERE purpose = 3 AND used_at IS NULL'), '1', 'one live invitation');
    await g.get(link);
    assert.equal((await g.post(link, { new_password: GOOD_PW, new_password_confirm: GOOD_PW })).status, 303);
    assert.equal(inv.sql("SELECT verified FROM users WHERE email = 'guest@example.com'"), '1');
  } finally {
    await inv.stop();
  }
});
