// The directory at size (issue 15): search through the full-text index,
// pages by key, the topics page's kept figures.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signup } from '../lib/server.mjs';

let srv;
before(async () => { srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' }); });
after(async () => { await srv.stop(); });

let seq = 0;
async function mentor(name, { focus = 'Rust', bio = 'I like helping.', title = 'Engineer' } = {}) {
  const c = await signup(srv, `dir${++seq}.${Date.now()}@example.com`, name);
  await c.get('/profile');
  const r = await c.post('/profile', [
    ['display_name', name], ['team', 'Platform'], ['job_title', title], ['timezone', 'UTC'], ['bio', bio],
    ['interests', ''], ['is_mentor', '1'], ['focus_areas', focus], ['capacity', '2'], ['formats', 'pairing'],
  ]);
  assert.equal(r.status, 303, r.body.slice(0, 800));
  return c;
}

const ids = (body) => [...body.matchAll(/<h2><a href="\/mentors\/(\d+)">/g)].map((m) => m[1]);
const names = (body) => [...body.matchAll(/<h2><a href="\/mentors\/\d+">([^<]+)<\/a><\/h2>/g)].map((m) => m[1]);
const link = (body, rel) => {
  const m = body.match(new RegExp(`href="([^"]*)"${rel ? ` rel="${rel}"` : ''}>${rel === 'next' ? 'Next' : rel === 'prev' ? 'Previous' : 'First'} page</a>`));
  return m && m[1].replace(/&amp;/g, '&');
};

test('search: accents folded, every word a prefix, typed FTS5 syntax is only words', async () => {
  await mentor('Chloé Fts', { focus: 'Kubernetes, Observability', bio: 'Ask me about gardens.' });
  await mentor('Bruno Fts', { focus: 'Go', bio: 'I run kubectl all day, and internationalization.' });
  const me = await signup(srv, 'searcher@example.com', 'Sam Searcher');
  assert.deepEqual(names((await me.get('/mentors?q=chloe')).body), ['Chloé Fts']);
  assert.deepEqual(names((await me.get('/mentors?q=CHLO+fts')).body), ['Chloé Fts']);
  // "kube" is a prefix of Kubernetes (a topic) and of kubectl (a bio):
  // both, the one with it in name or topics first.
  assert.deepEqual(names((await me.get('/mentors?q=kube')).body), ['Chloé Fts', 'Bruno Fts']);
  assert.deepEqual(names((await me.get('/mentors?q=garden+chlo')).body), ['Chloé Fts']);
  // Every length of a typed word finds the same card: 1 to 16 letters
  // are read from prefix indexes (sql/0042), longer ones by merging the
  // words they begin; either way the result is the words' prefix match.
  for (let n = 1; n <= 'observability'.length; n++)
    assert.deepEqual(names((await me.get(`/mentors?q=${'observability'.slice(0, n)}`)).body), ['Chloé Fts'], `q=${'observability'.slice(0, n)}`);
  assert.deepEqual(names((await me.get('/mentors?q=kubernetes')).body), ['Chloé Fts']);
  for (const q of ['internationalizati', 'internationalization', 'INTERNATIONALIZATION+kub'])
    assert.deepEqual(names((await me.get(`/mentors?q=${q}`)).body), ['Bruno Fts'], `q=${q}`);
  assert.match((await me.get('/mentors?q=internationalizations')).body, /No mentor matches/);
  const none = await me.get('/mentors?q=zyzzyva');
  assert.equal(none.status, 200);
  assert.match(none.body, /No mentor matches/);
  for (const q of ['a" OR b*', 'NEAR(', '"', '*', '{name} : fts', 'fts NOT go', '(((', '^', 'chloe OR bruno', '—']) {
    const r = await me.get(`/mentors?q=${encodeURIComponent(q)}`);
    assert.equal(r.status, 200, `q=${q}`);
    assert.doesNotMatch(r.body, /Something went wrong/, `q=${q}`);
  }
  // Operators are words that must occur, not operators.
  assert.match((await me.get('/mentors?q=chloe+OR+bruno')).body, /No mentor matches/);
  // Too long (issue 21): its first 100 characters are searched, and the
  // page says so; never every mentor.
  const long = await me.get(`/mentors?q=${'chloe+'.repeat(20)}`);
  assert.equal(long.status, 200);
  assert.match(long.body, /only its first 100 characters were searched/);
  assert.match(long.body, /value="chloe chloe /);
  assert.deepEqual(names(long.body), ['Chloé Fts']);
  assert.match((await me.get('/mentors')).body, /maxlength="100"/, 'the form states the limit');
  // The typed words come back in the form, escaped.
  assert.match((await me.get(`/mentors?q=${encodeURIComponent('<b>"x')}`)).body, /value="&lt;b&gt;&quot;x"/);
  // A card's new words are found at once, the old ones no more.
  const c = await mentor('Renata Fts', { focus: 'Zig' });
  assert.deepEqual(names((await me.get('/mentors?q=renata')).body), ['Renata Fts']);
  await c.get('/profile');
  assert.equal((await c.post('/profile', [['display_name', 'Ursula Fts'], ['timezone', 'UTC'], ['is_mentor', '1'],
    ['focus_areas', 'Zig'], ['capacity', '1'], ['formats', 'pairing']])).status, 303);
  assert.match((await me.get('/mentors?q=renata')).body, /No mentor matches/);
  assert.deepEqual(names((await me.get('/mentors?q=ursula')).body), ['Ursula Fts']);
});

test('pages by key: ties in the name, mentors added between pages, none twice, none skipped', async () => {
  const first = [];
  for (let i = 0; i < 23; i++) await mentor('Tied Name', { focus: 'Tiebreaking' });
  first.push(...srv.sql("SELECT user_id FROM directory WHERE topic_id = (SELECT id FROM topics WHERE key = 'tiebreaking')").split('\n'));
  assert.equal(first.length, 23);
  const me = await signup(srv, 'pager@example.com', 'Pat Pager');
  let url = '/mentors?topic=Tiebreaking';
  const seen = [];
  const pages = [];
  for (let n = 0; url && n < 10; n++) {
    const page = await me.get(url);
    assert.equal(page.status, 200);
    assert.ok(Buffer.byteLength(page.body) < 64 * 1024, 'no page over 64 KB');
    seen.push(...ids(page.body));
    pages.push({ url, body: page.body });
    url = link(page.body, 'next');
    // Between pages: one more with the same name (a tie), one that sorts first.
    await mentor('Tied Name', { focus: 'Tiebreaking' });
    await mentor('Aaa Early', { focus: 'Tiebreaking' });
  }
  assert.equal(new Set(seen).size, seen.length, 'no mentor twice');
  for (const id of first) assert.ok(seen.includes(id), `mentor ${id}, there all along, was shown`);
  assert.ok(pages.length >= 2);
  // Page 2 links back: "Previous page" shows page 1's mentors again, and
  // "First page" the start.
  const p2 = pages[1].body;
  assert.equal(link(p2, ''), '/mentors?topic=Tiebreaking');
  const back = await me.get(link(p2, 'prev'));
  assert.deepEqual(ids(back.body), ids(pages[0].body), 'the 20 before page 2 are page 1');
  assert.ok(link(back.body, 'prev'), 'one added since sorts before them: a previous page again');
  assert.ok(link(back.body, 'next'));
  // An old numbered link shows the first page; a damaged key says so.
  const old = await me.get('/mentors?topic=Tiebreaking&page=7');
  assert.equal(old.status, 200);
  assert.deepEqual(ids(old.body), ids((await me.get('/mentors?topic=Tiebreaking')).body));
  const bad = await me.get('/mentors?after=x.1.a');
  assert.equal(bad.status, 400);
  assert.match(bad.body, /page link is damaged/);
});

test('/topics: figures kept as people change their topics', async () => {
  const row = async (c, topic) => {
    const body = (await c.get('/topics')).body;
    const m = body.match(new RegExp(`>${topic}</a></td><td>(\\d+)</td><td>(\\d+)</td>`));
    return m ? [Number(m[1]), Number(m[2])] : null;
  };
  const a = await signup(srv, 'topic.a@example.com', 'Topic A');
  await a.get('/profile');
  assert.equal((await a.post('/profile', [['display_name', 'Topic A'], ['timezone', 'UTC'], ['interests', 'Quasarology']])).status, 303);
  assert.deepEqual(await row(a, 'Quasarology'), [1, 0]);
  await mentor('Topic Mentor', { focus: 'Quasarology' });
  assert.deepEqual(await row(a, 'Quasarology'), [1, 1]);
  assert.equal((await a.post('/profile', [['display_name', 'Topic A'], ['timezone', 'UTC'], ['interests', 'Other thing']])).status, 303);
  assert.deepEqual(await row(a, 'Quasarology'), [0, 1]);
});
