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
    const count = (what) => Number((r.stdout.match(new RegExp(`^# ${what} (\\d+)$`, 'm')) || [])[1] || 0);
    const ran = count('pass') + count('fail');
    const ok = r.status === 0 && count('fail') === 0 && (ran === 1 || (ran === 0 && count('skipped') >= 1));
    const secs = ((Date.now() - start) / 1000).toFixed(1);
    const note = ran === 0 ? (count('skipped') ? ' (skipped by its own condition)' : ' (matched no test)') : ran > 1 ? ` (matched ${ran} tests)` : '';
    console.log(`${ok ? 'pass' : 'FAIL'}  ${rel}  ${name}  [${secs}s]${note}`);
    if (ok) passed++;
    else {
      failed.push(`${rel}: ${name}`);
      if (process.env.VERBOSE || true) console.log(r.stdout.split('\n').filter((l) => /not ok|error|expected|actual|Error|at .*test\.mjs/.test(l)).slice(0, 30).map((l) => `      ${l}`).join('\n'));
    }
  }
}
console.log(`\neach-alone: ${passed} passed, ${failed.length} failed, in ${Math.round((Date.now() - t0) / 1000)} s`);
for (const f of failed) console.log(`  failed: ${f}`);
process.exit(failed.length ? 1 : 0);
