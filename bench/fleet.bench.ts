import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Pool } from 'undici';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '@comptoir/protocol';
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { promSample, scrapeMetrics, startCentralProcess, tempDir, type CentralProcess } from '@comptoir/testing';
import { enrolRegisters } from './enrol-registers';
import { line, rssOf, summarize } from './stats';

/**
 * Fleet scale (issue 13): N simulated registers, enrolled through the API, each send the heartbeat a
 * register sends (its real body) once a second with the 800 ms deadline a register gives it, to a
 * real central process on this machine (which shares its 2 cores with this load generator).
 * Registers are spread evenly over each second, as unsynchronised tills are. For each level: the
 * heartbeats answered per second, p50/p99 latency, failures (> 800 ms, refused or error), the
 * central's CPU (% of one core) and memory. Baseline in the same run: the same central started with
 * `--presence off` (every heartbeat reads and writes the database: the code before issue 13) on
 * the same database and registers.
 */
export interface FleetLevel {
  presence: 'on' | 'off';
  registers: number;
  answeredPerSecond: number;
  p50: number;
  p99: number;
  failedPercent: number;
  centralCpuPercent: number;
  centralRssMb: number;
  /** This process's own CPU (the simulated registers): past ~90 % the generator, not central, is the limit. */
  generatorCpuPercent: number;
  /** Central's longest event-loop stall in the window (what a p99 far above the p50 usually is). */
  centralLoopLagMaxMs: number;
  /** Central's garbage collection, ms per second of the window. */
  centralGcMsPerSecond: number;
  /**
   * Central's own time for the window's heartbeats (Fastify's elapsed time, request parsed to answer
   * sent: its `comptoir_http_request_duration_seconds` histogram): the smallest bucket bound that
   * holds 99 % of them, and the share over the p99 target. What the client sees beyond this is spent
   * outside the handler: in central's accept/parse queue (its loop stall), the kernel, or the generator.
   */
  centralP99BucketMs: number;
  centralOverTargetPercent: number;
  /** The load generator's own worst event-loop stall in the window: a late timer or a late read inflates the client's latency. */
  generatorLoopLagMaxMs: number;
}

const DEADLINE_MS = 800;
const TARGET_P99_MS = 100;

