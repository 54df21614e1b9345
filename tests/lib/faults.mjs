// The fault file of test builds ($TANDEM_DATA/test-faults, read by
// app/store/faultvfs.c): what the fault tests write into it.
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './server.mjs';

/** Write one fault line ('read', 'write 2', 'stmt TEXT', …) for srv; null
 * removes it. Readable by the user a root server drops to. */
export function faultLine(srv, line) {
  const f = join(srv.data, 'test-faults');
  if (line === null) { rmSync(f, { force: true }); return; }
  writeFileSync(f, `${line}\n`);
  chmodSync(f, 0o644);
}

/** Fail every statement of srv whose SQL holds text, while it runs (null
 * ends it). */
export function stmtFault(srv, text) {
  faultLine(srv, text === null ? null : `stmt ${text}`);
}

/** A test server whose statements the test makes fail: its stop does not
 * count their failures as bugs (tests/lib/server.mjs). Sign-ins are not
 * rate-limited by nginx, so a test can make the people it needs. */
export async function faultServer(env = {}, data) {
  const srv = await startServer({ TANDEM_LOGIN_RATE: '1000r/s', TANDEM_LOGIN_BURST: '1000', ...env }, data);
  srv.statementFailuresExpected = true;
  return srv;
}
