import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  ComptoirError,
  type SaveStockCountRequest,
  type StartStockCountRequest,
  type StockCount,
  type StockCountLine,
  type StockCountsResponse,
  type StockCountStatus,
} from '@comptoir/protocol';
import { nowIso, type Ctx } from '../../context';
import { assertStoreObject } from '../stores/store-scope';
import { resolveStoreId } from '../stores/store.service';
import { adjustmentOf, categoryLevels, countRow, countSummaries, openCountOf, sheetLines, summaryOf } from './stock-count.repository';

// The stock count (inventaire) of one category of one store (docs/architecture.md §21).
// Phases of a count, each in ONE transaction:
//   start  → `open`: the sheet is written, each active product of the category with the store's
//            level at that moment (frozen). At most one open count per store and category.
//   save   → still `open`: the counted quantities sent are written with who and when (partial
//            saves; `null` clears a line). Nothing else changes.
//   post   → `posted`: every line must be counted; the differences become ONE adjustment document
//            (author, time, count id, every line) and one `adjustment` movement per non-zero
//            difference, levels updated in the same transaction.
// Invariants: a posted count never changes again (the service refuses with STOCK_COUNT_POSTED, the
// database's triggers refuse any UPDATE/DELETE); the adjustment is append-only; expected =
// level now − movements made after the line was counted (a ticket at its signed sale time), so what was sold, returned or
// received during the count is not mistaken for a difference. A refusal stores nothing.

type Author = { userId: string };

function authorOf(ctx: Ctx): Author {
  const user = ctx.user;
  if (user?.kind !== 'user') throw new ComptoirError('FORBIDDEN', 'A back-office user is required');
  return { userId: user.userId };
}

const notFound = (id: string) => new ComptoirError('NOT_FOUND', `Unknown stock count ${id}`, { countId: id });

/** The count's row (404 when absent or of a store outside the caller's scope). */
async function countInScope(ctx: Ctx, id: string, lock: boolean) {
  const row = await countRow(ctx, id, lock);
  assertStoreObject(ctx, row?.store_id, () => notFound(id));
  return row!;
}

function assertOpen(row: { id: string; status: StockCountStatus }): void {
  if (row.status !== 'open') throw new ComptoirError('STOCK_COUNT_POSTED', `Stock count ${row.id} is posted: it can no longer change`, { countId: row.id });
}

export async function startStockCount(ctx: Ctx, req: StartStockCountRequest): Promise<StockCount> {
  const author = authorOf(ctx);
  const storeId = await resolveStoreId(ctx, req.storeId);
  const id = await ctx.db.transaction().execute(async (trx) => {
    const tctx: Ctx = { ...ctx, db: trx };
    // PostgreSQL: starts of one store wait for each other (the partial unique index is the backstop).
    if (ctx.dialect === 'postgres') await trx.selectFrom('stores').select('id').where('id', '=', storeId).forUpdate().execute();
    const open = await openCountOf(tctx, storeId, req.category);
    if (open) throw new ComptoirError('STOCK_COUNT_OPEN', `A count of ${req.category} is open in this store`, { countId: open.id, category: req.category });
    const products = await categoryLevels(tctx, storeId, req.category);
    if (products.length === 0) throw new ComptoirError('NOT_FOUND', `No active product in category ${req.category}`, { category: req.category });
    const countId = randomUUID();
    await trx
      .insertInto('stock_counts')
      .values({ id: countId, store_id: storeId, category: req.category, status: 'open', started_at: nowIso(ctx), started_by: author.userId, posted_at: null, posted_by: null })
      .execute();
    for (let i = 0; i < products.length; i += 500) {
      const chunk = products.slice(i, i + 500).map((p) => ({ count_id: countId, sku: p.sku, label: p.label, frozen_quantity: p.quantity, counted: null, counted_at: null, counted_by: null }));
      await trx.insertInto('stock_count_lines').values(chunk).execute();
    }
    return countId;
  });
  return stockCount(ctx, id);
}

export async function saveStockCount(ctx: Ctx, id: string, req: SaveStockCountRequest): Promise<StockCount> {
  const author = authorOf(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    const tctx: Ctx = { ...ctx, db: trx };
    assertOpen(await countInScope(tctx, id, true));
    const skus = req.lines.map((l) => l.sku);
    const onSheet = new Set((await trx.selectFrom('stock_count_lines').select('sku').where('count_id', '=', id).where('sku', 'in', skus).execute()).map((r) => r.sku));
    const unknown = skus.filter((s) => !onSheet.has(s));
    if (unknown.length > 0) throw new ComptoirError('UNKNOWN_PRODUCT', `Not on the count sheet: ${unknown.join(', ')}`, { unknown });
    const at = nowIso(ctx);
    for (const line of req.lines) {
      await trx
        .updateTable('stock_count_lines')
        .set(line.counted === null ? { counted: null, counted_at: null, counted_by: null } : { counted: line.counted, counted_at: at, counted_by: author.userId })
        .where('count_id', '=', id)
        .where('sku', '=', line.sku)
        .execute();
    }
  });
  return stockCount(ctx, id);
}

