import { join } from 'node:path';
import { Pool } from 'undici';
import { MAX_PUSH_BATCH, PROTOCOL_HEADER, PROTOCOL_VERSION, type SignedRecord } from '@comptoir/protocol';
import { http, startCentralProcess, tempDir } from '@comptoir/testing';
import { offlineTickets } from './signed-tickets';
import { enrolRegisters, type EnrolledRegister } from './enrol-registers';
import { line, rssOf } from './stats';

/**
 * The stampede after a regional outage (issue 13 item 4): `registers` registers, each holding
 * `perRegister` offline tickets, reconnect at the same moment to one real central process. Each
 * does what a register does (packages/register/src/sync/outbox.ts, link-monitor.ts): heartbeats
 * once a second with an 800 ms deadline, and drains its backlog in batches of MAX_PUSH_BATCH, one
 * push at a time; a 429/503 with Retry-After means "come back later" (waits Retry-After + up to 50 %
 * jitter), any other failure is an error and is retried after a short jittered back-off.
 * Reported: time until every ticket is integrated, against the single-register ingest rate
 * measured first in the same run (target: within 1.5× of tickets ÷ that rate); busy answers; errors
 * (5xx other than the busy 503, network); the registers that would have switched to autonomous
 * (two heartbeats in a row failed: the register's default failuresBeforeAutonomous); central's
 * peak memory during the stampede. Exactly once is checked: central holds every ticket once.
 */
export interface StampedeResult {
  label: string;
  registers: number;
  tickets: number;
  seconds: number;
  singleRegisterTicketsPerSecond: number;
  ratioToSingle: number;
  busyAnswers: number;
  errors: number;
  heartbeatFailures: number;
  registersThatWouldFlip: number;
  centralPeakRssMb: number;
}

const DEADLINE_MS = 800;
const FAILURES_BEFORE_AUTONOMOUS = 2;

export async function benchStampede(opts: { label: string; databaseUrl?: string; registers?: number; perRegister?: number }): Promise<StampedeResult> {
  const registers = opts.registers ?? 500;
  const perRegister = opts.perRegister ?? 200;
  const dir = await tempDir('comptoir-bench-stampede-');
  const start = () => startCentralProcess({ dataDir: join(dir.path, 'central'), databaseUrl: opts.databaseUrl, name: `central-stampede-${opts.label}` });
  let central = await start();
  let pool = new Pool(central.url, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
  try {
    const creds = central.credentials();
    const admin = (await http(central.url, 'POST', '/api/auth/login', { body: creds.admin })).body.token as string;
    const products = (await http(central.url, 'GET', '/api/products?limit=200', { token: admin })).body.items;
    const make = (r: EnrolledRegister, count: number) => offlineTickets({ registerId: r.id, storeId: creds.storeId, cashierId: 'bench-cashier', privateKeyPem: r.privateKeyPem, products, count });

    const [alone] = await enrolRegisters(central, 1, 'Seule');
    const fleet = await enrolRegisters(central, registers, 'Région');
    const aloneRecords = make(alone!, 2000);
    const backlogRecords = fleet.map((r) => make(r, perRegister));
    const tickets = registers * perRegister;
    // The region's tills were enrolled long before the outage: central knows them (its presence
    // loads the fleet at start). Restarted here, so that it does, as a central running for weeks
    // would; the single-register run below then warms it up (a fresh process is not yet optimised).
    await pool.close();
    await central.handle.stop();
    central = await start();
    pool = new Pool(central.url, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
    // Each till has its own connection and its own CPU: pushes get a connection each (heartbeats
    // never queue behind them in this process), and their bodies are serialised beforehand.
    const pushPool = new Pool(central.url, { connections: registers + 1, pipelining: 1, keepAliveTimeout: 30_000 });
    const batchesOf = (records: SignedRecord[]) => {
      const out: string[] = [];
      for (let k = 0; k < records.length; k += MAX_PUSH_BATCH) out.push(JSON.stringify({ records: records.slice(k, k + MAX_PUSH_BATCH) }));
      return out;
    };

    // Baseline: one register alone drains 2,000 tickets (the single-register ingest rate).
    const t0 = performance.now();
    const aloneStats = newStats();
    await drain(pushPool, alone!.token, batchesOf(aloneRecords), aloneStats);
    const singleRate = aloneRecords.length / ((performance.now() - t0) / 1000);
    line(`stampede [${opts.label}]: one register alone, ${aloneRecords.length} tickets`, `${singleRate.toFixed(0)} tickets/s`);

    // Everyone at once: heartbeats at 1 Hz and the drain, from the same instant.
    const stats = newStats();
    let peakRss = 0;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssOf(central.handle.pid).rssMb)), 100);
    let draining = true;
    const consecutive = new Array<number>(registers).fill(0);
    const flipped = new Set<number>();
    const backlog = backlogRecords.map(batchesOf);
    const heartbeats = fleet.map(async (r, i) => {
      while (draining) {
        const started = performance.now();
        const ok = await heartbeat(pool, r.token);
        if (ok) consecutive[i] = 0;
        else {
          stats.heartbeatFailures++;
          if (++consecutive[i]! >= FAILURES_BEFORE_AUTONOMOUS) flipped.add(i);
        }
        await sleep(Math.max(0, 1000 - (performance.now() - started)));
      }
    });
    const t1 = performance.now();
    await Promise.all(fleet.map((r, i) => drain(pushPool, r.token, backlog[i]!, stats)));
    const seconds = (performance.now() - t1) / 1000;
    draining = false;
    clearInterval(sampler);
    await Promise.all(heartbeats);
    await pushPool.close();

    const held = (await http(central.url, 'GET', '/api/tickets?limit=1', { token: admin })).body.total as number;
    const expected = tickets + aloneRecords.length;
    if (held !== expected) throw new Error(`central holds ${held} tickets, expected ${expected} (exactly once)`);

    const result: StampedeResult = {
      label: opts.label,
      registers,
      tickets,
      seconds,
      singleRegisterTicketsPerSecond: singleRate,
      ratioToSingle: seconds / (tickets / singleRate),
      busyAnswers: stats.busy,
      errors: stats.errors + aloneStats.errors,
      heartbeatFailures: stats.heartbeatFailures,
      registersThatWouldFlip: flipped.size,
      centralPeakRssMb: peakRss,
    };
    printStampede(result);
    return result;
  } finally {
    await pool.close();
    await central.handle.stop();
    await dir.cleanup();
  }
}

