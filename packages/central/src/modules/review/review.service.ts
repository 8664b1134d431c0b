import { ComptoirError, type ReviewItem, type ReviewResponse } from '@comptoir/protocol';
import { nowIso, type Ctx } from '../../context';
import { listDocuments } from '../documents/document.service';
import { seesStore } from '../stores/store-scope';

/** Tickets flagged with anomalies, open (not yet acknowledged) by default, newest first. */
export async function reviewQueue(ctx: Ctx, query: { status: 'open' | 'acknowledged' | 'all'; limit: number; offset: number }): Promise<ReviewResponse> {
  const { items, total } = await listDocuments(ctx, { anomalies: true, reviewStatus: query.status, limit: query.limit, offset: query.offset }, { exactTotal: true });
  return { items: items as ReviewItem[], total };
}

/**
 * Acknowledges a flagged ticket: who and when, once. The ticket itself (a signed fact) is not
 * touched. A ticket without anomalies cannot be acknowledged; a second acknowledgement is a conflict.
 */
export async function acknowledge(ctx: Ctx, registerId: string, number: number, note: string): Promise<ReviewItem> {
  const user = ctx.user;
  if (user?.kind !== 'user') throw new ComptoirError('FORBIDDEN', 'A back-office user is required');
  await ctx.db.transaction().execute(async (trx) => {
    const t = await trx.selectFrom('tickets').select(['anomalies', 'store_id']).where('register_id', '=', registerId).where('number', '=', number).executeTakeFirst();
    if (!t || !seesStore(ctx, t.store_id)) throw new ComptoirError('NOT_FOUND', `No ticket ${registerId}/${number}`, { registerId, number });
    if (t.anomalies === '[]') throw new ComptoirError('CONFLICT', `Ticket ${number} has no anomaly to review`, { registerId, number });
    const done = await trx.selectFrom('ticket_reviews').select('acknowledged_at').where('register_id', '=', registerId).where('number', '=', number).executeTakeFirst();
    if (done) throw new ComptoirError('CONFLICT', `Ticket ${number} was already acknowledged`, { registerId, number });
    await trx.insertInto('ticket_reviews').values({ register_id: registerId, number, acknowledged_by: user.userId, acknowledged_at: nowIso(ctx), note }).execute();
  });
  const { items } = await listDocuments(ctx, { registerId, anomalies: true, reviewStatus: 'all', limit: 1000, offset: 0 });
  return items.find((i) => i.number === number) as ReviewItem;
}
