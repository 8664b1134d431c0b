import { join } from 'node:path';
import pg from 'pg';
import { http, startCentralProcess, tempDir, type PostgresServer } from '@comptoir/testing';
import { MAX_PUSH_BATCH, type SignedRecord } from '@comptoir/protocol';
import { postgresKysely } from '@comptoir/db';
import { createMonthPartitions } from '../packages/central/src/db/month-partitions';
import { enrolRegisters } from './enrol-registers';
import { offlineTickets } from './signed-tickets';
import { fmt, line, summarize } from './stats';

/**
 * Six years of tickets on PostgreSQL (issue 13 item 6): `tickets` tickets already stored — each with
 * 2 lines, 1 payment, 1 VAT line and its `records` row, spread evenly over the 72 months up to now,
 * from 20 registers of the seeded store — generated inside PostgreSQL with generate_series (not
 * pushed one by one). Then, through the real HTTP API of a real central process:
 *  - ingest: 5 fresh registers push 2,000 signed tickets each, in batches of MAX_PUSH_BATCH, at once;
 *  - the back office's documents page (GET /api/documents, what its screen asks: the store, 50 a
 *    page, bounded total), first page, a month's page (from/to), and page 20 by cursor; and, in the
 *    same run, what it asked before keyset pages: the first page with an exact total
 *    (`exactTotal=true`) and page 20 by offset; `rounds` times each.
 * The same in one run on a database of the same data WITHOUT partitioning (the baseline): the same
 * migrations, then the five tables replaced by plain tables of the same columns and indexes.
 */
export interface PartitionsResult {
  label: string;
  tickets: number;
  generateSeconds: number;
  ingestTicketsPerSecond: number;
  ingestBatch: ReturnType<typeof summarize>;
  firstPage: ReturnType<typeof summarize>;
  /** The first page with `exactTotal=true`: the exact count the page made before keyset pages. */
  firstPageExact: ReturnType<typeof summarize>;
  monthPage: ReturnType<typeof summarize>;
  /** Page 20 by the cursor of page 19 (what the screen asks). */
  page20: ReturnType<typeof summarize>;
  /** Page 20 by offset 950 (what it asked before). */
  page20Offset: ReturnType<typeof summarize>;
  databaseMb: number;
}

const TABLES = ['records', 'tickets', 'ticket_lines', 'ticket_payments', 'ticket_vat'] as const;
const MONTHS = 72;
const REGISTERS = 20;

