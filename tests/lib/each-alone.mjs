#!/usr/bin/env node
// Runs every HTTP test by itself, one `node --test --test-name-pattern`
// per test, and prints a pass/fail line for each: a test that needs an
// earlier test's accounts or data fails here. A developer tool, not part
// of `make test` (it starts a server per test and takes a while).
//
//   cd tests && TANDEM_BIN=$PWD/../build/asan/tandem node lib/each-alone.mjs [http/file.test.mjs ...]
//
// Exits non-zero if any test failed (or its name matched no test).
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const TESTS = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = process.argv.slice(2).length ? process.argv.slice(2).map((f) => join(process.cwd(), f))
  : readdirSync(join(TESTS, 'http')).filter((f) => f.endsWith('.test.mjs')).sort().map((f) => join(TESTS, 'http', f));

/** The names of a file's top-level tests: test('...' or test("..." at a line start. */
function testNames(file) {
  const src = readFileSync(file, 'utf8');
  return [...src.matchAll(/^test\(('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")/gm)]
    .map((m) => (m[1][0] === "'" ? JSON.parse(`"${m[1].slice(1, -1).replace(/\\'/g, "'").replace(/"/g, '\\"')}"`) : JSON.parse(m[1])));
}
const reEscape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let passed = 0;
const failed = [];
const t0 = Date.now();
for (const file of files) {
  const rel = relative(TESTS, file);
  for (const name of testNames(file)) {
    const start = Date.now();
    const r = spawnSync(process.execPath, ['--test', '--test-concurrency=1', '--test-reporter=tap',
      `--test-name-pattern=^${reEscape(name)}$`, rel], { cwd: TESTS, encoding: 'utf8', maxBuffer: 64 << 20 });
    // Node 20 reports the tests the pattern left out as skipped: find this one's own line.
    const lines = [...r.stdout.matchAll(/^(not ok|ok) \d+ - (.*?)(?: # (SKIP|TODO)(.*))?$/gm)]
      .filter((m) => m[2].replace(/\\(.)/g, '$1') === name);
    const mine = lines.filter((m) => !/does not match pattern/.test(m[4] || ''));
    const failures = Number((r.stdout.match(/^# fail (\d+)$/m) || [])[1] ?? 1);
    const ok = r.status === 0 && failures === 0 && mine.length === 1 && mine[0][1] === 'ok';
    const secs = ((Date.now() - start) / 1000).toFixed(1);
    const note = mine.length === 0 ? ' (matched no test)' : mine.length > 1 ? ` (matched ${mine.length} tests)`
      : mine[0][3] === 'SKIP' ? ` (skipped:${mine[0][4]})` : '';
    console.log(`${ok ? 'pass' : 'FAIL'}  ${rel}  ${name}  [${secs}s]${note}`);
    if (ok) passed++;
    else {
      failed.push(`${rel}: ${name}`);
      // What went wrong, briefly; run the test by hand for all of it.
      console.log((r.stdout + r.stderr).split('\n').filter((l) => /not ok|error|expected|actual|Error|at .*test\.mjs/.test(l))
        .slice(0, 30).map((l) => `      ${l}`).join('\n'));
    }
  }
}
console.log(`\neach-alone: ${passed} passed, ${failed.length} failed, in ${Math.round((Date.now() - t0) / 1000)} s`);
for (const f of failed) console.log(`  failed: ${f}`);
process.exit(failed.length ? 1 : 0);
