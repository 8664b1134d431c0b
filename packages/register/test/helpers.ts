import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startRegisterAgent, type RegisterAgentOptions, type RunningRegister } from '../src/index';

export const silent = pino({ level: process.env.LOG_LEVEL ?? 'silent' });

export async function tmp(): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'comptoir-register-'));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export async function api(
  base: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string } = {},
): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, {
    method,
    headers,
    body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

type Falsy = false | null | undefined;

/** Polls `fn` until it returns something other than false/null/undefined (or throws no more). */
export async function eventually<T>(fn: () => T | Falsy | Promise<T | Falsy>, timeoutMs = 5000, stepMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== false && v !== undefined && v !== null) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`eventually: timed out${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, stepMs));
  }
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
