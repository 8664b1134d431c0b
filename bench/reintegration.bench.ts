import { join } from 'node:path';
import { http, startCentralProcess, tempDir } from '@comptoir/testing';
import { MAX_PUSH_BATCH, type SignedRecord } from '@comptoir/protocol';
import { generateSigningKeyPair, offlineTickets } from './signed-tickets';
import { fmt, line, rssOf, summarize } from './stats';

export interface ReintegrationResult {
  database: string;
  tickets: number;
  ticketsPerSecond: number;
  batch: ReturnType<typeof summarize>;
  naiveTicketsPerSecond: number;
  naive: ReturnType<typeof summarize>;
  centralPeakRssMb: number;
}

/**
 * Reintegration after an outage: `registers` registers each push `perRegister` offline tickets to a
 * real central server process, in batches of MAX_PUSH_BATCH (what the register agent does), all
 * registers at once. Baseline in the same run: the naive way, one request per ticket, on fresh
 * registers of the same central server.
 */
export async function benchReintegration(opts: { databaseUrl?: string; label: string; registers?: number; perRegister?: number; naivePerRegister?: number }): Promise<ReintegrationResult> {
  const registers = opts.registers ?? 5;
  const perRegister = opts.perRegister ?? 2000;
  const naivePerRegister = opts.naivePerRegister ?? 200;
  const dir = await tempDir('comptoir-bench-');
  const central = await startCentralProcess({ dataDir: join(dir.path, 'central'), databaseUrl: opts.databaseUrl, name: `central-${opts.label}` });
  try {
    const creds = central.credentials();
    const admin = (await http(central.url, 'POST', '/api/auth/login', { body: creds.admin })).body.token as string;
    const products = (await http(central.url, 'GET', '/api/products?limit=200', { token: admin })).body.items;

    const enrolMany = async (n: number, prefix: string) => {
      const out: { id: string; token: string; privateKeyPem: string }[] = [];
      for (let i = 0; i < n; i++) {
        const created = await http(central.url, 'POST', '/api/registers', { token: admin, body: { name: `${prefix} ${i + 1}` } });
        const keys = generateSigningKeyPair();
        const enrolled = await http(central.url, 'POST', '/api/registers/enrol', { body: { enrolCode: created.body.enrolCode, publicKeyPem: keys.publicKeyPem } });
        if (enrolled.status !== 200 && enrolled.status !== 201) throw new Error(`enrol: ${JSON.stringify(enrolled.body)}`);
        out.push({ id: created.body.id, token: enrolled.body.token, privateKeyPem: keys.privateKeyPem });
      }
      return out;
    };
    const make = (r: { id: string; privateKeyPem: string }, count: number) =>
      offlineTickets({ registerId: r.id, storeId: creds.storeId, cashierId: 'bench-cashier', privateKeyPem: r.privateKeyPem, products, count });
    const push = async (token: string, records: SignedRecord[]) => {
      const t = performance.now();
      const res = await http(central.url, 'POST', '/api/sync/push', { token, body: { records }, timeoutMs: 60_000 });
      if (res.status !== 200) throw new Error(`push: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
      return performance.now() - t;
    };

    // Phase 1: batched, all registers in parallel (the measured path).
    const batched = await enrolMany(registers, 'Bench');
    const batchedRecords = batched.map((r) => make(r, perRegister));
    const batchTimes: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      batched.map(async (r, i) => {
        const records = batchedRecords[i]!;
        for (let k = 0; k < records.length; k += MAX_PUSH_BATCH) batchTimes.push(await push(r.token, records.slice(k, k + MAX_PUSH_BATCH)));
      }),
    );
    const batchedSeconds = (performance.now() - t0) / 1000;
    const peakAfterBatched = rssOf(central.handle.pid).peakMb;

    // Phase 2: naive baseline, one request per ticket, same server, fresh registers.
    const naive = await enrolMany(registers, 'Naive');
    const naiveRecords = naive.map((r) => make(r, naivePerRegister));
    const naiveTimes: number[] = [];
    const t1 = performance.now();
    await Promise.all(
      naive.map(async (r, i) => {
        for (const rec of naiveRecords[i]!) naiveTimes.push(await push(r.token, [rec]));
      }),
    );
    const naiveSeconds = (performance.now() - t1) / 1000;

    // Exactly once, checked: the central server holds every ticket pushed.
    const total = (await http(central.url, 'GET', '/api/tickets?limit=1', { token: admin })).body.total;
    const expected = registers * (perRegister + naivePerRegister);
    if (total !== expected) throw new Error(`central holds ${total} tickets, expected ${expected}`);

    return {
      database: opts.label,
      tickets: registers * perRegister,
      ticketsPerSecond: (registers * perRegister) / batchedSeconds,
      batch: summarize(batchTimes),
      naiveTicketsPerSecond: (registers * naivePerRegister) / naiveSeconds,
      naive: summarize(naiveTimes),
      centralPeakRssMb: peakAfterBatched,
    };
  } finally {
    await central.handle.stop();
    await dir.cleanup();
  }
}

export function printReintegration(r: ReintegrationResult): void {
  line(`reintegration ${r.database}: ${r.tickets} tickets, batches of ${MAX_PUSH_BATCH}`, `${r.ticketsPerSecond.toFixed(0)} tickets/s`);
  line(`  push of one batch`, `p50 ${fmt(r.batch.p50)}  p99 ${fmt(r.batch.p99)}`);
  line(`  naive baseline (one request per ticket)`, `${r.naiveTicketsPerSecond.toFixed(0)} tickets/s (p50 ${fmt(r.naive.p50)}, p99 ${fmt(r.naive.p99)})`);
  line(`  ratio batched / naive`, `${(r.ticketsPerSecond / r.naiveTicketsPerSecond).toFixed(1)}×`);
  line(`  central server peak resident memory`, `${r.centralPeakRssMb.toFixed(0)} MB`);
}
