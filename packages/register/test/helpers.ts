import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApiClient, type HttpMethod } from '@comptoir/protocol';
import { startRegisterAgent, type RegisterAgentOptions, type RunningRegister } from '../src/index';

export const silent = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

export async function tmp(): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'comptoir-register-'));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** A call to the register under test through the one API client; `raw` sends that JSON text as is (a malformed body). */
export async function api(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string } = {},
): Promise<{ status: number; body: any }> {
  const { raw, ...rest } = opts;
  const { status, body } = await createApiClient({ baseUrl: base, timeoutMs: 60_000 }).exchange(method as HttpMethod, path, raw === undefined ? rest : { ...rest, text: raw, contentType: 'application/json' });
  return { status, body: body ?? undefined };
}

export function startTestRegister(dataDir: string, centralUrl: string, extra: Partial<RegisterAgentOptions> = {}): Promise<RunningRegister> {
  return startRegisterAgent({
    dataDir,
    port: 0,
    centralUrl,
    logger: silent,
    heartbeatIntervalMs: 250,
    requestTimeoutMs: 300,
    ...extra,
  });
}

/** A cashier session on the register (the PIN is checked against its local copy). */
export async function cashierSession(
  reg: RunningRegister,
  cashier: { login: string; pin: string },
): Promise<{ token: string; cashierId: string; displayName: string }> {
  const r = await api(reg.url, 'POST', '/api/auth/login', { body: cashier });
  if (r.status !== 200) throw new Error(`cashier login failed: ${r.status} ${JSON.stringify(r.body)}`);
  return { token: r.body.token, cashierId: r.body.cashierId, displayName: r.body.displayName };
}
