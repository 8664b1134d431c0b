import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';
import { createMonthPartitions, MONTHS_AHEAD, monthOf, monthsFrom, PARTITIONED_TABLES } from '../month-partitions';

// Six years of tickets (issue 13 item 6), PostgreSQL only (SQLite, one shop, is left as it is):
// records, tickets, ticket_lines, ticket_payments and ticket_vat become tables partitioned BY RANGE
// by month, the rows of a central upgraded with data moved into them (docs/architecture.md §22).
//
// The key. Timestamps are stored as ISO text ('2026-11-03T09:12:00.000Z', as signed). The key is
// that text itself — records.recorded_at, tickets.sold_at, and on the ticket's lines, payments and
// VAT lines a new `sold_at` (their ticket's, written by the ingest) — in collation "C" (byte order,
// which is chronological for this fixed format), with text bounds 'YYYY-MM' ≤ … < next 'YYYY-MM'.
// Chosen over a generated date column: the back office's queries already filter and sort on
// sold_at / recorded_at, so they prune partitions as they are written (no second column to filter
// on, nothing to keep in step), and a text → date cast is not immutable, so a generated column
// would have to re-parse the text by hand. The key columns get collation "C" so that the queries'
// comparisons (in the column's collation) are the partition key's (else no pruning); ordering ISO
// text in "C" is what the indexes did before, a little faster.
//
// Primary keys must include the key: records (register_id, chain, number, recorded_at), tickets
// (register_id, number, sold_at), ticket_payments (register_id, number, seq, sold_at). Exactly once
// still holds (docs/architecture.md §4): numbers are serialised by the register's chain_heads rows,
// locked FOR UPDATE by every push, and a record is inserted only as its chain's head + 1; a number at
// or below the head is a replay, told from a forgery by its stored signature, and never inserted
// again. The database's own key stays a second guard: recordedAt is inside what is signed, so a
// genuine replay carries the same recordedAt and lands in the same partition on the same key (a
// conflict, as before); a copy with another recordedAt has another signature and is a tamper alert
// before any insert. A ticket's sold_at is its record's recordedAt, and its lines' is the ticket's.
//
// Partitions: DEFAULT, one per month met in the moved data, the current month and the next two
// (more are made ahead and on demand at run time: db/month-partitions.ts). Indexes are those the
// tables had (partitioned: one per partition, so each month's index stays the size of a month);
// the documents page's tickets_store_idx now ends with its tie-breakers (register_id, number), so a
// page is read in order from each month's index and nothing is sorted.

/** The indexes each table had before (0001, 0002, 0005, 0006, 0012), recreated on the partitioned table. */
const INDEXES: Record<string, { name: string; columns: string; where?: string; primaryKey?: boolean }[]> = {
  records: [
    { name: 'records_pk', columns: 'register_id, chain, number, recorded_at', primaryKey: true },
    { name: 'records_closures_idx', columns: 'recorded_at, register_id', where: "chain = 'closure'" },
    { name: 'records_archives_idx', columns: 'recorded_at, register_id', where: "chain = 'archive'" },
    { name: 'records_events_idx', columns: 'recorded_at, register_id', where: "chain = 'event'" },
  ],
  tickets: [
    { name: 'tickets_pk', columns: 'register_id, number, sold_at', primaryKey: true },
    // The documents page's order (sold_at DESC, register_id, number DESC), read backwards: a page is
    // the first rows of a Merge Append of each month's index, no sort (was (store_id, sold_at)).
    { name: 'tickets_store_idx', columns: 'store_id, sold_at, register_id DESC, number' },
    { name: 'tickets_customer_idx', columns: 'customer_id, sold_at' },
    { name: 'tickets_sold_at_idx', columns: 'sold_at' },
  ],
  ticket_lines: [{ name: 'ticket_lines_ticket_idx', columns: 'register_id, number' }],
  ticket_payments: [{ name: 'ticket_payments_pk', columns: 'register_id, number, seq, sold_at', primaryKey: true }],
  ticket_vat: [{ name: 'ticket_vat_ticket_idx', columns: 'register_id, number' }],
};

/** The append-only triggers of 0001 (the function comptoir_append_only exists since 0001). */
const TICKET_SIGNED_COLUMNS = 'register_id, number, store_id, kind, total_cents, sold_at, sold_offline, integrated_at, customer_id, cashier_id, original_register_id, original_number, signature';

const CHILD_TABLES = new Set(['ticket_lines', 'ticket_payments', 'ticket_vat']);