export async function benchPartitions(server: PostgresServer, opts: { tickets: number; partitioned: boolean; rounds?: number }): Promise<PartitionsResult> {
  const label = opts.partitioned ? 'partitioned by month' : 'not partitioned (baseline)';
  const rounds = opts.rounds ?? 40;
  const url = await server.createDatabase(`bench_partitions_${opts.partitioned ? 'p' : 'flat'}_${Date.now()}`);
  const dir = await tempDir('comptoir-bench-partitions-');
  // First start: migrations (0022 partitions the tables) and the demo seed; then stopped while the data is made.
  const central = await startCentralProcess({ dataDir: join(dir.path, 'central'), databaseUrl: url, name: `central-partitions-${opts.partitioned ? 'p' : 'flat'}` });
  const db = new pg.Client({ connectionString: url });
  try {
    const storeId = central.credentials().storeId;
    await central.handle.stop();
    await db.connect();
    if (opts.partitioned) await monthsAhead(url);
    else await unpartition(db);
    const t0 = performance.now();
    await generate(db, storeId, opts.tickets);
    const generateSeconds = (performance.now() - t0) / 1000;
    const size = await db.query<{ mb: string }>('SELECT pg_database_size(current_database()) / 1048576 AS mb');
    await central.restart();

    const creds = central.credentials();
    const admin = (await http(central.url, 'POST', '/api/auth/login', { body: creds.admin })).body.token as string;
    const products = (await http(central.url, 'GET', '/api/products?limit=200', { token: admin })).body.items;

    // The documents page: the store's newest 50, a month's first 50 (a year ago), page 20.
    const get = async (query: string) => {
      const res = await http(central.url, 'GET', `/api/documents?storeId=${storeId}&limit=50&${query}`, { token: admin, timeoutMs: 120_000 });
      if (res.status !== 200 || res.body.items.length !== 50) throw new Error(`documents ${query}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      return res.body as { nextCursor: string | null; items: { number: number }[] };
    };
    const page = async (query: string) => {
      const t = performance.now();
      await get(query);
      return performance.now() - t;
    };
    let cursor20 = '';
    for (let p = 1; p < 20; p++) cursor20 = (await get(cursor20 ? `cursor=${cursor20}` : 'offset=0')).nextCursor ?? '';
    const byCursor = await get(`cursor=${cursor20}`);
    const byOffset = await get('offset=950');
    if (JSON.stringify(byCursor.items) !== JSON.stringify(byOffset.items)) throw new Error('page 20 by cursor differs from page 20 by offset');
    const yearAgo = new Date(Date.now() - 365 * 86400_000);
    const monthStart = `${yearAgo.toISOString().slice(0, 7)}-01`;
    const monthEnd = new Date(Date.UTC(yearAgo.getUTCFullYear(), yearAgo.getUTCMonth() + 1, 0)).toISOString().slice(0, 10);
    const times = { first: [] as number[], firstExact: [] as number[], month: [] as number[], page20: [] as number[], page20Offset: [] as number[] };
    for (let i = 0; i < 3; i++) await page('offset=0'); // warm-up (plans, caches)
    for (let i = 0; i < rounds; i++) {
      times.first.push(await page('offset=0'));
      times.firstExact.push(await page('offset=0&exactTotal=true'));
      times.month.push(await page(`from=${monthStart}&to=${monthEnd}&offset=0`));
      times.page20.push(await page(`cursor=${cursor20}`));
      times.page20Offset.push(await page('offset=950'));
    }

    // Ingest through the API, tickets of today (the current month's partition).
    const registers = await enrolRegisters(central, 5, 'Bench partitions');
    const records = registers.map((r) => offlineTickets({ registerId: r.id, storeId, cashierId: 'bench-cashier', privateKeyPem: r.privateKeyPem, products, count: 2000 }));
    const batchTimes: number[] = [];
    const t1 = performance.now();
    await Promise.all(
      registers.map(async (r, i) => {
        const mine: SignedRecord[] = records[i]!;
        for (let k = 0; k < mine.length; k += MAX_PUSH_BATCH) {
          const t = performance.now();
          const res = await http(central.url, 'POST', '/api/sync/push', { token: r.token, body: { records: mine.slice(k, k + MAX_PUSH_BATCH) }, timeoutMs: 120_000 });
          if (res.status !== 200) throw new Error(`push: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
          batchTimes.push(performance.now() - t);
        }
      }),
    );
    const ingestSeconds = (performance.now() - t1) / 1000;
    const held = await db.query<{ n: string }>('SELECT count(*) AS n FROM tickets');
    const expected = opts.tickets + 5 * 2000;
    if (Number(held.rows[0]!.n) < expected) throw new Error(`central holds ${held.rows[0]!.n} tickets, expected at least ${expected}`);

    return {
      label,
      tickets: opts.tickets,
      generateSeconds,
      ingestTicketsPerSecond: (5 * 2000) / ingestSeconds,
      ingestBatch: summarize(batchTimes),
      firstPage: summarize(times.first),
      firstPageExact: summarize(times.firstExact),
      monthPage: summarize(times.month),
      page20: summarize(times.page20),
      page20Offset: summarize(times.page20Offset),
      databaseMb: Number(size.rows[0]!.mb),
    };
  } finally {
    await db.end().catch(() => undefined);
    await central.handle.stop();
    await dir.cleanup();
  }
}

/** The 72 months' partitions, made as the ingest makes a month it meets (db/month-partitions.ts). */
async function monthsAhead(url: string): Promise<void> {
  const { db } = postgresKysely(url);
  const now = new Date();
  const months = Array.from({ length: MONTHS }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7));
  try {
    await db.transaction().execute((trx) => createMonthPartitions(trx, months));
  } finally {
    await db.destroy();
  }
}

/** The baseline: each partitioned table replaced by a plain one with the same columns, keys and indexes. */
async function unpartition(db: pg.Client): Promise<void> {
  await db.query('BEGIN');
  for (const t of TABLES) {
    await db.query(`CREATE TABLE ${t}_flat (LIKE ${t} INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`);
    await db.query(`DROP TABLE ${t}`);
    await db.query(`ALTER TABLE ${t}_flat RENAME TO ${t}`);
  }
  await db.query('COMMIT');
}

