import { ComptoirError, DOCUMENTS_TOTAL_BOUND, type CustomerDetail, type DocumentsResponse, type DocumentDetail, type DocumentSummary, type DocumentsQuery, type PatchCustomerRequest, type Customer } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { nextChangeVersion } from '../../db/change-version';
import { getTicket, toTicket } from '../tickets/ticket.service';
import { assertStoreNamed, seesStore, whereStoreIn } from '../stores/store-scope';
import { dayStartIn } from '@comptoir/domain/business-day';
import { findChainPosition, findDocuments, type DocumentCursor, type DocumentFilter, type DocumentRow, type SoldWithin } from './document.repository';

export function toDocument(r: DocumentRow): DocumentSummary & { review: DocumentDetail['review'] } {
  return {
    ...toTicket(r),
    registerName: r.register_name,
    customerName: r.customer_name,
    integrationDelayMs: Math.max(0, Date.parse(r.integrated_at) - Date.parse(r.sold_at)),
    review: r.review_at ? { acknowledgedBy: r.review_by ?? '?', acknowledgedAt: r.review_at, note: r.review_note ?? '' } : null,
  };
}

/** The opaque `cursor` of the documents list: where the previous page ended (base64url JSON). */
export function encodeDocumentCursor(c: DocumentCursor): string {
  return Buffer.from(JSON.stringify([c.soldAt, c.registerId, c.number])).toString('base64url');
}
export function decodeDocumentCursor(text: string): DocumentCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  const [soldAt, registerId, number] = Array.isArray(parsed) && parsed.length === 3 ? parsed : [];
  if (typeof soldAt !== 'string' || Number.isNaN(Date.parse(soldAt)) || typeof registerId !== 'string' || !Number.isSafeInteger(number) || number < 1)
    throw new ComptoirError('VALIDATION', 'cursor: not a cursor this list gave (nextCursor)', { field: 'cursor' });
  return { soldAt, registerId, number };
}

/**
 * `from`/`to` days as the instants they are on each store's clock (architecture §23): a day runs from
 * 00:00 to 24:00 in the store's time zone, so the stores the list may show are grouped by zone, one
 * range per zone (one store named, or all in one zone: one range for all).
 */
async function storeDayRanges(ctx: Ctx, storeId: string | undefined, from: string | undefined, to: string | undefined): Promise<SoldWithin[] | undefined> {
  if (from === undefined && to === undefined) return undefined;
  let q = whereStoreIn(ctx, ctx.db.selectFrom('stores').select(['id', 'timezone']), 'id');
  if (storeId) q = q.where('id', '=', storeId);
  const byZone = new Map<string, string[]>();
  for (const s of await q.execute()) byZone.set(s.timezone, [...(byZone.get(s.timezone) ?? []), s.id]);
  const bounds = (zone: string) => ({
    ...(from !== undefined ? { from: dayStartIn(from, zone) } : {}),
    ...(to !== undefined ? { until: dayStartIn(to, zone, 1) } : {}),
  });
  if (byZone.size === 1) return [bounds([...byZone.keys()][0]!)];
  return [...byZone].map(([zone, storeIds]) => ({ storeIds, ...bounds(zone) }));
}

/**
 * The documents list. Bounded by default (`DOCUMENTS_TOTAL_BOUND`: the back office's hot path
 * costs a page, not the store's whole history); `exactTotal` counts every match. The review queue
 * and a customer's page ask for an exact count (anomalies and one customer's tickets are few).
 */
export async function listDocuments(
  ctx: Ctx,
  query: DocumentsQuery & { reviewStatus?: DocumentFilter['reviewStatus'] },
  options: { exactTotal?: boolean } = {},
): Promise<DocumentsResponse & { items: ReturnType<typeof toDocument>[] }> {
  const { limit, offset, cursor, exactTotal, from, to, ...rest } = query;
  if (rest.storeId) assertStoreNamed(ctx, rest.storeId);
  const soldWithin = await storeDayRanges(ctx, rest.storeId, from, to);
  const filter: DocumentFilter = soldWithin ? { ...rest, soldWithin } : rest;
  if (cursor !== undefined && offset !== 0) throw new ComptoirError('VALIDATION', 'offset: 0 with a cursor (the cursor says where the page starts)', { field: 'offset' });
  const after = cursor === undefined ? undefined : decodeDocumentCursor(cursor);
  const exact = exactTotal === true || options.exactTotal === true;
  const { rows, total, exact: totalExact, next } = await findDocuments(ctx, filter, { limit, offset, after, countBound: exact ? undefined : DOCUMENTS_TOTAL_BOUND });
  return { items: rows.map(toDocument), total, totalExact, nextCursor: next ? encodeDocumentCursor(next) : null };
}

/** One ticket with lines, payments, VAT, its place in the signed chain and any review. */
export async function getDocument(ctx: Ctx, registerId: string, number: number): Promise<DocumentDetail> {
  // getTicket validates the key and loads lines, payments and VAT; the summary adds names and review.
  const ticket = await getTicket(ctx, registerId, number);
  const [{ rows }, chain] = await Promise.all([
    findDocuments(ctx, { registerId, number }, { limit: 1, offset: 0 }),
    findChainPosition(ctx, registerId, number),
  ]);
  const summary = toDocument(rows[0]!);
  return {
    ...summary,
    lines: ticket.lines ?? [],
    payments: ticket.payments ?? [],
    vat: ticket.vat ?? [],
    chain: chain
      ? {
          chain: chain.record.chain,
          number: Number(chain.record.number),
          recordedAt: chain.record.recorded_at,
          prevSignature: chain.record.prev_signature,
          signature: chain.record.signature,
          headNumber: chain.headNumber,
        }
      : null,
  };
}

export async function getCustomerDetail(ctx: Ctx, id: string, page: { limit: number; offset: number }): Promise<CustomerDetail> {
  const c = await ctx.db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
  if (!c || !seesStore(ctx, c.store_id)) throw new ComptoirError('NOT_FOUND', `Unknown customer ${id}`, { customerId: id });
  const docs = await listDocuments(ctx, { customerId: id, ...page }, { exactTotal: true });
  return { id: c.id, storeId: c.store_id, name: c.name, email: c.email, phone: c.phone, documents: docs.items, documentsTotal: docs.total };
}

/** Edit of a customer under a new change version (the store's registers pull it). */
export async function patchCustomer(ctx: Ctx, id: string, req: PatchCustomerRequest): Promise<Customer> {
  const held = await ctx.db.selectFrom('customers').select('store_id').where('id', '=', id).executeTakeFirst();
  if (!held || !seesStore(ctx, held.store_id)) throw new ComptoirError('NOT_FOUND', `Unknown customer ${id}`, { customerId: id });
  return ctx.db.transaction().execute(async (trx) => {
    const version = await nextChangeVersion(trx);
    const res = await trx
      .updateTable('customers')
      .set({
        ...(req.name !== undefined ? { name: req.name } : {}),
        ...(req.email !== undefined ? { email: req.email } : {}),
        ...(req.phone !== undefined ? { phone: req.phone } : {}),
        change_version: version,
      })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new ComptoirError('NOT_FOUND', `Unknown customer ${id}`, { customerId: id });
    const c = await trx.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    return { id: c.id, storeId: c.store_id, name: c.name, email: c.email, phone: c.phone };
  });
}
