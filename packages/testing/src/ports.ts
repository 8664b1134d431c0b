// Test TCP ports (docs/architecture.md §12 "Ports").
// Invariant: under scripts/run-tests.mjs, a port freePort() answers was bindable on 127.0.0.1 a moment
// ago, lies in the range the runner handed this file (COMPTOIR_TEST_PORT_BASE, COMPTOIR_TEST_PORT_COUNT),
// and is answered once: no other file of the run, nor a runner beside this one (each claims its ranges
// by holding the range's first port), is handed it, and the kernel never gives it to a `listen(0)` or
// an outgoing connection (the pool lies below its ephemeral range). So a central or register that
// binds it later, or binds it again after a restart, cannot find another process there.
// Outside the runner (a lone `node --test FILE`) freePort() asks the kernel for an ephemeral port,
// which nothing reserves: a caller that binds later can still lose a race with another process.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

export const PORT_BASE_VAR = 'COMPTOIR_TEST_PORT_BASE';
export const PORT_COUNT_VAR = 'COMPTOIR_TEST_PORT_COUNT';

/** Where the runner cuts its ranges: from `first` up to the kernel's ephemeral range, `size` ports each. */
export const PORT_POOL = { first: 20_000, size: 200 } as const;

/** Ports base, base + 1, … base + count - 1. */
export interface PortRange {
  base: number;
  count: number;
}

/** A server listening on 127.0.0.1:port (0: a port the kernel picks), or null when the port is taken. */
function bind(port: number): Promise<Server | null> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' || e.code === 'EACCES' ? resolve(null) : reject(e)));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => server.close((e) => (e ? reject(e) : resolve())));
}

function portOf(server: Server): number {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('freePort: server has no TCP address');
  return address.port;
}

/** The first port of the kernel's ephemeral range (Linux: /proc; 32768, Linux's default, elsewhere). */
export function ephemeralFirst(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > 0 ? first : 32_768;
  } catch {
    return 32_768;
  }
}

/** This process's range, from the variables the runner sets; undefined outside the runner. */
export function jobPortRange(env: NodeJS.ProcessEnv = process.env): PortRange | undefined {
  if (env[PORT_BASE_VAR] === undefined) return undefined;
  const base = Number(env[PORT_BASE_VAR]);
  const count = Number(env[PORT_COUNT_VAR]);
  if (!Number.isInteger(base) || !Number.isInteger(count) || base < 1 || count < 1 || base + count > 65_536) {
    throw new Error(`${PORT_BASE_VAR}=${env[PORT_BASE_VAR]} ${PORT_COUNT_VAR}=${env[PORT_COUNT_VAR]}: not a range of TCP ports`);
  }
  return { base, count };
}

/** The next port of this process's range to try (ports below it were handed out or busy). */
let cursor: { range: string; next: number } | undefined;

/**
 * A port for a server a test is about to start: the next bindable one of this file's range under the
 * runner (busy ones skipped, none answered twice), else one the kernel picks (see the invariant above).
 */
export async function freePort(): Promise<number> {
  const range = jobPortRange();
  if (range === undefined) {
    const server = await bind(0);
    if (server === null) throw new Error('freePort: the kernel has no ephemeral port left');
    const port = portOf(server);
    await close(server);
    return port;
  }
  const key = `${range.base}+${range.count}`;
  if (cursor?.range !== key) cursor = { range: key, next: range.base };
  while (cursor.next < range.base + range.count) {
    const port = cursor.next++;
    const server = await bind(port);
    if (server === null) continue;
    await close(server);
    return port;
  }
  throw new Error(`freePort: the ${range.count} ports of this file's range (${range.base}–${range.base + range.count - 1}) are all handed out or busy`);
}

/**
 * The runner's side: claims ranges of PORT_POOL for the files it starts. A range is claimed by listening
 * on its first port until released (so a runner beside this one, or one of its ranges, skips it: the
 * kernel arbitrates); the file gets the ports after it. Claims go round the pool from a random slot, so
 * a range just released is the last one taken again.
 */
export class PortRanges {
  private readonly slots: number;
  private next: number;

  constructor(private readonly pool: { first: number; size: number } = PORT_POOL) {
    this.slots = Math.floor((Math.min(ephemeralFirst(), 65_536) - pool.first) / pool.size);
    if (this.slots < 1) throw new Error(`no room for test port ranges between ${pool.first} and the ephemeral range (${ephemeralFirst()})`);
    this.next = Math.floor(Math.random() * this.slots);
  }

  async claim(): Promise<{ range: PortRange; env: Record<string, string>; release: () => Promise<void> }> {
    const start = this.next; // claims run at once: each goes round from where it started
    for (let i = 0; i < this.slots; i++) {
      const slot = (start + i) % this.slots;
      const first = this.pool.first + slot * this.pool.size;
      const held = await bind(first);
      if (held === null) continue;
      this.next = slot + 1;
      const range = { base: first + 1, count: this.pool.size - 1 };
      return { range, env: { [PORT_BASE_VAR]: String(range.base), [PORT_COUNT_VAR]: String(range.count) }, release: () => close(held) };
    }
    throw new Error(`every test port range from ${this.pool.first} (${this.slots} of ${this.pool.size}) is claimed`);
  }
}