export function printStampede(r: StampedeResult): void {
  line(
    `stampede [${r.label}]: ${r.registers} registers × ${r.tickets / r.registers} tickets at once`,
    `${r.seconds.toFixed(1)} s (${(r.tickets / r.seconds).toFixed(0)} tickets/s, ${r.ratioToSingle.toFixed(2)}× tickets ÷ single rate)`,
  );
  line(
    `  busy answers / errors / heartbeat failures / would flip`,
    `${r.busyAnswers} / ${r.errors} / ${r.heartbeatFailures} / ${r.registersThatWouldFlip}; central peak RSS ${r.centralPeakRssMb.toFixed(0)} MB`,
  );
}

type Stats = { busy: number; errors: number; heartbeatFailures: number };
const newStats = (): Stats => ({ busy: 0, errors: 0, heartbeatFailures: 0 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json', [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) });

async function heartbeat(pool: Pool, token: string): Promise<boolean> {
  const t = performance.now();
  try {
    const res = await pool.request({
      path: '/api/sync/heartbeat',
      method: 'POST',
      headers: headers(token),
      body: JSON.stringify({ mode: 'connected', pendingRecords: 1, lastSosCopyAt: null, lastSosCopyKind: null, sosChecksum: null, changeVersion: 0, autonomousSince: null, softwareVersion: '0.1.0', protocolVersion: PROTOCOL_VERSION }),
      headersTimeout: DEADLINE_MS,
      bodyTimeout: DEADLINE_MS,
    });
    await res.body.text();
    // A busy answer is central alive (the register does not count it as a link failure).
    return (res.statusCode === 200 || res.statusCode === 429 || res.statusCode === 503) && performance.now() - t <= DEADLINE_MS;
  } catch {
    return false;
  }
}

/** One register's drain: batch after batch, honouring "busy" answers as the outbox does. */
async function drain(pool: Pool, token: string, batches: string[], stats: Stats): Promise<void> {
  let failures = 0;
  for (let k = 0; k < batches.length; ) {
    let status = 0;
    let retryAfter: string | undefined;
    try {
      const res = await pool.request({ path: '/api/sync/push', method: 'POST', headers: headers(token), body: batches[k], headersTimeout: 60_000, bodyTimeout: 60_000 });
      status = res.statusCode;
      const h = res.headers['retry-after'];
      retryAfter = Array.isArray(h) ? h[0] : h;
      await res.body.text();
    } catch {
      status = 0;
    }
    if (status === 200) {
      k++;
      failures = 0;
    } else if ((status === 429 || status === 503) && retryAfter !== undefined) {
      stats.busy++;
      await sleep(Number(retryAfter) * 1000 * (1 + 0.5 * Math.random()));
    } else {
      stats.errors++;
      failures++;
      await sleep(Math.random() * Math.min(1000, 50 * 2 ** failures));
    }
  }
}
