// Random pairing rounds (issue 18): opt in, a round on demand, everyone
// sees their match (dashboard, /coffee, a mail queued), "we met" once,
// away people skipped, and the admin's page shows counts only.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, signup, adminClient, login } from '../lib/server.mjs';
import { uniqueEmail, userId } from '../lib/fixtures.mjs';

const FAST = { TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' };
let srv;
after(async () => { if (srv) await srv.stop(); });

async function person(name) {
  const email = uniqueEmail('coffee');
  const c = await signup(srv, email, name);
  c.id = userId(srv, email);
  c.name = name;
  c.email = email;
  return c;
}

async function optIn(c, extra = {}) {
  await c.get('/coffee');
  const r = await c.post('/coffee', { opt_in: '1', every: '2w', across_teams: '1', ...extra });
  assert.equal(r.status, 303);
}

// The master runs a scheduled round at its minute tick once two people are
// opted in; here every round is the admin's, so a scheduled one is marked
// as just run (a year ahead) and the tick never races the test's rounds.
function onDemandOnly() {
  srv.sql("INSERT INTO coffee_rounds(ran_at, on_demand, people, matches) VALUES (strftime('%s', 'now') + 31536000, 0, 0, 0)");
}

test('opt in, a round on demand, both see the match, "we met" once', async () => {
  srv = await startServer(FAST);
  const adminEmail = uniqueEmail('coffeeadmin');
  const admin = await adminClient(srv, adminEmail);
  const a = await person('Ana Alpha');
  const b = await person('Ben Beta');
  const away = await person('Ava Away');
  const out = await person('Olly Out');
  await optIn(a);
  await optIn(b);
  await optIn(away, { skip_next: '1' });
  // A shared interest becomes the suggested first topic.
  srv.sql(`INSERT INTO topics(name, key) VALUES ('Rust', 'rust') ON CONFLICT DO NOTHING;
    INSERT INTO user_topics(user_id, kind, topic_id) SELECT ${a.id}, 'interest', id FROM topics WHERE key = 'rust';
    INSERT INTO user_topics(user_id, kind, topic_id) SELECT ${b.id}, 'interest', id FROM topics WHERE key = 'rust';`);
  assert.match((await a.get('/coffee')).body, /id="opt_in" name="opt_in" type="checkbox" value="1" checked/);
  // Admins only.
  await a.get('/coffee');
  assert.equal((await a.post('/admin/coffee')).status, 403);
  await admin.get('/admin/coffee');
  const run = await admin.post('/admin/coffee');
  assert.equal(run.status, 303);
  assert.match((await admin.get('/admin/coffee')).body, /Round run: 2 people due, 1 matches\./);
  for (const [me, other] of [[a, b], [b, a]]) {
    const home = (await me.get('/')).body;
    assert.match(home, new RegExp(`Your pairing round match: <strong>${other.name}</strong> \\(first topic: Rust\\)`));
    assert.match((await me.get('/coffee')).body, new RegExp(`<strong>${other.name}</strong>`));
    // How to reach them (UX review: a name alone left people stuck).
    assert.ok(home.includes(`Say hello: ${other.email}.`), 'the dashboard gives their address');
    assert.ok((await me.get('/coffee')).body.includes(`Say hello: <span class="contact">${other.email}</span>`));
  }
  // The one away was skipped this time, and is back for the next round.
  assert.ok(!(await away.get('/')).body.includes('coffee-match'));
  assert.equal(srv.sql(`SELECT skip_next FROM coffee_prefs WHERE user_id = ${away.id}`), '0');
  // One mail each (outbox event 35), none for the others.
  assert.equal(srv.sql(`SELECT group_concat(user_id) FROM (SELECT user_id FROM outbox WHERE event = 35 ORDER BY user_id)`),
    [a.id, b.id].sort((x, y) => x - y).join(','));
  // The sender composes them (no SMTP here: .eml files), naming the match,
  // the first topic and the link to /coffee.
  const mails = async () => {
    for (let i = 0; i < 100; i++) {
      const dir = join(srv.data, 'mail');
      const all = existsSync(dir) ? readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8').replace(/=\r?\n/g, '')) : [];
      const mine = all.filter((m) => m.includes('Your pairing round match'));
      if (mine.length >= 2) return mine;
      await new Promise((r) => setTimeout(r, 100));
    }
    return [];
  };
  const sent = await mails();
  assert.equal(sent.length, 2);
  assert.ok(sent.some((m) => m.includes('Subject: Your pairing round match: Ben Beta') && m.includes('/coffee')));
  assert.ok(sent.every((m) => /You both care about Rust/.test(m)));
  const match = srv.sql(`SELECT match_id FROM coffee_match_people WHERE user_id = ${a.id}`);
  // Someone else's match: 404. Then "we met": once for the pair.
  await out.get('/coffee');
  assert.equal((await out.post(`/coffee/matches/${match}/met`)).status, 404);
  await a.get('/coffee');
  assert.equal((await a.post(`/coffee/matches/${match}/met`)).status, 303);
  await b.get('/coffee');
  assert.equal((await b.post(`/coffee/matches/${match}/met`)).status, 409);
  // "We met" is a pairing for both (issue 17): confirmed, in each one's list
  assert.equal(srv.sql("SELECT count(*) || status || origin FROM pairings WHERE origin = 'coffee'"), '1confirmedcoffee');
  assert.match((await b.get('/pairings')).body, /Coffee pairing/);
  assert.match((await b.get('/coffee')).body, /badge ok">Met</);
  assert.ok(!(await b.get('/')).body.includes('coffee-match'), 'a match that met leaves the dashboard');
  // Counts only: fewer than k matches, so the share that met is hidden.
  const page = (await admin.get('/admin/coffee')).body;
  assert.match(page, /id="opted-in">3</);
  assert.match(page, /id="rounds">1</);
  assert.match(page, /id="met-share">hidden</);
  assert.ok(!page.includes('Ana Alpha') && !page.includes('Ben Beta'));
  // The next round on demand: a and b are not due for two weeks; away is
  // alone, so nobody is matched and nothing is sent.
  await admin.get('/admin/coffee');
  assert.equal((await admin.post('/admin/coffee')).status, 303);
  assert.match((await admin.get('/admin/coffee')).body, /Round run: 1 people due, 0 matches\./);
  // Two weeks later a and b are due again, and are not paired again.
  // Opting out takes someone out of every later round: the
  // next one holds a and b only, who just met, so nobody is paired.
  await away.get('/coffee');
  assert.equal((await away.post('/coffee', { every: 'month' })).status, 303);
  assert.equal(srv.sql(`SELECT opt_in || every FROM coffee_prefs WHERE user_id = ${away.id}`), '0month');
  srv.setClock(15 * 86400);
  const admin2 = await login(srv, adminEmail);
  await admin2.get('/admin/coffee');
  assert.equal((await admin2.post('/admin/coffee')).status, 303);
  assert.match((await admin2.get('/admin/coffee')).body, /Round run: 2 people due, 0 matches\. Some could not be matched/);
  const pairs = srv.sql(`SELECT count(*) FROM coffee_match_people x JOIN coffee_match_people y ON x.match_id = y.match_id
    AND x.user_id = ${a.id} AND y.user_id = ${b.id}`);
  assert.equal(pairs, '1', 'never the same pair twice within 6 rounds');
});

test('a round pairs across teams where it can: two teams of two make two mixed pairs', async () => {
  srv ||= await startServer(FAST);
  onDemandOnly();
  const admin = await adminClient(srv, uniqueEmail('coffeeadmin2'));
  // Nobody else is due: earlier tests' people are opted out here.
  srv.sql('UPDATE coffee_prefs SET opt_in = 0');
  const people = [];
  for (const [name, team] of [['Pia Platform', 'Platform'], ['Paul Platform', 'platform '], ['Dora Data', 'Data'], ['Dan Data', 'Data']]) {
    const p = await person(name);
    srv.sql(`UPDATE profiles SET team = '${team}' WHERE user_id = ${p.id}`);
    await optIn(p);
    p.team = team.trim().toLowerCase();
    people.push(p);
  }
  for (let round = 0; round < 3; round++) {
    srv.sql(`UPDATE coffee_prefs SET last_matched_at = 0 WHERE opt_in = 1; DELETE FROM coffee_match_people
      WHERE user_id IN (${people.map((p) => p.id).join(',')})`);
    await admin.get('/admin/coffee');
    assert.equal((await admin.post('/admin/coffee')).status, 303);
    const round_id = srv.sql('SELECT max(id) FROM coffee_rounds');
    const pairs = srv.sql(`SELECT group_concat(p.team, '+') FROM coffee_match_people x JOIN coffee_matches m ON m.id = x.match_id
      JOIN profiles p ON p.user_id = x.user_id WHERE m.round_id = ${round_id} GROUP BY x.match_id`).split('\n');
    assert.equal(pairs.length, 2);
    for (const pr of pairs) {
      const [t1, t2] = pr.split('+').map((t) => t.trim().toLowerCase());
      assert.notEqual(t1, t2, `a pair from one team: ${pr}`);
    }
  }
});

test('an admin finds the pairing rounds from the admin overview (UX review: no page linked them)', async () => {
  srv ||= await startServer(FAST);
  const admin = await adminClient(srv, uniqueEmail('coffeeadmin3'));
  const overview = await admin.get('/admin');
  assert.match(overview.body, /<a href="\/admin\/coffee">Pairing rounds<\/a>/);
  assert.equal((await admin.get('/admin/coffee')).status, 200);
});
