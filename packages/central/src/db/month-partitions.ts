import { sql, type Kysely } from 'kysely';

// Monthly partitions of the signed facts on PostgreSQL (docs/architecture.md §22, migration 0022).
//
// Phases:
//  1. migration 0022 turns the five tables into tables partitioned BY RANGE on their timestamp and
//     creates, through `createMonthPartitions`, the DEFAULT partition and one partition per month
//     met in the data, plus the current month and the next two;
//  2. at start and every few hours, `MonthPartitions.keepAhead` creates the current month and the
//     next two (a month is created before its first sale);
//  3. at ingest, `MonthPartitions.ensure` creates the month of any record met that has none yet (an
//     offline register pushing last month's tickets), in its own short transaction BEFORE the
//     push's transaction (whose chain-head locks must not wait on DDL).
// Invariants: every creator takes the same transaction-scoped advisory lock, then creates only what
// is missing (`to_regclass`, and IF NOT EXISTS): two central instances creating the same month at
// once create it once, and neither fails. A month whose rows already sit in the DEFAULT partition
// (a late record of a purged month) is not created: its rows stay in DEFAULT, where queries find
// them as well (creating it would fail on them). A row never waits for a partition: DEFAULT takes
// whatever has no month. SQLite has no partitions: every function here is PostgreSQL only.

/** The partitioned tables and their partition key (an ISO timestamp as text, collation "C"). */
export const PARTITIONED_TABLES = [
  { table: 'records', key: 'recorded_at' },
  { table: 'tickets', key: 'sold_at' },
  { table: 'ticket_lines', key: 'sold_at' },
  { table: 'ticket_payments', key: 'sold_at' },
  { table: 'ticket_vat', key: 'sold_at' },
] as const;

/** One advisory lock key for every partition creator and the purge (an arbitrary constant). */
export const PARTITION_LOCK_KEY = 525_2019;

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** 'YYYY-MM' of an ISO timestamp as stored (its text: the partition it lands in), or null. */
export function monthOf(iso: string): string | null {
  const m = iso.slice(0, 7);
  return MONTH.test(m) ? m : null;
}

/** The month after `month` ('YYYY-MM'). */
export function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** `month` and the `ahead` months after it. */
export function monthsFrom(month: string, ahead: number): string[] {
  const out = [month];
  for (let i = 0; i < ahead; i++) out.push(nextMonth(out[out.length - 1]!));
  return out;
}

/** The partition of `table` holding `month`: records_p2026_11. */
export function partitionName(table: string, month: string): string {
  return `${table}_p${month.replace('-', '_')}`;
}

/**
 * Creates, for each month, every table's partition [month, next month) when the month has none,
 * under the advisory lock. Run inside a transaction (`db` is one, or the migration's).
 * Bounds are text in collation "C": 'YYYY-MM' ≤ every 'YYYY-MM-DDT…' of that month < next 'YYYY-MM'.
 */
export async function createMonthPartitions(trx: Kysely<any>, months: Iterable<string>): Promise<string[]> {
  await sql`SELECT pg_advisory_xact_lock(${PARTITION_LOCK_KEY})`.execute(trx);
  // A purged month is not made again (a restored till re-pushing its records, which are replays; a
  // late record of that month lands in DEFAULT). partition_purges comes last in migration 0022.
  const table = await sql<{ r: string | null }>`SELECT to_regclass('partition_purges')::text AS r`.execute(trx);
  const purged = new Set(table.rows[0]?.r ? (await sql<{ month: string }>`SELECT month FROM partition_purges`.execute(trx)).rows.map((p) => p.month) : []);
  const created: string[] = [];
  for (const month of new Set(months)) {
    if (!MONTH.test(month) || purged.has(month)) continue;
    // A month has all five partitions or none (made together here, dropped together by a purge).
    const exists = await sql<{ r: string | null }>`SELECT to_regclass(${partitionName('records', month)})::text AS r`.execute(trx);
    if (exists.rows[0]?.r) continue;
    let inDefault = false;
    for (const { table, key } of PARTITIONED_TABLES) {
      const rows = await sql`SELECT 1 FROM ${sql.table(`${table}_default`)}
        WHERE ${sql.ref(key)} >= ${month} AND ${sql.ref(key)} < ${nextMonth(month)} LIMIT 1`.execute(trx);
      inDefault ||= rows.rows.length > 0;
    }
    if (inDefault) continue;
    for (const { table } of PARTITIONED_TABLES) {
      const name = partitionName(table, month);
      await sql`CREATE TABLE IF NOT EXISTS ${sql.table(name)} PARTITION OF ${sql.table(table)}
        FOR VALUES FROM (${sql.lit(month)}) TO (${sql.lit(nextMonth(month))})`.execute(trx);
      created.push(name);
    }
  }
  return created;
}

