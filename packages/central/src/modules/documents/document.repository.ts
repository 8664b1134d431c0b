import { sql } from 'kysely';
import type { Ctx } from '../../context';
import { whereStoreIn } from '../stores/store-scope';
import type { DocumentsQuery } from '@comptoir/protocol';

/**
 * Sold within [from, until) (ISO instants) — for the tickets of `storeIds` only when given: a day
 * filter is each store's own calendar day (document.service.ts turns days into these bounds).
 */
export interface SoldWithin {
  storeIds?: string[];
  from?: string;
  until?: string;
}

export type DocumentFilter = Omit<DocumentsQuery, 'limit' | 'offset' | 'cursor' | 'exactTotal' | 'from' | 'to'> & {
  /** Sold within one of these (none: no ticket). */
  soldWithin?: SoldWithin[];
  reviewStatus?: 'open' | 'acknowledged' | 'all';
  /** Exactly one ticket of `registerId`. */
  number?: number;
};

function filtered(ctx: Ctx, f: DocumentFilter) {
  let q = ctx.db
    .selectFrom('tickets')
    .leftJoin('registers', 'registers.id', 'tickets.register_id')
    // A ticket names the id its register signed; a till customer central linked to another customer is read as that one.
    .leftJoin('till_customers', 'till_customers.id', 'tickets.customer_id')
    .leftJoin('customers', (j) => j.on((eb) => eb('customers.id', '=', eb.fn.coalesce('till_customers.customer_id', 'tickets.customer_id'))))
    .leftJoin('ticket_reviews', (j) =>
      j.onRef('ticket_reviews.register_id', '=', 'tickets.register_id').onRef('ticket_reviews.number', '=', 'tickets.number'),
    )
    .leftJoin('users as reviewer', 'reviewer.id', 'ticket_reviews.acknowledged_by');
  q = whereStoreIn(ctx, q, 'tickets.store_id');
  if (f.storeId) q = q.where('tickets.store_id', '=', f.storeId);
  if (f.registerId) q = q.where('tickets.register_id', '=', f.registerId);
  if (f.number !== undefined) q = q.where('tickets.number', '=', f.number);
  if (f.customerId) {
    const id = f.customerId;
    q = q.where((eb) => eb.or([eb('tickets.customer_id', '=', id), eb('till_customers.customer_id', '=', id)]));
  }
  if (f.soldWithin) {
    const ranges = f.soldWithin;
    if (ranges.length === 0) q = q.where(sql<boolean>`1 = 0`);
    // The envelope of the ranges on sold_at alone (the index's first column, and partition pruning),
    // then each range for its stores when they are not one for all.
    const froms = ranges.map((r) => r.from);
    const untils = ranges.map((r) => r.until);
    if (ranges.length > 0 && froms.every((x) => x !== undefined)) q = q.where('tickets.sold_at', '>=', froms.reduce((a, b) => (a < b ? a : b)));
    if (ranges.length > 0 && untils.every((x) => x !== undefined)) q = q.where('tickets.sold_at', '<', untils.reduce((a, b) => (a > b ? a : b)));
    if (ranges.length > 1 || ranges[0]?.storeIds) {
      q = q.where((eb) =>
        eb.or(
          ranges.map((r) =>
            eb.and([
              ...(r.storeIds ? [eb('tickets.store_id', 'in', r.storeIds)] : []),
              ...(r.from !== undefined ? [eb('tickets.sold_at', '>=', r.from)] : []),
              ...(r.until !== undefined ? [eb('tickets.sold_at', '<', r.until)] : []),
            ]),
          ),
        ),
      );
    }
  }
  if (f.soldOffline !== undefined) q = q.where('tickets.sold_offline', '=', f.soldOffline ? 1 : 0);
  if (f.anomalies !== undefined) q = q.where('tickets.anomalies', f.anomalies ? '<>' : '=', '[]');
  if (f.reviewStatus === 'open') q = q.where('ticket_reviews.register_id', 'is', null);
  if (f.reviewStatus === 'acknowledged') q = q.where('ticket_reviews.register_id', 'is not', null);
  return q;
}

/** Where a page ends in the list's order (sold_at desc, register_id asc, number desc): the next starts after it. */
export interface DocumentCursor {
  soldAt: string;
  registerId: string;
  number: number;
}

/**
 * A page of tickets, most recent sale first, with register and customer names and any review.
 * `after`: keyset pagination (the rows after that ticket in the list's order), read as the head of
 * `tickets_store_idx` without skipping rows; `limit + 1` rows are read to know whether a page follows.
 * `total`: an exact count (linear in the matching tickets) or, with `countBound`, a count that
 * stops at `offset + countBound` (`exact` false when there are more).
 */
export async function findDocuments(
  ctx: Ctx,
  f: DocumentFilter,
  page: { limit: number; offset: number; after?: DocumentCursor; countBound?: number },
) {
  let rowsQuery = filtered(ctx, f);
  const after = page.after;
  if (after) {
    rowsQuery = rowsQuery
      .where('tickets.sold_at', '<=', after.soldAt) // a range on the index's first column, and partition pruning
      .where((eb) =>
        eb.or([
          eb('tickets.sold_at', '<', after.soldAt),
          eb('tickets.register_id', '>', after.registerId),
          eb.and([eb('tickets.register_id', '=', after.registerId), eb('tickets.number', '<', after.number)]),
        ]),
      );
  }
  const bound = page.countBound === undefined ? undefined : page.offset + page.countBound;
  const counted =
    bound === undefined
      ? filtered(ctx, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
      : ctx.db
          .selectFrom(filtered(ctx, f).select(sql<number>`1`.as('one')).limit(bound + 1).as('bounded'))
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow();
  const [rows, count] = await Promise.all([
    rowsQuery
      .selectAll('tickets')
      .select([
        'registers.name as register_name',
        'customers.name as customer_name',
        'ticket_reviews.acknowledged_at as review_at',
        'ticket_reviews.note as review_note',
        'reviewer.username as review_by',
      ])
      .orderBy('tickets.sold_at', 'desc')
      .orderBy('tickets.register_id')
      .orderBy('tickets.number', 'desc')
      .limit(page.limit + 1)
      .offset(page.offset)
      .execute(),
    counted,
  ]);
  const more = rows.length > page.limit;
  if (more) rows.pop();
  const n = Number(count.n);
  const capped = bound !== undefined && n > bound;
  const last = rows[rows.length - 1];
  const next: DocumentCursor | null = more && last ? { soldAt: last.sold_at, registerId: last.register_id, number: Number(last.number) } : null;
  return { rows, total: capped ? bound : n, exact: !capped, next };
}
export type DocumentRow = Awaited<ReturnType<typeof findDocuments>>['rows'][number];

/** The ticket's record in its register's `ticket` chain, and the chain's head. */
export async function findChainPosition(ctx: Ctx, registerId: string, number: number) {
  const [record, head] = await Promise.all([
    ctx.db
      .selectFrom('records')
      .select(['chain', 'number', 'recorded_at', 'prev_signature', 'signature'])
      .where('register_id', '=', registerId)
      .where('chain', '=', 'ticket')
      .where('number', '=', number)
      .executeTakeFirst(),
    ctx.db
      .selectFrom('chain_heads')
      .select('last_number')
      .where('register_id', '=', registerId)
      .where('chain', '=', 'ticket')
      .executeTakeFirst(),
  ]);
  return record ? { record, headNumber: Number(head?.last_number ?? record.number) } : null;
}
