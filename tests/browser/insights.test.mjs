// In Chromium, on a seeded two-year history (tandem seed-demo, 3000 members:
// enough that teams have weeks of at least k mentors and k mentees, the only
// team-weeks the figures are made of): an admin's
// insights with charts and the incentive's marker, the program page every
// member sees, and a mentor's own record, printable. Each passes axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, BIN } from '../lib/server.mjs';
import { launch, shot, assertAccessible, adminSignIn, menuItem } from '../lib/browser.mjs';

let srv, b;
before(async () => {
  const data = mkdtempSync(join(tmpdir(), 'tandem-insights-'));
  const env = { ...process.env, TANDEM_DATA: data, ASAN_OPTIONS: 'detect_leaks=0' };
  execFileSync(BIN, ['migrate'], { env, stdio: 'ignore' });
  execFileSync(BIN, ['seed-demo', '--members', '3000', '--mentors', '600'], { env, stdio: 'ignore' });
  srv = await startServer({}, data);
  b = await launch();
});
after(async () => { await b?.close(); await srv?.stop(); });

async function signIn(p, email, password) {
  await p.goto(srv.base + '/login');
  await p.getByLabel('Work email').fill(email);
  await p.getByLabel('Password').fill(password);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.waitForURL((u) => !u.pathname.startsWith('/login'));
}

test('insights with charts and the event marker, the program page and my record', async () => {
  srv.createAdmin('ines@example.com', 'Ines Admin', 'amber otter quietly sings');
  const admin = b.page;
  await adminSignIn(admin, srv, 'ines@example.com', 'amber otter quietly sings');
  await admin.getByRole('link', { name: 'Insights' }).click();
  await admin.getByRole('heading', { name: 'Participation rate' }).waitFor();
  // Charts are images with a name, and the incentive is marked on them.
  assert.ok(await admin.getByRole('img', { name: 'Participation rate' }).count() === 1);
  assert.ok(await admin.locator('svg.chart g.mark').count() >= 6);
  await assert.doesNotReject(admin.getByText('Mentoring time counts in performance reviews').first().waitFor());
  await admin.getByText(/participation rose from \d+ % to \d+ %; the change is larger than chance would explain/).waitFor();
  await shot(admin, '60-insights');
  await assertAccessible(admin, 'insights');
  // One team, per week.
  await admin.getByLabel('Team').selectOption('Platform');
  await admin.getByLabel('Per', { exact: true }).selectOption('week');
  await admin.getByRole('button', { name: 'Show' }).click();
  await admin.getByRole('heading', { name: 'Insights: Platform' }).waitFor();
  await shot(admin, '61-insights-team-week');
  await assertAccessible(admin, 'insights for a team');
  await admin.goto(srv.base + '/admin/events');
  await shot(admin, '62-events');
  await assertAccessible(admin, 'program events');

  const member = await b.person();
  await signIn(member, 'person1@demo.tandem.example', 'tandem demo password');
  await member.getByRole('link', { name: 'Program' }).click();
  await member.getByRole('heading', { name: 'The program' }).waitFor();
  await member.getByRole('heading', { name: 'Post-program survey for mentees' }).waitFor();
  // The seeded pulse surveys, before and after the incentive, side by side.
  await member.getByRole('heading', { name: 'Before and after: Program pulse: before the incentive → Program pulse: half a year after' }).waitFor();
  assert.equal(await member.locator('section.survey-compare table').count(), 3, 'one table per shared question');
  assert.equal(await member.getByText('Platform').count(), 0, 'no team breakdown on the program page');
  await shot(member, '63-program');
  await assertAccessible(member, 'program page');
  await (await menuItem(member, 'My record')).click();
  await member.getByRole('heading', { name: 'My mentoring record' }).waitFor();
  assert.ok(await member.locator('table.record tbody tr').count() >= 2, 'quarters in the record');
  await shot(member, '64-record');
  await assertAccessible(member, 'my record');
  // Printed: the navigation goes, the table stays.
  await member.emulateMedia({ media: 'print' });
  assert.equal(await member.locator('header.top').isVisible(), false);
  assert.equal(await member.locator('table.record').isVisible(), true);
  await shot(member, '65-record-print');
  assert.deepEqual(b.problems, []);
});
