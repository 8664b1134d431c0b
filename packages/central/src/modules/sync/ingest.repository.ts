import { sql, type Insertable } from 'kysely';
import { CHAINS } from '@comptoir/protocol';
import { GENESIS_SIGNATURE } from '@comptoir/domain';
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

/** Central price of each product named (one query); absent = unknown product. */
export async function productPrices(ctx: Ctx, skus: string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < skus.length; i += 10000) {
    const rows = await ctx.db.selectFrom('products').select(['sku', 'price_cents']).where('sku', 'in', skus.slice(i, i + 10000)).execute();
    for (const r of rows) out.set(r.sku, Number(r.price_cents));
  }
  return out;
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

/** Applies stock deltas (never absolute values, DESIGN §4): one multi-row upsert, in sku order. */
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
}

export async function insertIngestRows(ctx: Ctx, rows: IngestRows): Promise<void> {
  await insertChunked(ctx.db, 'records', rows.records, ctx.dialect);
  await insertChunked(ctx.db, 'tickets', rows.tickets, ctx.dialect);
  await insertChunked(ctx.db, 'ticket_lines', rows.lines, ctx.dialect);
  await insertChunked(ctx.db, 'ticket_payments', rows.payments, ctx.dialect);
  await insertChunked(ctx.db, 'ticket_vat', rows.vat, ctx.dialect);
  await insertChunked(ctx.db, 'stock_movements', rows.movements, ctx.dialect);
}