/** Months that have their partitions (every table's), as 'YYYY-MM', oldest first. */
export async function monthsWithPartitions(db: Kysely<any>): Promise<string[]> {
  const rows = await sql<{ name: string }>`SELECT c.relname AS name FROM pg_inherits i
      JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
      WHERE p.relname = 'records' AND c.relname ~ '^records_p[0-9]{4}_[0-9]{2}$'`.execute(db);
  return rows.rows.map((r) => r.name.slice('records_p'.length).replace('_', '-')).sort();
}

/**
 * Creates the partitions of the months of `timestamps` that are missing: through this instance's
 * MonthPartitions when the context has one (a known month costs nothing), else in a transaction of
 * its own. Only months from ten years back to MONTHS_AHEAD ahead are made on demand: a record dated
 * beyond (a till's clock far off) lands in DEFAULT rather than making partitions for any month.
 */
export async function ensureMonthPartitions(
  ctx: { db: Kysely<any>; clock: () => Date; monthPartitions?: MonthPartitions },
  timestamps: string[],
): Promise<void> {
  const now = monthOf(ctx.clock().toISOString())!;
  const first = `${Number(now.slice(0, 4)) - 10}${now.slice(4)}`;
  const last = monthsFrom(now, MONTHS_AHEAD).pop()!;
  const wanted = timestamps.filter((t) => {
    const m = monthOf(t);
    return m !== null && m >= first && m <= last;
  });
  if (wanted.length === 0) return;
  if (ctx.monthPartitions) return ctx.monthPartitions.ensure(wanted);
  const months = new Set(wanted.map((t) => monthOf(t)!));
  await ctx.db.transaction().execute((trx) => createMonthPartitions(trx, months));
}

/** How far ahead months are created, and how often that is checked. */
export const MONTHS_AHEAD = 2;
const KEEP_AHEAD_EVERY_MS = 6 * 3600_000;

/**
 * One central instance's view of the monthly partitions: which months it knows exist (so a push
 * of a known month costs nothing), and the timer that keeps the next months created.
 */
export class MonthPartitions {
  private readonly known = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private partitioned = false;

  constructor(
    private readonly db: Kysely<any>,
    private readonly clock: () => Date,
    private readonly log: { warn(o: object, m: string): void },
  ) {}

  /** Creates the months of `timestamps` that this instance has not seen yet (a no-op when all are known). */
  async ensure(timestamps: Iterable<string>): Promise<void> {
    const missing = new Set<string>();
    for (const t of timestamps) {
      const m = monthOf(t);
      if (m && !this.known.has(m)) missing.add(m);
    }
    if (missing.size === 0) return;
    // Tables not partitioned (not migrated yet; converted back by hand: the partitions benchmark's
    // baseline): nothing to create. Only "partitioned" is remembered (a migration may come after).
    this.partitioned ||= await sql<{ n: string }>`SELECT count(*) AS n FROM pg_partitioned_table WHERE partrelid = 'records'::regclass`
      .execute(this.db)
      .then((r) => Number(r.rows[0]!.n) > 0);
    if (!this.partitioned) return;
    await this.db.transaction().execute((trx) => createMonthPartitions(trx, missing));
    for (const m of missing) this.known.add(m);
  }

  /** The current month and the next MONTHS_AHEAD (UTC, as stored timestamps are). */
  async keepAhead(): Promise<void> {
    const now = monthOf(this.clock().toISOString())!;
    await this.ensure(monthsFrom(now, MONTHS_AHEAD).map((m) => `${m}-01T00:00:00.000Z`));
  }

  start(): void {
    const run = () => {
      this.running = this.keepAhead().catch((e: unknown) => this.log.warn({ err: e }, 'month partitions: could not create the next months'));
    };
    run();
    this.timer = setInterval(run, KEEP_AHEAD_EVERY_MS);
    this.timer.unref();
  }

  /** Forgets the months purged (their partitions were dropped). */
  forget(months: Iterable<string>): void {
    for (const m of months) this.known.delete(m);
  }

  /** Stops the timer and waits for a creation under way (before the database closes). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
