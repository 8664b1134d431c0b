import { CompiledQuery, sql, type Insertable } from 'kysely';
import { CHAINS } from '@comptoir/protocol';
import { DEFAULT_MEAL_VOUCHER_CAP_CENTS, GENESIS_SIGNATURE, type PricedProduct } from '@comptoir/domain';
import type { Ctx } from '../../context';
import { insertChunked } from '../../db/batch';
import type { CentralDb, ChainHeadsTable } from '../../db/schema';

export type Head = { number: number; signature: string };

/**
 * Reads the register's chain heads, creating missing ones at genesis. On PostgreSQL the rows are
 * locked (FOR UPDATE) until the batch commits, so two pushes of the same register (two central
 * instances, a retry) are serialized; on SQLite the write transaction serializes everything.
 */
export async function lockHeads(ctx: Ctx, registerId: string): Promise<Map<string, Head>> {
  const read = () =>
    ctx.db
      .selectFrom('chain_heads')
      .select(['chain', 'last_number', 'last_signature'])
      .where('register_id', '=', registerId)
      .$if(ctx.dialect === 'postgres', (q) => q.forUpdate())
      .execute();
  let rows = await read();
  if (rows.length < CHAINS.length) {
    await ctx.db
      .insertInto('chain_heads')
      .values(CHAINS.map((chain) => ({ register_id: registerId, chain, last_number: 0, last_signature: GENESIS_SIGNATURE })))
      .onConflict((oc) => oc.columns(['register_id', 'chain']).doNothing())
      .execute();
    rows = await read();
  }
  return new Map(rows.map((r) => [r.chain, { number: Number(r.last_number), signature: r.last_signature }]));
}

export async function readHeads(ctx: Ctx, registerId: string): Promise<Record<string, number>> {
  const rows = await ctx.db.selectFrom('chain_heads').select(['chain', 'last_number']).where('register_id', '=', registerId).execute();
  return Object.fromEntries(rows.map((r) => [r.chain, Number(r.last_number)]));
}

/** Stored signatures of already-held records of one chain (to tell a replay from a forgery). */
export async function storedSignatures(ctx: Ctx, registerId: string, chain: string, numbers: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (let i = 0; i < numbers.length; i += 10000) {
    const rows = await ctx.db
      .selectFrom('records')
      .select(['number', 'signature'])
      .where('register_id', '=', registerId)
      .where('chain', '=', chain)
      .where('number', 'in', numbers.slice(i, i + 10000))
      .execute();
    for (const r of rows) out.set(Number(r.number), r.signature);
  }
  return out;
}

export async function advanceHead(ctx: Ctx, registerId: string, chain: string, head: Head): Promise<void> {
  await ctx.db
    .updateTable('chain_heads')
    .set({ last_number: head.number, last_signature: head.signature } satisfies Partial<ChainHeadsTable>)
    .where('register_id', '=', registerId)
    .where('chain', '=', chain)
    .execute();
}

/** A product as ingest checks a ticket line against it: its price (or open-price cap) and whether meal vouchers may pay for it. */
export type IngestProduct = PricedProduct & { mealVoucherEligible: boolean };

/** Central price (or open-price cap) and meal-voucher flag of each product named (one query); absent = unknown product. */
export async function productPrices(ctx: Ctx, skus: string[]): Promise<Map<string, IngestProduct>> {
  const out = new Map<string, IngestProduct>();
  for (let i = 0; i < skus.length; i += 10000) {
    const rows = await ctx.db
      .selectFrom('products')
      .select(['sku', 'price_cents', 'open_price_max_cents', 'meal_voucher_eligible'])
      .where('sku', 'in', skus.slice(i, i + 10000))
      .execute();
    for (const r of rows) {
      out.set(r.sku, {
        priceCents: Number(r.price_cents),
        openPriceMaxCents: r.open_price_max_cents === null ? null : Number(r.open_price_max_cents),
        mealVoucherEligible: Number(r.meal_voucher_eligible) === 1,
      });
    }
  }
  return out;
}

/** The store's meal-voucher cap per ticket, cents (stores.meal_voucher_cap_cents, §24). */
export async function storeMealVoucherCap(ctx: Ctx, storeId: string): Promise<number> {
  const row = await ctx.db.selectFrom('stores').select('meal_voucher_cap_cents').where('id', '=', storeId).executeTakeFirst();
  return row ? Number(row.meal_voucher_cap_cents) : DEFAULT_MEAL_VOUCHER_CAP_CENTS;
}

export async function stockQuantities(ctx: Ctx, storeId: string, skus: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < skus.length; i += 10000) {
    const rows = await ctx.db
      .selectFrom('stock_levels')
      .select(['sku', 'quantity'])
      .where('store_id', '=', storeId)
      .where('sku', 'in', skus.slice(i, i + 10000))
      .execute();
    for (const r of rows) out.set(r.sku, Number(r.quantity));
  }
  return out;
}

