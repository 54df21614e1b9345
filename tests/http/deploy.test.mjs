// What an operator installs (deploy/, `make install`): the service unit is
// locked down, the production nginx site is valid and sends the same
// headers and limits as `make run` plus HSTS, and the backup timer's
// script keeps 7 daily and 4 weekly copies and never keeps one that fails
// its check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT } from '../lib/server.mjs';

const have = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

test('tandem.service is rated 2.0 or better by systemd-analyze security', { skip: !have('systemd-analyze') && 'no systemd-analyze here' }, () => {
  const r = spawnSync('systemd-analyze', ['security', '--offline=yes', join(ROOT, 'deploy', 'tandem.service')], { encoding: 'utf8' });
  const m = (r.stdout + r.stderr).match(/Overall exposure level for tandem\.service: ([\d.]+)/);
  assert.ok(m, r.stdout + r.stderr);
  assert.ok(Number(m[1]) <= 2.0, `exposure ${m[1]}`);
  const unit = readFileSync(join(ROOT, 'deploy', 'tandem.service'), 'utf8');
  for (const line of ['User=tandem', 'ProtectSystem=strict', 'ReadWritePaths=/var/lib/tandem', 'PrivateTmp=yes',
    'NoNewPrivileges=yes', 'ProtectHome=yes', 'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6',
    'SystemCallFilter=@system-service', 'MemoryDenyWriteExecute=yes', 'CapabilityBoundingSet=\n', 'Restart=on-failure']) {
    assert.ok(unit.includes(line), `tandem.service has ${line.trim()}`);
  }
});

test('make install stages a production site that nginx accepts, with TLS, HSTS and the same limits', () => {
  const dest = mkdtempSync(join(tmpdir(), 'tandem-install-'));
  try {
    execFileSync('make', ['-s', '-C', ROOT, 'install', `DESTDIR=${dest}`, 'SERVER_NAME=mentoring.example.com'], { encoding: 'utf8' });
    for (const f of ['opt/tandem/tandem', 'opt/tandem/templates', 'opt/tandem/sql', 'opt/tandem/static/app.css',
      'etc/systemd/system/tandem.service', 'etc/systemd/system/tandem-backup.timer', 'etc/logrotate.d/tandem',
      'etc/nginx/sites-available/tandem', 'etc/nginx/tandem-app.conf', 'etc/tandem/tandem.env']) {
      assert.ok(existsSync(join(dest, f)), `${f} is installed`);
    }
    const site = readFileSync(join(dest, 'etc/nginx/sites-available/tandem'), 'utf8');
    assert.match(site, /server_name mentoring\.example\.com;/);
    assert.match(site, /return 301 https:\/\/\$server_name\$request_uri;/);
    const app = readFileSync(join(dest, 'etc/nginx/tandem-app.conf'), 'utf8');
    assert.match(app, /Strict-Transport-Security "max-age=\d+; includeSubDomains" always/);
    // The same headers and limits as the development server's, from one file.
    const dev = readFileSync(join(ROOT, 'deploy', 'nginx-app.conf.in'), 'utf8');
    for (const d of dev.split('\n').filter((l) => /^(add_header|limit_conn |client_max_body_size|client_\w+_timeout)/.test(l))) {
      assert.ok(app.includes(d), `production has: ${d}`);
    }
    if (!have('nginx') || !have('openssl')) return;
    // nginx -t on the staged files, pointed at each other and at a
    // throwaway certificate.
    const cert = join(dest, 'cert.pem'), key = join(dest, 'key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=test', '-days', '1',
      '-keyout', key, '-out', cert], { stdio: 'ignore' });
    const siteFile = join(dest, 'etc/nginx/sites-available/tandem');
    writeFileSync(siteFile, site.replaceAll('/etc/nginx/', `${dest}/etc/nginx/`)
      .replace('/etc/ssl/certs/tandem.pem', cert).replace('/etc/ssl/private/tandem.key', key));
    writeFileSync(join(dest, 'etc/nginx/tandem-app.conf'), app.replaceAll('/etc/nginx/', `${dest}/etc/nginx/`)
      .replaceAll('/opt/tandem/', `${dest}/opt/tandem/`));
    const main = join(dest, 'nginx.conf');
    writeFileSync(main, `pid ${dest}/nginx.pid;\nerror_log ${dest}/error.log;\nevents {}\nhttp {\n` +
      `include /etc/nginx/mime.types;\nclient_body_temp_path ${dest}/body;\ninclude ${siteFile};\n}\n`);
    const t = spawnSync('nginx', ['-t', '-p', dest, '-e', join(dest, 'error.log'), '-c', main], { encoding: 'utf8' });
    assert.equal(t.status, 0, t.stderr);
  } finally {
    rmSync(dest, { recursive: true, force: true });
  }
});

test('the backup script keeps the newest 7 daily and 4 weekly copies, and never one that fails its check', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-backups-'));
  try {
    // A stand-in for the binary: `backup FILE` writes a file, `check FILE`
    // passes unless the file says "damaged".
    const bin = join(dir, 'fake-tandem');
    writeFileSync(bin, '#!/bin/sh\nif [ "$1" = backup ]; then echo "${FAKE_CONTENT:-db}" > "$2"; exit 0; fi\n' +
      'if [ "$1" = check ]; then ! grep -q damaged "$2"; exit $?; fi\nexit 2\n');
    chmodSync(bin, 0o755);
    const run = (day, content) => spawnSync(join(ROOT, 'deploy', 'tandem-backup.sh'), [], {
      encoding: 'utf8',
      env: { ...process.env, TANDEM_BIN: bin, TANDEM_BACKUP_DIR: join(dir, 'b'), TANDEM_BACKUP_TODAY: day, FAKE_CONTENT: content },
    });
    const start = Date.UTC(2026, 8, 1); // Tuesday 2026-09-01
    const days = [];
    for (let i = 0; i < 40; i++) {
      const day = new Date(start + i * 86400000).toISOString().slice(0, 10);
      days.push(day);
      const r = run(day, 'db');
      assert.equal(r.status, 0, r.stderr);
    }
    const names = (sub) => readdirSync(join(dir, 'b', sub)).sort();
    assert.deepEqual(names('daily'), days.slice(-7).map((d) => `tandem-${d}.db`));
    const sundays = days.filter((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 0);
    assert.deepEqual(names('weekly'), sundays.slice(-4).map((d) => `tandem-${d}.db`));
    // A backup that fails its check is not kept, and nothing older is pruned for it.
    const before = names('daily');
    const bad = run('2026-10-11', 'damaged');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /did not pass its checks/);
    assert.deepEqual(names('daily'), before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