export async function benchFleet(opts: { label: string; databaseUrl?: string; levels: number[]; seconds?: number; warmupSeconds?: number }): Promise<FleetLevel[]> {
  const seconds = opts.seconds ?? 15;
  // Long enough for the first contact of the level's new tills (one read, one write each) to settle: the figures are the steady state.
  const warmup = opts.warmupSeconds ?? 8;
  const dir = await tempDir('comptoir-bench-fleet-');
  const dataDir = join(dir.path, 'central');
  // Central's own view of the window (event-loop lag, GC), from its Prometheus metrics.
  const metricsToken = randomBytes(24).toString('hex');
  const start = (presence: 'on' | 'off') =>
    startCentralProcess({ dataDir, databaseUrl: opts.databaseUrl, name: `central-${opts.label}-${presence}`, env: { COMPTOIR_PRESENCE: presence, COMPTOIR_METRICS_TOKEN: metricsToken } });
  let central: CentralProcess = await start('on');
  const results: FleetLevel[] = [];
  try {
    const most = Math.max(...opts.levels);
    const t0 = performance.now();
    const tokens = (await enrolRegisters(central, most, 'Flotte', { sharedKey: true })).map((r) => r.token);
    line(`fleet [${opts.label}]: ${most} registers enrolled through the API`, `${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const presence of ['off', 'on'] as const) {
      if (presence === 'off') {
        await central.handle.stop();
        central = await start('off');
      } else {
        await central.handle.stop();
        central = await start('on');
      }
      for (const n of opts.levels) {
        const r = await load(central, tokens.slice(0, n), seconds, warmup, metricsToken);
        const level: FleetLevel = { presence, registers: n, ...r };
        results.push(level);
        printLevel(opts.label, level);
        // Past the ceiling: more tills only add failures.
        if (r.failedPercent > 5) break;
      }
    }
  } finally {
    await central.handle.stop();
    await dir.cleanup();
  }
  const ceiling = (p: 'on' | 'off') => Math.max(0, ...results.filter((r) => r.presence === p && r.failedPercent === 0 && r.p99 <= TARGET_P99_MS).map((r) => r.registers));
  const on = ceiling('on');
  const off = ceiling('off');
  line(`fleet [${opts.label}]: most registers with 0 failures and p99 ≤ ${TARGET_P99_MS} ms`, `presence on ${on}, off ${off}${off > 0 ? ` (× ${(on / off).toFixed(1)})` : ''}`);
  return results;
}

function printLevel(label: string, r: FleetLevel): void {
  line(
    `fleet [${label}] presence ${r.presence.padEnd(3)} ${String(r.registers).padStart(5)} tills at 1 Hz`,
    `${r.answeredPerSecond.toFixed(0)}/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms, failed ${r.failedPercent.toFixed(2)} %, central CPU ${r.centralCpuPercent.toFixed(0)} %, RSS ${r.centralRssMb.toFixed(0)} MB, generator CPU ${r.generatorCpuPercent.toFixed(0)} %, central loop stall max ${r.centralLoopLagMaxMs.toFixed(0)} ms, GC ${r.centralGcMsPerSecond.toFixed(0)} ms/s, central's own p99 ≤ ${r.centralP99BucketMs} ms (${r.centralOverTargetPercent.toFixed(2)} % over ${TARGET_P99_MS} ms), generator loop stall max ${r.generatorLoopLagMaxMs.toFixed(0)} ms`,
  );
}

/** Heartbeats of `tokens.length` registers at 1 Hz for warmup + seconds; measures the last `seconds`. */
async function load(central: CentralProcess, tokens: string[], seconds: number, warmup: number, metricsToken: string): Promise<Omit<FleetLevel, 'presence' | 'registers'>> {
  const pool = new Pool(central.url, { connections: 256, pipelining: 1, keepAliveTimeout: 30_000 });
  const body = JSON.stringify({
    mode: 'connected',
    pendingRecords: 0,
    lastSosCopyAt: '2026-12-02T05:00:00.000Z',
    lastSosCopyKind: 'scheduled',
    sosChecksum: 'c0ffee',
    changeVersion: 1,
    autonomousSince: null,
    sosCounts: { products: 120, customers: 40 },
    nextSosCopyAt: '2026-12-03T05:00:00.000Z',
    softwareVersion: '0.1.0',
    protocolVersion: PROTOCOL_VERSION,
  });
  const n = tokens.length;
  const begin = performance.now() + 200;
  const measureFrom = begin + warmup * 1000;
  const end = measureFrom + seconds * 1000;
  const latencies: number[] = [];
  let failed = 0;
  let sent = 0;
  const beat = async (token: string) => {
    const t = performance.now();
    const measured = t >= measureFrom && t < end;
    let ok = false;
    try {
      const res = await pool.request({
        path: '/api/sync/heartbeat',
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
        body,
        // The register's deadline (cheaper than an AbortSignal per request; the total is checked below).
        headersTimeout: DEADLINE_MS,
        bodyTimeout: DEADLINE_MS,
      });
      await res.body.text();
      ok = res.statusCode === 200 && performance.now() - t <= DEADLINE_MS;
    } catch {
      ok = false;
    }
    if (!measured) return;
    sent++;
    if (ok) latencies.push(performance.now() - t);
    else failed++;
  };
  // One chain of timers per register, at its own offset in the second (a register heartbeats on its own clock).
  const chains = tokens.map(
    (token, i) =>
      new Promise<void>((done) => {
        let k = 0;
        const fire = () => {
          const at = begin + (i / n) * 1000 + k * 1000;
          if (at >= end) return done();
          setTimeout(() => {
            void beat(token);
            k++;
            fire();
          }, Math.max(0, at - performance.now()));
        };
        fire();
      }),
  );
  let cpuStart = 0;
  let ownStart = process.cpuUsage();
  let gcStart = 0;
  let served0 = new Map<string, number>();
  const ownLag = monitorEventLoopDelay({ resolution: 10 });
  const cpuAt = setTimeout(() => {
    cpuStart = cpuMs(central.handle.pid);
    ownStart = process.cpuUsage();
    ownLag.enable();
    // A scrape resets the event-loop lag histogram (prom-client): the next one covers the window.
    void scrapeMetrics(central.url, metricsToken).then(
      (t) => {
        gcStart = gcSeconds(t);
        served0 = heartbeatBuckets(t);
      },
      () => undefined,
    );
  }, measureFrom - performance.now());
  await Promise.all(chains);
  clearTimeout(cpuAt);
  ownLag.disable();
  const cpu = cpuMs(central.handle.pid) - cpuStart;
  const own = process.cpuUsage(ownStart);
  // A central past its ceiling may not answer the scrape in time: its own figures are then unknown (NaN), the client's still stand.
  const metrics = await scrapeMetrics(central.url, metricsToken).catch(() => '');
  // Let the last heartbeats come back (their deadline).
  await new Promise((r) => setTimeout(r, DEADLINE_MS + 100));
  const rss = rssOf(central.handle.pid);
  await pool.close();
  const s = summarize(latencies);
  const served = heartbeatBuckets(metrics);
  const inWindow = (le: string) => (served.get(le) ?? 0) - (served0.get(le) ?? 0);
  const total = inWindow('+Inf');
  const bounds = [...served.keys()].filter((le) => le !== '+Inf').map(Number).sort((a, b) => a - b);
  const p99Bound = bounds.find((le) => inWindow(String(le)) >= 0.99 * total);
  return {
    answeredPerSecond: latencies.length / seconds,
    p50: s.p50,
    p99: s.p99,
    failedPercent: sent ? (100 * failed) / sent : 100,
    centralCpuPercent: (100 * cpu) / (seconds * 1000),
    centralRssMb: rss.rssMb,
    generatorCpuPercent: (100 * (own.user + own.system)) / 1000 / (seconds * 1000),
    centralLoopLagMaxMs: 1000 * (promSample(metrics, 'comptoir_nodejs_eventloop_lag_max_seconds') ?? NaN),
    centralGcMsPerSecond: (1000 * (gcSeconds(metrics) - gcStart)) / seconds,
    centralP99BucketMs: !total ? NaN : p99Bound === undefined ? Infinity : p99Bound * 1000,
    centralOverTargetPercent: total ? (100 * (total - inWindow(String(TARGET_P99_MS / 1000)))) / total : NaN,
    generatorLoopLagMaxMs: ownLag.max / 1e6,
  };
}

/** Central's answered heartbeats so far, by histogram bucket bound (`le`, seconds as written, '+Inf'): cumulative counts. */
function heartbeatBuckets(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^comptoir_http_request_duration_seconds_bucket\{([^}]*)\} (\S+)$/gm)) {
    const labels = m[1]!;
    if (!labels.includes('route="/api/sync/heartbeat"') || !labels.includes('status_code="200"')) continue;
    const le = /le="([^"]+)"/.exec(labels)?.[1];
    if (le) out.set(le, (out.get(le) ?? 0) + Number(m[2]));
  }
  return out;
}

/** Total GC time so far (every kind), seconds. */
function gcSeconds(text: string): number {
  return ['minor', 'major', 'incremental', 'weakcb'].reduce((sum, kind) => sum + (promSample(text, 'comptoir_nodejs_gc_duration_seconds_sum', { kind }) ?? 0), 0);
}

/** CPU time (user + system) of a process so far, ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  // utime and stime are fields 14 and 15 of /proc/PID/stat (here 12 and 13 after the command name).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
