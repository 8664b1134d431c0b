import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createApiClient, type HttpMethod } from '@comptoir/protocol';
import { freePort } from './ports';
import { spawnNode, waitForHttp, type ChildHandle, type SpawnNodeOptions } from './process';

/**
 * The real `comptoir` command, run in its own process exactly as a user runs it: the bundle made by
 * `npm run build` (scripts/run-tests.mjs rebuilds it before every run, so it is never stale).
 */
export const COMPTOIR_BIN = createRequire(import.meta.url).resolve('@comptoir/cli/bin/comptoir.js');

/** Runs `comptoir ...args` in its own process (plain Node, no TypeScript loader, as on a till). */
export function spawnComptoir(args: string[], opts: Omit<SpawnNodeOptions, 'typescript'>): ChildHandle {
  return spawnNode([COMPTOIR_BIN, ...args], { ...opts, typescript: false });
}

/** Runs the real `comptoir ...args` to its end (a one-shot command: verify, backup, service…): its exit code and output. */
export function runComptoir(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COMPTOIR_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

/** The demo manager at the registers (docs/architecture.md §8: login `gerant`, PIN `9999`): approves at the till. */
export const DEMO_MANAGER_AT_TILL = { login: 'gerant', pin: '9999' } as const;

export interface Credentials {
  admin: { username: string; password: string };
  /** The demo store's manager in the back office (docs/architecture.md §8; also `gerant`/`9999` at the registers). */
  manager: { username: string; password: string };
  cashier: { login: string; pin: string };
  storeId: string;
}

export interface CentralProcess {
  url: string;
  port: number;
  dataDir: string;
  handle: ChildHandle;
  credentials(): Credentials;
  /** Starts the same central server again (same data, same port) after a stop or a kill -9. */
  restart(): Promise<void>;
}

export async function startCentralProcess(opts: {
  dataDir: string;
  port?: number;
  databaseUrl?: string;
  seed?: boolean;
  name?: string;
  /** Extra environment of the central process (e.g. COMPTOIR_METRICS_TOKEN). */
  env?: Record<string, string>;
}): Promise<CentralProcess> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const args = ['central', '--data', opts.dataDir, '--port', String(port)];
  if (opts.databaseUrl) args.push('--database-url', opts.databaseUrl);
  if (opts.seed ?? true) args.push('--seed', 'demo');
  const spawnIt = async () => {
    const handle = spawnComptoir(args, { name: opts.name ?? 'central', env: { COMPTOIR_LOG_LEVEL: 'warn', ...opts.env } });
    await waitForHttp(`${url}/api/health`, { child: handle, timeoutMs: 30_000 });
    return handle;
  };
  const central: CentralProcess = {
    url,
    port,
    dataDir: opts.dataDir,
    handle: await spawnIt(),
    credentials: () => JSON.parse(readFileSync(join(opts.dataDir, 'credentials.json'), 'utf8')) as Credentials,
    async restart() {
      central.handle = await spawnIt();
    },
  };
  return central;
}

export interface RegisterProcess {
  url: string;
  port: number;
  dataDir: string;
  handle: ChildHandle;
  restart(opts?: { centralUrl?: string }): Promise<void>;
}

export async function startRegisterProcess(opts: {
  dataDir: string;
  centralUrl: string;
  enrolCode?: string;
  port?: number;
  heartbeatMs?: number;
  /** Extra environment of the register process (e.g. NODE_OPTIONS, as a till's launcher sets it). */
  env?: Record<string, string>;
  name?: string;
}): Promise<RegisterProcess> {
  const port = opts.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const spawnIt = async (centralUrl: string, enrolCode?: string) => {
    const args = ['register', '--data', opts.dataDir, '--central', centralUrl, '--port', String(port)];
    if (enrolCode) args.push('--enrol', enrolCode);
    if (opts.heartbeatMs) args.push('--heartbeat-ms', String(opts.heartbeatMs));
    const handle = spawnComptoir(args, { name: opts.name ?? 'register', env: { COMPTOIR_LOG_LEVEL: 'warn', ...opts.env } });
    await waitForHttp(`${url}/api/status`, { child: handle, timeoutMs: 30_000 });
    return handle;
  };
  let centralUrl = opts.centralUrl;
  const register: RegisterProcess = {
    url,
    port,
    dataDir: opts.dataDir,
    handle: await spawnIt(centralUrl, opts.enrolCode),
    async restart(r = {}) {
      centralUrl = r.centralUrl ?? centralUrl;
      register.handle = await spawnIt(centralUrl);
    },
  };
  return register;
}

/**
 * The tests' JSON calls, through the one API client (`@comptoir/protocol`): status and body (parsed
 * JSON, else the text, null when empty), never a throw on 4xx/5xx; an ApiError (status 0) when
 * nobody answers.
 */
export async function http<T = any>(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<{ status: number; body: T }> {
  const { status, body } = await createApiClient({ baseUrl: base, timeoutMs: 10_000 }).exchange<T>(method as HttpMethod, path, opts);
  return { status, body };
}

/** Polls `check` until it returns a truthy value; throws with `what` after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined | null | false>, timeoutMs = 15_000, intervalMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