export async function postStockCount(ctx: Ctx, id: string): Promise<StockCount> {
  const author = authorOf(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    const tctx: Ctx = { ...ctx, db: trx };
    const count = await countInScope(tctx, id, true);
    assertOpen(count);
    const lines = await sheetLines(tctx, id, count.store_id);
    const uncounted = lines.filter((l) => l.counted === null).map((l) => l.sku);
    if (uncounted.length > 0) throw new ComptoirError('STOCK_COUNT_INCOMPLETE', `${uncounted.length} line(s) not counted yet`, { uncounted });
    const at = nowIso(ctx);
    const adjustmentId = randomUUID();
    await trx.insertInto('stock_adjustments').values({ id: adjustmentId, store_id: count.store_id, count_id: id, category: count.category, posted_by: author.userId, posted_at: at }).execute();
    for (const l of lines) {
      const delta = l.counted! - l.expected;
      const movementId = delta === 0 ? null : randomUUID();
      if (movementId) {
        await trx.insertInto('stock_movements').values({ id: movementId, store_id: count.store_id, sku: l.sku, delta, reason: 'adjustment', register_id: null, ticket_number: null, created_at: at }).execute();
        await trx.insertInto('stock_movement_notes').values({ movement_id: movementId, user_id: author.userId, note: `Inventaire ${count.category}` }).execute();
        await trx
          .insertInto('stock_levels')
          .values({ store_id: count.store_id, sku: l.sku, quantity: delta })
          .onConflict((oc) => oc.columns(['store_id', 'sku']).doUpdateSet({ quantity: sql<number>`stock_levels.quantity + excluded.quantity` }))
          .execute();
      }
      await trx.insertInto('stock_adjustment_lines').values({ adjustment_id: adjustmentId, sku: l.sku, expected: l.expected, counted: l.counted!, delta, movement_id: movementId }).execute();
    }
    await trx.updateTable('stock_counts').set({ status: 'posted', posted_at: at, posted_by: author.userId }).where('id', '=', id).execute();
  });
  return stockCount(ctx, id);
}

export async function stockCount(ctx: Ctx, id: string): Promise<StockCount> {
  await countInScope(ctx, id, false);
  const head = (await summaryOf(ctx, id))!;
  const sheet = await sheetLines(ctx, id, head.store_id);
  const posted = await adjustmentOf(ctx, id);
  // Posted: the document's expected and counted quantities are the truth, not today's levels.
  const final = new Map(posted?.lines.map((l) => [l.sku, l]) ?? []);
  const lines: StockCountLine[] = sheet.map((l) => {
    const doc = final.get(l.sku);
    const expected = doc ? Number(doc.expected) : l.expected;
    const counted = doc ? Number(doc.counted) : l.counted;
    return {
      sku: l.sku,
      label: l.label,
      frozenQuantity: l.frozen,
      movedSinceStart: expected - l.frozen,
      expected,
      counted,
      countedAt: l.countedAt,
      difference: counted === null ? null : counted - expected,
    };
  });
  return {
    ...headOf(head, lines.length, lines.filter((l) => l.counted !== null).length),
    lines,
    adjustment: posted
      ? {
          id: posted.head.id,
          countId: id,
          storeId: posted.head.store_id,
          category: posted.head.category,
          postedAt: posted.head.posted_at,
          postedBy: posted.head.username,
          lines: posted.lines.map((l) => ({ sku: l.sku, expected: Number(l.expected), counted: Number(l.counted), delta: Number(l.delta) })),
        }
      : null,
  };
}

export async function listStockCounts(
  ctx: Ctx,
  query: { storeId?: string | undefined; status?: StockCountStatus | undefined; category?: string | undefined; limit: number; offset: number },
): Promise<StockCountsResponse> {
  const storeId = await resolveStoreId(ctx, query.storeId);
  const { rows, total } = await countSummaries(ctx, { ...query, storeId });
  return { items: rows.map((r) => headOf(r, Number(r.line_count ?? 0), Number(r.counted_count ?? 0))), total };
}

type Head = { id: string; store_id: string; category: string; status: StockCountStatus; started_at: string; posted_at: string | null; started_name: string; posted_name: string | null };

function headOf(r: Head, lineCount: number, countedCount: number) {
  return {
    id: r.id,
    storeId: r.store_id,
    category: r.category,
    status: r.status,
    startedAt: r.started_at,
    startedBy: r.started_name,
    postedAt: r.posted_at,
    postedBy: r.posted_name,
    lineCount,
    countedCount,
  };
}
