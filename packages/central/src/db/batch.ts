import { sql, type Insertable, type Kysely } from 'kysely';
import type { DialectName } from '@comptoir/db';
import type { CentralDb } from './schema';

/** SQLite allows 32766 bound parameters per statement, PostgreSQL 65535: stay under both. */
const MAX_PARAMS = 30000;

/** Columns holding integers, whatever the table (every other column is text). */
const INTEGER_COLUMNS = new Set([
  'number', 'total_cents', 'sold_offline', 'original_number', 'line_no', 'quantity', 'unit_price_cents',
  'vat_rate', 'discount_cents', 'seq', 'amount_cents', 'rate', 'base_cents', 'vat_cents', 'delta',
  'ticket_number', 'price_cents', 'active', 'change_version', 'last_number', 'value', 'pending_records', 'pending_customers',
  'change_version_seen', 'open_price_max_cents', 'meal_voucher_eligible',
]);

/**
 * Bulk insert of `rows` (all with the same keys), in as few statements as possible:
 * - SQLite: multi-row INSERT … VALUES, chunked under the bound-parameter limit;
 * - PostgreSQL: one INSERT … SELECT FROM unnest($1::type[], …) per table: one parameter per column
 *   whatever the row count, which PostgreSQL parses and plans far faster than a huge VALUES list
 *   (a form the Kysely builder cannot express, hence the `sql` template).
 */
export async function insertChunked<T extends keyof CentralDb & string>(
  db: Kysely<CentralDb>,
  table: T,
  rows: Insertable<CentralDb[T]>[],
  dialect: DialectName = 'sqlite',
): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object);
  if (dialect === 'postgres') {
    const arrays = columns.map((col) => {
      const values = rows.map((r) => (r as Record<string, unknown>)[col] ?? null);
      const type = INTEGER_COLUMNS.has(col) ? 'bigint' : 'text';
      return sql`${values}::${sql.raw(type)}[]`;
    });
    await sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) select * from unnest(${sql.join(arrays)})`.execute(db);
    return;
  }
  const perChunk = Math.max(1, Math.floor(MAX_PARAMS / (columns.length || 1)));
  for (let i = 0; i < rows.length; i += perChunk) {
    await db
      .insertInto(table)
      .values(rows.slice(i, i + perChunk) as any)
      .execute();
  }
}
