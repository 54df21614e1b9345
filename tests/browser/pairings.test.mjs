// In Chromium (issue 17): a senior logs a pairing with someone suggested
// to them and the partner confirms it; the dashboard shows the week
// against the intention; the senior publishes office hours and a member
// books a seat; an admin plans the help-session rotation and members see
// it. Screenshots and axe on each page.
import { test, before, after } from 'node:test';
import { startServer } from '../lib/server.mjs';
import { launch, shot, assertAccessible, adminSignIn, menuItem } from '../lib/browser.mjs';

let srv, b;
before(async () => { srv = await startServer(); b = await launch(); });
after(async () => { await b?.close(); await srv?.stop(); });

async function signUp(page, email, name) {
  await page.goto(srv.base + '/signup');
  await page.getByLabel('Work email').fill(email);
  await page.getByLabel('Display name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill('amber otter quietly sings');
  await page.getByLabel('Password, again').fill('amber otter quietly sings');
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: `Hello, ${name}` }).waitFor();
}

test('log and confirm a pairing, publish office hours and book a seat, see the rotation', async () => {
  const senior = b.page;
  const junior = await b.person();

  await signUp(senior, 'sara@example.com', 'Sara Senior');
  await senior.goto(srv.base + '/profile');
  await senior.getByLabel('I mentor colleagues').check();
  await senior.getByLabel('Focus areas').fill('Observability, Go');
  await senior.getByLabel('How many mentees at once').fill('1');
  await senior.getByLabel('Pairing', { exact: true }).check();
  await senior.getByLabel('Pairings I intend a week').fill('5');
  await senior.getByRole('button', { name: 'Save profile' }).click();
  await senior.getByText('Profile saved').waitFor();

  await signUp(junior, 'jules@example.com', 'Jules Junior');
  await junior.goto(srv.base + '/profile');
  await junior.getByLabel('What you want to learn').fill('Observability');
  await junior.getByRole('button', { name: 'Save profile' }).click();
  await junior.getByText('Profile saved').waitFor();

  // The senior pairs with someone "Who could I pair with?" suggests.
  await (await menuItem(senior, 'Pairings')).click();
  await senior.locator('#suggestions').getByText('Jules Junior').waitFor();
  await shot(senior, '70-pairings-suggested');
  await assertAccessible(senior, 'pairings');
  await senior.locator('#suggestions').getByRole('link', { name: 'Log a pairing' }).click();
  await senior.getByLabel('Topic').fill('Tracing a slow checkout request');
  await senior.getByLabel('Ticket or issue (optional)').fill('https://tracker.example.com/OBS-7');
  await senior.getByLabel('Notes').fill('Found the N+1 query; Jules writes the fix.');
  await senior.getByRole('button', { name: 'Log pairing' }).click();
  await senior.getByText('Pairing logged.').waitFor();
  await senior.getByText('Waiting for the partner').waitFor();
  await shot(senior, '71-pairing-logged');

  await junior.goto(srv.base + '/pairings');
  await junior.getByRole('link', { name: /Tracing a slow checkout request/ }).waitFor();
  await junior.getByRole('button', { name: 'Confirm' }).click();
  await junior.getByText('Pairing confirmed').waitFor();
  await junior.locator('#pairings').getByText('Confirmed').waitFor();
  await shot(junior, '72-pairing-confirmed');
  await assertAccessible(junior, 'pairings after confirming');
  await junior.getByRole('link', { name: /Tracing a slow checkout request/ }).click();
  await junior.getByText('Found the N+1 query; Jules writes the fix.').waitFor();
  await assertAccessible(junior, 'a pairing');

  await senior.goto(srv.base + '/');
  await senior.getByText('This week: 1 of 5 pairings').waitFor();
  await senior.locator('svg.chart title').waitFor({ state: 'attached' });
  await shot(senior, '73-dashboard-pairing-week');
  await assertAccessible(senior, 'dashboard with the pairing card');

  // Office hours: the senior publishes, the junior books a seat.
  await (await menuItem(senior, 'Office hours')).click();
  await senior.getByLabel('Every').selectOption('4');
  await senior.getByLabel(/^At \(your time/).fill('15:30');
  await senior.getByLabel('Seats').fill('3');
  await senior.getByLabel('For how many weeks').fill('4');
  await senior.getByLabel('Topic').fill('Observability office hours');
  await senior.getByLabel('Where').fill('https://meet.example.com/obs');
  await senior.getByRole('button', { name: 'Publish' }).click();
  await senior.getByText('Office hours published: 4 occurrences').waitFor();
  await shot(senior, '74-office-hours-published');
  await assertAccessible(senior, 'office hours');

  await junior.goto(srv.base + '/office-hours');
  await junior.getByRole('button', { name: 'Book a seat' }).first().click();
  await junior.getByText('Seat booked.').waitFor();
  await junior.getByText('2 of 3 seats free.').waitFor();
  await shot(junior, '75-office-hours-booked');
  await assertAccessible(junior, 'an office hour, booked');

  await senior.goto(srv.base + '/office-hours');
  await senior.getByRole('link', { name: 'Observability office hours' }).first().click();
  await senior.locator('#guests').getByText('Jules Junior').waitFor();
  await shot(senior, '76-office-hours-host');
  await assertAccessible(senior, 'an office hour, as its host');

  // The rotation: an admin plans it; members see the coming sessions.
  const admin = await b.person();
  srv.createAdmin('ria@example.com', 'Ria Admin', 'amber otter quietly sings');
  await adminSignIn(admin, srv, 'ria@example.com', 'amber otter quietly sings');
  await admin.goto(srv.base + '/admin/rotations');
  await admin.getByLabel('Name').fill('Daily senior help');
  await admin.getByLabel('Sara Senior').check();
  await shot(admin, '77-rotation-form');
  await assertAccessible(admin, 'rotations');
  await admin.getByRole('button', { name: 'Plan rotation' }).click();
  await admin.getByText('Rotation planned.').waitFor();
  await admin.getByText('these days stay uncovered').waitFor();
  await shot(admin, '78-rotation-plan');
  await assertAccessible(admin, 'a rotation');

  await junior.goto(srv.base + '/help-sessions');
  await junior.getByText(/Daily senior help, led by Sara Senior/).first().waitFor();
  await junior.getByRole('button', { name: 'Join' }).first().click();
  await junior.getByText('You joined the help session.').waitFor();
  await shot(junior, '79-help-sessions');
  await assertAccessible(junior, 'help sessions');
});
