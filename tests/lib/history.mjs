// A past program written straight into the database, for the tests of
// the insights and /program (issue 19): people in teams, mentorships and
// sessions on given days. Ids start at 1000 and are unique per test file
// (each runs in its own process).

let nextId = 1000;

/** Epoch seconds of a UTC day ("YYYY-MM-DD") and hour. */
export const at = (day, hour = 9) => Math.floor(Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`) / 1000);

/** The day n days after day. */
export const addDays = (day, n) => new Date(Date.parse(`${day}T00:00:00Z`) + n * 86400000).toISOString().slice(0, 10);

/** SQL for n people of a team; returns [sql, ids]. */
export function people(team, n) {
  const ids = [];
  let sql = '';
  for (let i = 0; i < n; i++) {
    const id = nextId++;
    ids.push(id);
    sql += `INSERT INTO users(id, email, display_name, pw_hash, created_at) VALUES (${id}, 'p${id}@t.example', 'Person ${id}', 'x', 0);
INSERT INTO profiles(user_id, team) VALUES (${id}, '${team}');\n`;
  }
  return [sql, ids];
}

/** A mentorship of mentor and mentee asked for, accepted and started on
 * day (weeks long, on topic); returns [mentorship id, sql]. */
export function pair(mentor, mentee, day, { weeks = 6, topic = 1 } = {}) {
  const rid = nextId++, mid = nextId++;
  return [mid, `INSERT INTO requests(id, mentee_id, mentor_id, topic_id, goal, format, cadence, duration_min, weeks, status, created_at, answered_at)
  VALUES (${rid}, ${mentee}, ${mentor}, ${topic}, 'g', 'one_on_one', 'weekly', 30, ${weeks}, 'accepted', ${at(day, 9)}, ${at(day, 11)});
INSERT INTO mentorships(id, request_id, mentor_id, mentee_id, topic_id, goal, format, cadence, duration_min, weeks, started_on, planned_end, created_at)
  VALUES (${mid}, ${rid}, ${mentor}, ${mentee}, ${topic}, 'g', 'one_on_one', 'weekly', 30, ${weeks}, '${day}', '${addDays(day, 7 * weeks)}', ${at(day, 11)});\n`];
}

/** SQL for a 1:1 session of mentorship ms logged by author, held on day. */
export const session = (ms, author, day, minutes = 45) =>
  `INSERT INTO meetings(mentorship_id, author_id, held_on, duration_min, kind, created_at) VALUES (${ms}, ${author}, '${day}', ${minutes}, 'one_on_one', ${at(day)});\n`;

/** sql in one transaction, as any real history arrives: the mail sender
 * closes the weeks that ended every half second (store/insights.h
 * insight_close), and must never close one half written. */
/** An autumn of two teams (tests/http/program_cache and the latch
 * review): topic 1, teams Alpha and Beta of 20 people each, 8 pairs a
 * team from 2026-09-07 for 12 weeks, a session every week until
 * 2026-10-27. [sql, pairs], pairs as [mentorship id, mentor id]. */
export function twoTeamsAutumn() {
  let sql = "INSERT INTO topics(id, name, key) VALUES (1, 'Testing', 'testing');\nINSERT INTO teams(name) VALUES ('Alpha'), ('Beta');\n";
  const pairs = [];
  for (const t of ['Alpha', 'Beta']) {
    const [s, ids] = people(t, 20);
    sql += s;
    for (let i = 0; i < 8; i++) {
      const [mid, q] = pair(ids[2 * i], ids[2 * i + 1], '2026-09-07', { weeks: 12 });
      sql += q;
      pairs.push([mid, ids[2 * i]]);
      for (let d = '2026-09-08'; d <= '2026-10-27'; d = addDays(d, 7)) sql += session(mid, ids[2 * i], d);
    }
  }
  return [sql, pairs];
}

export const inOneTransaction = (sql) => `BEGIN;\n${sql}COMMIT;\n`;

/** The export's CSV as objects by column (every cell is quoted). */
export function parseCsv(text) {
  const rows = text.trim().split('\r\n').map((line) => [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1].replace(/""/g, '"')));
  const head = rows.shift();
  return rows.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}
