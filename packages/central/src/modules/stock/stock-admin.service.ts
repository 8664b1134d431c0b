import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  ComptoirError,
  type AdjustmentRequest,
  type MovementsResponse,
  type ReceptionRequest,
  type StockChangeResult,
  type StockListResponse,
  type StockMovement,
} from '@comptoir/protocol';
import { nowIso, type Ctx } from '../../context';
import { resolveStoreId } from '../stores/store.service';

/** Stock levels of a store, one row per active product (0 when nothing was ever moved). */
export async function listStock(ctx: Ctx, query: { storeId?: string | undefined; q?: string | undefined; limit: number; offset: number }): Promise<StockListResponse> {
  const storeId = await resolveStoreId(ctx, query.storeId);
  const base = () => {
    let q = ctx.db
      .selectFrom('products')
      .leftJoin('stock_levels', (j) => j.onRef('stock_levels.sku', '=', 'products.sku').on('stock_levels.store_id', '=', storeId))
      .where('products.active', '=', 1);
    if (query.q) {
      const pattern = `%${query.q.toLowerCase().replace(/[\\%_]/g, '')}%`;
      q = q.where((eb) => eb.or([eb(eb.fn('lower', ['products.label']), 'like', pattern), eb(eb.fn('lower', ['products.sku']), 'like', pattern)]));
    }
    return q;
  };
  const [rows, count] = await Promise.all([
    base().select(['products.sku', 'products.label', 'stock_levels.quantity']).orderBy('products.sku').limit(query.limit).offset(query.offset).execute(),
    base().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map((r) => ({ sku: r.sku, label: r.label, storeId, quantity: Number(r.quantity ?? 0) })), total: Number(count.n), storeId };
}

/** The movement ledger of a product in a store, newest first, with who and why for back-office moves. */
export async function listMovements(ctx: Ctx, sku: string, query: { storeId?: string | undefined; limit: number; offset: number }): Promise<MovementsResponse> {
  const storeId = await resolveStoreId(ctx, query.storeId);
  const base = () => ctx.db.selectFrom('stock_movements').where('stock_movements.store_id', '=', storeId).where('stock_movements.sku', '=', sku);
  const [rows, count, level] = await Promise.all([
    base()
      .leftJoin('stock_movement_notes', 'stock_movement_notes.movement_id', 'stock_movements.id')
      .leftJoin('users', 'users.id', 'stock_movement_notes.user_id')
      .selectAll('stock_movements')
      .select(['stock_movement_notes.note', 'users.username'])
      .orderBy('stock_movements.created_at', 'desc')
      .orderBy('stock_movements.id')
      .limit(query.limit)
      .offset(query.offset)
      .execute(),
    base().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ctx.db.selectFrom('stock_levels').select('quantity').where('store_id', '=', storeId).where('sku', '=', sku).executeTakeFirst(),
  ]);
  const items: StockMovement[] = rows.map((r) => ({
    id: r.id,
    storeId: r.store_id,
    sku: r.sku,
    delta: Number(r.delta),
    reason: r.reason,
    registerId: r.register_id,
    ticketNumber: r.ticket_number === null ? null : Number(r.ticket_number),
    createdAt: r.created_at,
    note: r.note ?? null,
    by: r.username ?? null,
  }));
  return { items, total: Number(count.n), quantity: Number(level?.quantity ?? 0) };
}

/**
 * Applies back-office stock moves (receptions, adjustments) in ONE transaction. Phases: check every
 * product exists (else 404, nothing stored); per line, append a movement (a delta, never an absolute
 * value — docs/architecture.md §4), its note (who, why), and add the delta to the level (upsert).
 */
async function applyMoves(
  ctx: Ctx,
  storeId: string | undefined,
  reason: 'reception' | 'adjustment',
  note: string,
  lines: { sku: string; delta: number }[],
): Promise<StockChangeResult> {
  const user = ctx.user;
  if (user?.kind !== 'user') throw new ComptoirError('FORBIDDEN', 'A back-office user is required');
  const store = await resolveStoreId(ctx, storeId);
  const skus = [...new Set(lines.map((l) => l.sku))];
  return ctx.db.transaction().execute(async (trx) => {
    const known = new Set((await trx.selectFrom('products').select('sku').where('sku', 'in', skus).execute()).map((r) => r.sku));
    const unknown = skus.filter((s) => !known.has(s));
    if (unknown.length > 0) throw new ComptoirError('NOT_FOUND', `Unknown product(s): ${unknown.join(', ')}`, { unknown });
    const at = nowIso(ctx);
    const movements: StockMovement[] = [];
    for (const l of lines) {
      const id = randomUUID();
      await trx.insertInto('stock_movements').values({ id, store_id: store, sku: l.sku, delta: l.delta, reason, register_id: null, ticket_number: null, created_at: at }).execute();
      await trx.insertInto('stock_movement_notes').values({ movement_id: id, user_id: user.userId, note }).execute();
      await trx
        .insertInto('stock_levels')
        .values({ store_id: store, sku: l.sku, quantity: l.delta })
        .onConflict((oc) => oc.columns(['store_id', 'sku']).doUpdateSet({ quantity: sql<number>`stock_levels.quantity + excluded.quantity` }))
        .execute();
      movements.push({ id, storeId: store, sku: l.sku, delta: l.delta, reason, registerId: null, ticketNumber: null, createdAt: at, note, by: null });
    }
    const levels = await trx.selectFrom('stock_levels').select(['sku', 'quantity']).where('store_id', '=', store).where('sku', 'in', skus).orderBy('sku').execute();
    return { storeId: store, movements, levels: levels.map((r) => ({ sku: r.sku, quantity: Number(r.quantity) })) };
  });
}

export function receiveGoods(ctx: Ctx, req: ReceptionRequest): Promise<StockChangeResult> {
  return applyMoves(ctx, req.storeId, 'reception', req.note, req.lines.map((l) => ({ sku: l.sku, delta: l.quantity })));
}

export function adjustStock(ctx: Ctx, req: AdjustmentRequest): Promise<StockChangeResult> {
  return applyMoves(ctx, req.storeId, 'adjustment', req.reason, [{ sku: req.sku, delta: req.delta }]);
}