/** Applies stock deltas (never absolute values, docs/architecture.md §4): one multi-row upsert, in sku order. */
export async function addStockDeltas(ctx: Ctx, storeId: string, deltas: Map<string, number>): Promise<void> {
  const rows = [...deltas]
    .filter(([, d]) => d !== 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([sku, delta]) => ({ store_id: storeId, sku, quantity: delta }));
  for (let i = 0; i < rows.length; i += 5000) {
    await ctx.db
      .insertInto('stock_levels')
      .values(rows.slice(i, i + 5000))
      .onConflict((oc) =>
        oc.columns(['store_id', 'sku']).doUpdateSet({ quantity: sql<number>`stock_levels.quantity + excluded.quantity` }),
      )
      .execute();
  }
}

export interface IngestRows {
  records: Insertable<CentralDb['records']>[];
  tickets: Insertable<CentralDb['tickets']>[];
  lines: Insertable<CentralDb['ticket_lines']>[];
  payments: Insertable<CentralDb['ticket_payments']>[];
  vat: Insertable<CentralDb['ticket_vat']>[];
  movements: Insertable<CentralDb['stock_movements']>[];
  invoices: Insertable<CentralDb['invoices']>[];
}

/**
 * SQLite: one short statement per table, whatever the row count: the rows travel as ONE JSON array
 * parameter, read back by json_each (the SQLite counterpart of PostgreSQL's unnest). A multi-row
 * VALUES list of 500 tickets costs more to build, compile and prepare (Kysely, then better-sqlite3
 * prepares every statement afresh) than the inserts themselves. Values keep their type: JSON
 * integers come back as INTEGER, strings as TEXT, null as NULL.
 */
async function insertJsonRows<T extends keyof CentralDb & string>(ctx: Ctx, table: T, rows: Insertable<CentralDb[T]>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object);
  const tuples = JSON.stringify(rows.map((r) => columns.map((c) => (r as Record<string, unknown>)[c] ?? null)));
  if (LONE_SURROGATE_ESCAPE.test(tuples)) return insertChunked(ctx.db, table, rows, ctx.dialect);
  const text =
    `insert into "${table}" (${columns.map((c) => `"${c}"`).join(', ')}) ` +
    `select ${columns.map((_, i) => `value ->> ${i}`).join(', ')} from json_each(?)`;
  await ctx.db.executeQuery(CompiledQuery.raw(text, [tuples]));
}

/**
 * JSON.stringify writes a lone UTF-16 surrogate (text that is not valid Unicode) as a \udXXX escape,
 * which PostgreSQL's JSON parser refuses and SQLite's may decode differently from a bound string:
 * such rows (rare, odd text in a register's record) take the bound-parameter path, as before.
 * May match a literal backslash followed by "ud8…" too: that only costs the slower path.
 */
const LONE_SURROGATE_ESCAPE = /\\ud[89a-f]/i;

/** Integer columns of the tables the ingest writes (every other column is text). */
const INGEST_INTEGER_COLUMNS = new Set([
  'number', 'total_cents', 'sold_offline', 'original_number', 'line_no', 'quantity', 'unit_price_cents',
  'vat_rate', 'discount_cents', 'seq', 'amount_cents', 'rate', 'base_cents', 'vat_cents', 'delta', 'ticket_number',
]);

/**
 * PostgreSQL: one statement per table, the rows as ONE json parameter read by json_to_recordset.
 * JSON.stringify of the row objects is native and allocates little, where unnest's per-column
 * arrays go through pg's per-element array escaping in JavaScript (and a heap of garbage).
 */
async function insertJsonRecordset<T extends keyof CentralDb & string>(ctx: Ctx, table: T, rows: Insertable<CentralDb[T]>[]): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.keys(rows[0] as object);
  const list = columns.map((c) => `"${c}"`).join(', ');
  const types = columns.map((c) => `"${c}" ${INGEST_INTEGER_COLUMNS.has(c) ? 'bigint' : 'text'}`).join(', ');
  const json = JSON.stringify(rows);
  if (LONE_SURROGATE_ESCAPE.test(json)) return insertChunked(ctx.db, table, rows, ctx.dialect);
  const text = `insert into "${table}" (${list}) select ${list} from json_to_recordset($1::json) as x(${types})`;
  await ctx.db.executeQuery(CompiledQuery.raw(text, [json]));
}

export async function insertIngestRows(ctx: Ctx, rows: IngestRows): Promise<void> {
  const insert = ctx.dialect === 'postgres' ? insertJsonRecordset : insertJsonRows;
  await insert(ctx, 'records', rows.records);
  await insert(ctx, 'tickets', rows.tickets);
  await insert(ctx, 'ticket_lines', rows.lines);
  await insert(ctx, 'ticket_payments', rows.payments);
  await insert(ctx, 'ticket_vat', rows.vat);
  await insert(ctx, 'stock_movements', rows.movements);
  await insert(ctx, 'invoices', rows.invoices);
}