/**
 * `n` tickets over the last 72 months, evenly, register by register in number order (numbers grow
 * with time, as a chain does), with their lines, payments, VAT lines and records.
 */
async function generate(db: pg.Client, storeId: string, n: number): Promise<void> {
  const now = new Date();
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - (MONTHS - 1), 1));
  const spanSeconds = Math.floor((now.getTime() - start.getTime()) / 1000) - 3600;
  const chunk = 250_000;
  for (let from = 0; from < n; from += chunk) {
    const to = Math.min(n, from + chunk) - 1;
    const sel = `SELECT g, 'bench-reg-' || (g % ${REGISTERS}) AS register_id, g / ${REGISTERS} + 1 AS number,
        to_char(timestamp '${start.toISOString().slice(0, 19).replace('T', ' ')}' + ((g::bigint * ${spanSeconds}) / ${n}) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at
      FROM generate_series(${from}, ${to}) g`;
    await db.query('BEGIN');
    await db.query(`INSERT INTO tickets (register_id, number, store_id, kind, total_cents, sold_at, sold_offline, integrated_at, customer_id, cashier_id, original_register_id, original_number, anomalies, signature)
      SELECT register_id, number, $1, 'sale', 480, at, 0, at, NULL, 'bench-cashier', NULL, NULL, '[]', md5(g::text) || md5((g + 1)::text) FROM (${sel}) s`, [storeId]);
    await db.query(`INSERT INTO ticket_lines (register_id, number, line_no, sku, label, quantity, unit_price_cents, vat_rate, discount_cents, total_cents, sold_at)
      SELECT register_id, number, l, 'SKU-' || (g % 1000 + l), 'Produit ' || (g % 1000 + l), l, 160, 550, 0, 160 * l, at FROM (${sel}) s, generate_series(1, 2) l`);
    await db.query(`INSERT INTO ticket_payments (register_id, number, seq, method, amount_cents, sold_at) SELECT register_id, number, 1, 'card', 480, at FROM (${sel}) s`);
    await db.query(`INSERT INTO ticket_vat (register_id, number, rate, base_cents, vat_cents, total_cents, sold_at) SELECT register_id, number, 550, 455, 25, 480, at FROM (${sel}) s`);
    // A payload of the size of a two-line ticket's (~700 bytes of JSON).
    await db.query(`INSERT INTO records (register_id, chain, number, recorded_at, payload, prev_signature, signature, integrated_at, key_id)
      SELECT register_id, 'ticket', number, at, '{"type":"ticket","kind":"sale","lines":"' || repeat(md5(g::text), 18) || '"}', md5((g - ${REGISTERS})::text), md5(g::text) || md5((g + 1)::text), at, NULL FROM (${sel}) s`);
    await db.query('COMMIT');
  }
  // As autovacuum leaves months nobody writes any more: statistics and visibility maps up to date.
  await db.query('VACUUM ANALYZE');
}

export function printPartitions(r: PartitionsResult): void {
  line(`partitions, ${r.label}: ${r.tickets.toLocaleString('en')} tickets stored`, `generated in ${r.generateSeconds.toFixed(0)} s, database ${r.databaseMb} MB`);
  line('  ingest through POST /api/sync/push (5 × 2,000 tickets)', `${r.ingestTicketsPerSecond.toFixed(0)} tickets/s (batch p50 ${fmt(r.ingestBatch.p50)}, p99 ${fmt(r.ingestBatch.p99)})`);
  line('  documents page 1 (store, newest 50, bounded total)', `p50 ${fmt(r.firstPage.p50)}  p99 ${fmt(r.firstPage.p99)}`);
  line('  documents page 1 with exactTotal=true (before)', `p50 ${fmt(r.firstPageExact.p50)}  p99 ${fmt(r.firstPageExact.p99)}`);
  line('  documents page 1 of one month (from/to)', `p50 ${fmt(r.monthPage.p50)}  p99 ${fmt(r.monthPage.p99)}`);
  line('  documents page 20 by cursor', `p50 ${fmt(r.page20.p50)}  p99 ${fmt(r.page20.p99)}`);
  line('  documents page 20 by offset 950 (before)', `p50 ${fmt(r.page20Offset.p50)}  p99 ${fmt(r.page20Offset.p99)}`);
}
