import { sql } from 'kysely';
import type { Ctx } from '../../context';

// SQL of stock counts (stock-count.service.ts).

/** The count's row with its author's name; on PostgreSQL locked (FOR UPDATE) until the transaction ends. */
export async function countRow(ctx: Ctx, id: string, lock: boolean) {
  const row = await ctx.db
    .selectFrom('stock_counts')
    .selectAll()
    .where('id', '=', id)
    .$if(lock && ctx.dialect === 'postgres', (q) => q.forUpdate())
    .executeTakeFirst();
  return row;
}

export async function openCountOf(ctx: Ctx, storeId: string, category: string) {
  return ctx.db.selectFrom('stock_counts').select('id').where('store_id', '=', storeId).where('category', '=', category).where('status', '=', 'open').executeTakeFirst();
}

/** Active products of the category with the store's level now (0 when nothing ever moved). */
export async function categoryLevels(ctx: Ctx, storeId: string, category: string) {
  const rows = await ctx.db
    .selectFrom('products')
    .leftJoin('stock_levels', (j) => j.onRef('stock_levels.sku', '=', 'products.sku').on('stock_levels.store_id', '=', storeId))
    .select(['products.sku', 'products.label', 'stock_levels.quantity'])
    .where('products.active', '=', 1)
    .where('products.category', '=', category)
    .orderBy('products.sku')
    .execute();
  return rows.map((r) => ({ sku: r.sku, label: r.label, quantity: Number(r.quantity ?? 0) }));
}

/**
 * The sheet's lines with what each should hold when counted (docs/architecture.md §21):
 * `expected = level now − movements made after the line was counted` (not counted yet: the level
 * now). A ticket's movement is made at its signed sale time (a sale made offline before the count
 * but pushed after it is not taken off twice); any other at the time central recorded it.
 */
export async function sheetLines(ctx: Ctx, countId: string, storeId: string) {
  const rows = await ctx.db
    .selectFrom('stock_count_lines as l')
    .leftJoin('stock_levels as s', (j) => j.onRef('s.sku', '=', 'l.sku').on('s.store_id', '=', storeId))
    .leftJoin('stock_movements as m', (j) =>
      j
        .onRef('m.sku', '=', 'l.sku')
        .on('m.store_id', '=', storeId)
        .on('l.counted_at', 'is not', null)
        .on(sql<boolean>`m.created_at > l.counted_at`),
    )
    .leftJoin('tickets as t', (j) => j.onRef('t.register_id', '=', 'm.register_id').onRef('t.number', '=', 'm.ticket_number'))
    .select(['l.sku', 'l.label', 'l.frozen_quantity', 'l.counted', 'l.counted_at', 's.quantity'])
    .select(sql<number>`sum(case when coalesce(t.sold_at, m.created_at) > l.counted_at then m.delta else 0 end)`.as('after'))
    .where('l.count_id', '=', countId)
    .groupBy(['l.sku', 'l.label', 'l.frozen_quantity', 'l.counted', 'l.counted_at', 's.quantity'])
    .orderBy('l.sku')
    .execute();
  return rows.map((r) => ({
    sku: r.sku,
    label: r.label,
    frozen: Number(r.frozen_quantity),
    counted: r.counted === null ? null : Number(r.counted),
    countedAt: r.counted_at,
    expected: Number(r.quantity ?? 0) - Number(r.after ?? 0),
  }));
}

export async function countSummaries(ctx: Ctx, q: { storeId: string; status?: 'open' | 'posted' | undefined; category?: string | undefined; limit: number; offset: number }) {
  const base = () =>
    ctx.db
      .selectFrom('stock_counts as c')
      .where('c.store_id', '=', q.storeId)
      .$if(q.status !== undefined, (b) => b.where('c.status', '=', q.status!))
      .$if(Boolean(q.category), (b) => b.where('c.category', '=', q.category!));
  const [rows, total] = await Promise.all([
    base()
      .innerJoin('users as u', 'u.id', 'c.started_by')
      .leftJoin('users as p', 'p.id', 'c.posted_by')
      .selectAll('c')
      .select(['u.username as started_name', 'p.username as posted_name'])
      .select((eb) => [
        eb.selectFrom('stock_count_lines').whereRef('count_id', '=', 'c.id').select((e) => e.fn.countAll<number>().as('n')).as('line_count'),
        eb.selectFrom('stock_count_lines').whereRef('count_id', '=', 'c.id').where('counted', 'is not', null).select((e) => e.fn.countAll<number>().as('n')).as('counted_count'),
      ])
      .orderBy('c.started_at', 'desc')
      .orderBy('c.id')
      .limit(q.limit)
      .offset(q.offset)
      .execute(),
    base().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(total.n) };
}

export async function summaryOf(ctx: Ctx, countId: string) {
  return ctx.db
    .selectFrom('stock_counts as c')
    .innerJoin('users as u', 'u.id', 'c.started_by')
    .leftJoin('users as p', 'p.id', 'c.posted_by')
    .selectAll('c')
    .select(['u.username as started_name', 'p.username as posted_name'])
    .where('c.id', '=', countId)
    .executeTakeFirst();
}

export async function adjustmentOf(ctx: Ctx, countId: string) {
  const head = await ctx.db
    .selectFrom('stock_adjustments as a')
    .innerJoin('users as u', 'u.id', 'a.posted_by')
    .selectAll('a')
    .select('u.username')
    .where('a.count_id', '=', countId)
    .executeTakeFirst();
  if (!head) return null;
  const lines = await ctx.db.selectFrom('stock_adjustment_lines').selectAll().where('adjustment_id', '=', head.id).orderBy('sku').execute();
  return { head, lines };
}
