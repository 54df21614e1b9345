// A real SMTP server for the mail tests (tests/lib/smtp_sink.py, Debian's
// python3-aiosmtpd) and a reader for what it received (mail_parse.py,
// python3-icalendar). Debian's python, not the one on PATH: only it has
// those modules.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
export const PY = '/usr/bin/python3';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Start the sink on `port` (0: a free one): { port, dir, stop(), files() }. */
export async function startSink(port = 0, dir = mkdtempSync(join(tmpdir(), 'tandem-smtp-'))) {
  const child = spawn(PY, [join(HERE, 'smtp_sink.py'), dir, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const got = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => { out += d; const m = out.match(/port (\d+)/); if (m) resolve(Number(m[1])); });
    child.on('exit', (c) => reject(new Error(`smtp sink exited ${c}`)));
  });
  const exited = new Promise((r) => child.on('exit', r));
  return {
    port: got, dir,
    async stop() { child.kill('SIGKILL'); await exited; },
    files() { return readdirSync(dir).filter((f) => f.endsWith('.eml')).map((f) => join(dir, f)); },
    cleanup() { rmSync(dir, { recursive: true, force: true }); },
  };
}

/** Parse message files into { headers, parts, raw, ... } (mail_parse.py). */
export function parseMail(files) {
  if (!files.length) return [];
  return JSON.parse(execFileSync(PY, [join(HERE, 'mail_parse.py'), ...files], { encoding: 'utf8', maxBuffer: 1 << 28 }));
}

/** A reader of one directory of messages that remembers what it has parsed. */
export function mailbox(list) {
  const seen = new Map();
  return {
    all() {
      const fresh = list().filter((f) => !seen.has(f));
      for (const m of parseMail(fresh)) seen.set(m.file, m);
      return [...seen.values()];
    },
    /** Messages to `addr` (envelope or To) received so far. */
    to(addr) { return this.all().filter((m) => m.headers.to.includes(`<${addr}>`)); },
    /** Wait until pred(all messages) is true; returns them. */
    async until(pred, what = 'mail', ms = 20000) {
      const end = Date.now() + ms;
      for (;;) {
        const all = this.all();
        if (pred(all)) return all;
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; have:\n${all.map((m) => `${m.headers.to}: ${m.headers.subject}`).join('\n')}`);
        await sleep(200);
      }
    },
  };
}

/** The text part, the HTML part and the calendar part of a message. */
export const part = (m, type) => m.parts.find((p) => p.type === type);
