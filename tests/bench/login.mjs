// Login flood for make bench: N clients each GET /login then POST the
// right password, as fast as the server lets them, for D seconds. Prints
// logins/s next to the argon2id bound (cores / seconds per hash).
import http from 'node:http';
import os from 'node:os';

const [base, seconds, clients, hashMs] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5])];
const { hostname, port } = new URL(base);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
function req(method, path, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const r = http.request({ host: hostname, port, method, path, headers, agent }, (res) => {
      let b = ''; res.on('data', (c) => { b += c; }); res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: b }));
    });
    r.on('error', reject); if (body) r.write(body); r.end();
  });
}
const end = Date.now() + seconds * 1000;
const counts = {};
async function client() {
  while (Date.now() < end) {
    const g = await req('GET', '/login');
    const sid = (g.headers['set-cookie'] || []).join(';').match(/__Host-sid=([^;]+)/)?.[1];
    const csrf = g.body.match(/name="csrf" value="([^"]+)"/)?.[1];
    const body = `csrf=${csrf}&email=bench%40example.com&password=amber+otter+quietly+sings`;
    const p = await req('POST', '/login', { Cookie: `__Host-sid=${sid}`, Origin: base, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) }, body);
    counts[p.status] = (counts[p.status] || 0) + 1;
  }
}
await Promise.all(Array.from({ length: clients }, client));
const rate = (counts[303] || 0) / seconds;
const cores = os.cpus().length;
const bound = cores / (hashMs / 1000);
console.log(`${'logins (303)'.padEnd(28)} ${rate.toFixed(1).padStart(10)} logins/s; argon2id bound ${bound.toFixed(1)}/s (${cores} cores / ${hashMs} ms per hash); statuses ${JSON.stringify(counts)}`);