export function monthPartitionsMigration(dialect: DialectName, clock: () => Date = () => new Date()): Migration {
  return {
    async up(db: Kysely<any>) {
      if (dialect !== 'postgres') return;
      // 1. Each table renamed aside, stripped of its indexes and triggers, its key in collation "C";
      //    the partitioned table made in its place, with its DEFAULT partition.
      for (const { table, key } of PARTITIONED_TABLES) {
        const old = `${table}_unpartitioned`;
        await sql`ALTER TABLE ${sql.table(table)} RENAME TO ${sql.table(old)}`.execute(db);
        await dropIndexesAndTriggers(db, table, old);
        if (CHILD_TABLES.has(table)) await sql`ALTER TABLE ${sql.table(old)} ADD COLUMN sold_at text COLLATE "C"`.execute(db);
        else await sql`ALTER TABLE ${sql.table(old)} ALTER COLUMN ${sql.ref(key)} TYPE text COLLATE "C"`.execute(db);
        await sql`CREATE TABLE ${sql.table(table)} (LIKE ${sql.table(old)} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)
          PARTITION BY RANGE (${sql.ref(key)})`.execute(db);
        if (CHILD_TABLES.has(table)) await sql`ALTER TABLE ${sql.table(table)} ALTER COLUMN sold_at SET NOT NULL`.execute(db);
        await sql`CREATE TABLE ${sql.table(`${table}_default`)} PARTITION OF ${sql.table(table)} DEFAULT`.execute(db);
      }
      // 2. A partition per month met in the data (a child's month is its ticket's), the current and the next two.
      const months = new Set(monthsFrom(monthOf(clock().toISOString())!, MONTHS_AHEAD));
      const met = await sql<{ m: string }>`SELECT substr(recorded_at, 1, 7) AS m FROM records_unpartitioned
        UNION SELECT substr(sold_at, 1, 7) FROM tickets_unpartitioned`.execute(db);
      for (const { m } of met.rows) months.add(m);
      await createMonthPartitions(db, months);
      // 3. The rows moved, then the indexes built (faster than maintaining them row by row) and the
      //    append-only triggers put back (cloned onto every partition, present and future).
      for (const { table } of PARTITIONED_TABLES) {
        await moveRows(db, table, `${table}_unpartitioned`);
        for (const ix of INDEXES[table]!) {
          if (ix.primaryKey) await sql`ALTER TABLE ${sql.table(table)} ADD CONSTRAINT ${sql.ref(ix.name)} PRIMARY KEY (${sql.raw(ix.columns)})`.execute(db);
          else await sql`CREATE INDEX ${sql.ref(ix.name)} ON ${sql.table(table)} (${sql.raw(ix.columns)})${sql.raw(ix.where ? ` WHERE ${ix.where}` : '')}`.execute(db);
        }
        if (table === 'tickets') {
          await sql`CREATE TRIGGER tickets_append_only BEFORE UPDATE OF ${sql.raw(TICKET_SIGNED_COLUMNS)} OR DELETE ON tickets
            FOR EACH ROW EXECUTE FUNCTION comptoir_append_only()`.execute(db);
        } else {
          await sql`CREATE TRIGGER ${sql.raw(`${table}_append_only`)} BEFORE UPDATE OR DELETE ON ${sql.table(table)}
            FOR EACH ROW EXECUTE FUNCTION comptoir_append_only()`.execute(db);
        }
      }
      for (const { table } of PARTITIONED_TABLES) await sql`DROP TABLE ${sql.table(`${table}_unpartitioned`)}`.execute(db);
      await sql`ANALYZE records, tickets, ticket_lines, ticket_payments, ticket_vat`.execute(db);
      // The months purged (modules/partitions/partition-purge.service.ts) and the archives verified for each.
      await db.schema
        .createTable('partition_purges')
        .addColumn('month', 'text', (c) => c.primaryKey())
        .addColumn('purged_at', 'text', (c) => c.notNull())
        .addColumn('purged_by', 'text', (c) => c.notNull())
        .addColumn('verified_archives', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

/**
 * Drops the indexes (recreated under the same names) and the append-only trigger of the table set
 * aside. An index or trigger a later migration added to these tables must be added here, not lost.
 */
async function dropIndexesAndTriggers(db: Kysely<any>, table: string, old: string): Promise<void> {
  const indexes = await sql<{ name: string; constraint: string | null }>`
    SELECT i.relname AS name, c.conname AS constraint FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
    LEFT JOIN pg_constraint c ON c.conindid = x.indexrelid AND c.conrelid = t.oid
    WHERE t.relname = ${old}`.execute(db);
  for (const ix of indexes.rows) {
    if (!INDEXES[table]!.some((known) => known.name === ix.name)) {
      throw new Error(`0022-month-partitions: index ${ix.name} on ${table} is unknown to this migration: add it to INDEXES`);
    }
    if (ix.constraint) await sql`ALTER TABLE ${sql.table(old)} DROP CONSTRAINT ${sql.ref(ix.constraint)}`.execute(db);
    else await sql`DROP INDEX ${sql.ref(ix.name)}`.execute(db);
  }
  const triggers = await sql<{ name: string }>`SELECT tgname AS name FROM pg_trigger g JOIN pg_class t ON t.oid = g.tgrelid
    WHERE t.relname = ${old} AND NOT g.tgisinternal`.execute(db);
  for (const { name } of triggers.rows) {
    if (name !== `${table}_append_only`) throw new Error(`0022-month-partitions: trigger ${name} on ${table} is unknown to this migration`);
    await sql`DROP TRIGGER ${sql.ref(name)} ON ${sql.table(old)}`.execute(db);
  }
}

/** Copies every row of `old` into the partitioned `table`; a child row takes its ticket's sold_at. */
async function moveRows(db: Kysely<any>, table: string, old: string): Promise<void> {
  if (!CHILD_TABLES.has(table)) {
    await sql`INSERT INTO ${sql.table(table)} SELECT * FROM ${sql.table(old)}`.execute(db);
    return;
  }
  const cols = await sql<{ c: string }>`SELECT column_name AS c FROM information_schema.columns
    WHERE table_schema = current_schema() AND table_name = ${old} ORDER BY ordinal_position`.execute(db);
  const select = cols.rows.map(({ c }) => (c === 'sold_at' ? 't.sold_at' : `o."${c}"`)).join(', ');
  const orphans = await sql<{ n: string }>`SELECT count(*) AS n FROM ${sql.table(old)} o
    WHERE NOT EXISTS (SELECT 1 FROM tickets_unpartitioned t WHERE t.register_id = o.register_id AND t.number = o.number)`.execute(db);
  if (Number(orphans.rows[0]!.n) > 0) throw new Error(`0022-month-partitions: ${orphans.rows[0]!.n} rows of ${table} name no ticket`);
  await sql`INSERT INTO ${sql.table(table)} SELECT ${sql.raw(select)} FROM ${sql.table(old)} o
    JOIN tickets_unpartitioned t ON t.register_id = o.register_id AND t.number = o.number`.execute(db);
}
