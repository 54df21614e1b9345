// Issue 19: one survey send to every active member through the real
// route (nginx, a worker, the group-commit rules), timed from the POST to
// its 303, while another client keeps reading a page. Usage (a copy of a
// seeded, migrated data directory; release build):
//   TANDEM_BIN=build/tandem node tests/bench/send_http.mjs DATA_DIR [audience]
import { startServer, adminClient, Client } from '../lib/server.mjs';

const [data, audience = 'all'] = process.argv.slice(2);
const srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000' }, data);
try {
  const admin = await adminClient(srv, `send-bench-${Date.now()}@example.com`);
  await admin.get('/admin/surveys');
  const url = (await admin.post('/admin/surveys', { title: 'Everyone, timed', audience: 'both' })).headers.location;
  await admin.get(url);
  await admin.post(`${url}/questions`, { kind: 'rating', prompt: 'How useful is mentoring here?', required: '1' });
  await admin.post(`${url}/status`, { status: 'open' });
  await admin.get(url);
  // A reader meanwhile (the other worker), as fast as pages answer.
  const other = new Client(srv);
  other.sid = admin.sid;
  let reads = 0, worst = 0, stop = false;
  const loop = (async () => {
    while (!stop) {
      const t = performance.now();
      await other.get('/admin/surveys');
      worst = Math.max(worst, performance.now() - t);
      reads++;
    }
  })();
  const t0 = performance.now();
  const r = await admin.post(`${url}/send`, { audience });
  const ms = performance.now() - t0;
  stop = true;
  await loop;
  const page = await admin.get(r.headers.location || url);
  const said = page.body.match(/Invited [^<]*/)?.[0];
  console.log(`POST send (${audience}): ${r.status} in ${ms.toFixed(0)} ms; "${said}"; ${reads} page reads meanwhile, slowest ${worst.toFixed(0)} ms`);
} finally {
  await srv.stop({ keep: true });
}
