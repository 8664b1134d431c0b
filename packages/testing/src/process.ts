// Real child processes for tests (central server, register agents), run with tsx.
// Invariants:
// - every child runs in its own process group (detached), so kill9/stop reach its whole tree,
//   the way a crash or a service manager would;
// - every live child is killed (SIGKILL) when the test process exits, even on a failed assertion;
// - the last lines of stdout+stderr are always available for failure messages.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { onProcessExit } from './exit-hooks';

const RING_LINES = 200;

export interface SpawnNodeOptions {
  /** Short label used in output and error messages (e.g. "central", "register-1"). */
  name: string;
  cwd?: string;
  /** Added to (and overriding) the parent's environment. */
  env?: Record<string, string | undefined>;
  /** Also append the raw output to this file. */
  logFile?: string;
  /** Run the script through tsx's loader (TypeScript); off for plain JavaScript such as the bundled `comptoir`. Default on. */
  typescript?: boolean;
}

export interface ChildHandle {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Exit code, or null when the child was ended by a signal. */
  readonly exited: Promise<number | null>;
  /** SIGKILL (a crash, as seen by everyone else) and wait for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM, then SIGKILL if still running after graceMs (default 5 s); waits for the exit. */
  stop(graceMs?: number): Promise<void>;
  /** The last ~200 lines of stdout and stderr, interleaved as received. */
  output(): string;
}

/** Keeps the last `max` complete lines, plus the current partial line per stream. */
class LineRing {
  private readonly lines: string[] = [];
  private readonly partial = new Map<string, string>();

  constructor(private readonly max: number) {}

  push(stream: string, chunk: string): void {
    const text = (this.partial.get(stream) ?? '') + chunk;
    const parts = text.split('\n');
    this.partial.set(stream, parts.pop() ?? '');
    for (const line of parts) this.add(stream, line);
  }

  flush(): void {
    for (const [stream, rest] of this.partial) if (rest !== '') this.add(stream, rest);
    this.partial.clear();
  }

  text(): string {
    const tails = [...this.partial].filter(([, rest]) => rest !== '').map(([s, r]) => `${s}| ${r}`);
    return [...this.lines, ...tails].join('\n');
  }

  private add(stream: string, line: string): void {
    this.lines.push(`${stream}| ${line}`);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
  }
}

const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // the whole process group
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

onProcessExit(() => {
  for (const child of live) killGroup(child, 'SIGKILL');
});

/** Runs `node --import tsx ...scriptArgs` (or `node ...scriptArgs` with `typescript: false`) as a separate process. */
export function spawnNode(scriptArgs: string[], opts: SpawnNodeOptions): ChildHandle {
  const child = spawn(process.execPath, [...(opts.typescript === false ? [] : ['--import', 'tsx']), ...scriptArgs], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (child.pid === undefined) {
    // spawn failures are reported asynchronously through 'error'; surface them synchronously here.
    throw new Error(`spawnNode(${opts.name}): could not start ${process.execPath}`);
  }
  live.add(child);
  const ring = new LineRing(RING_LINES);
  let log: WriteStream | undefined;
  if (opts.logFile) log = createWriteStream(opts.logFile, { flags: 'a' });

  for (const [label, stream] of [
    ['out', child.stdout],
    ['err', child.stderr],
  ] as const) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      ring.push(label, chunk);
      log?.write(chunk);
    });
  }

  const exited = new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      ring.push('err', `spawn error: ${err.message}\n`);
    });
    child.once('close', (code) => {
      live.delete(child);
      ring.flush();
      log?.end();
      resolve(code);
    });
  });

  const waitExit = async (): Promise<void> => {
    await exited;
  };

  return {
    name: opts.name,
    pid: child.pid,
    child,
    exited,
    async kill9() {
      killGroup(child, 'SIGKILL');
      await waitExit();
    },
    async stop(graceMs = 5000) {
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), graceMs);
      try {
        await waitExit();
      } finally {
        clearTimeout(timer);
      }
    },
    output: () => ring.text(),
  };
}

export interface WaitForHttpOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Which statuses count as ready; default: any 2xx. */
  okStatus?: number | number[] | ((status: number) => boolean);
  /** Include this child's output in the error, and fail fast if it exits. */
  child?: ChildHandle;
}

function statusOk(status: number, ok: WaitForHttpOptions['okStatus']): boolean {
  if (ok === undefined) return status >= 200 && status < 300;
  if (typeof ok === 'function') return ok(status);
  if (Array.isArray(ok)) return ok.includes(status);
  return status === ok;
}

/** Polls `url` with GET until it answers an accepted status. Throws a descriptive error on timeout. */
export async function waitForHttp(url: string, options: WaitForHttpOptions = {}): Promise<void> {
  const { timeoutMs = 15_000, intervalMs = 50, okStatus, child } = options;
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt';
  let childExit: number | null | undefined;
  let childDone = false;
  void child?.exited.then((code) => {
    childDone = true;
    childExit = code;
  });

  const fail = (why: string): Error => {
    const tail = child ? `\n--- ${child.name} (pid ${child.pid}) output ---\n${child.output()}` : '';
    return new Error(`waitForHttp ${url}: ${why} (last: ${last})${tail}`);
  };

  for (;;) {
    if (childDone) throw fail(`${child?.name} exited with ${String(childExit)} before being ready`);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw fail(`not ready after ${timeoutMs} ms`);
    // Short attempts: one stuck request must not eat the whole budget.
    const budget = Math.max(1, Math.min(remaining, 1000));
    try {
      const res = await fetch(url, {
        signal: AbortSignal.timeout(budget),
        headers: { connection: 'close' },
      });
      await res.arrayBuffer().catch(() => undefined);
      if (statusOk(res.status, okStatus)) return;
      last = `HTTP ${res.status}`;
    } catch (err) {
      if ((err as Error).name === 'TimeoutError') {
        // An attempt cut short by the overall deadline says nothing new: keep the previous reason.
        if (budget === 1000 || last === 'no attempt') last = `no answer within ${budget} ms`;
      } else {
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        last = cause?.code ?? cause?.message ?? (err as Error).message;
      }
    }
    await new Promise((r) => setTimeout(r, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
}
