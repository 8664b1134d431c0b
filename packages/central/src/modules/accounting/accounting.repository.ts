import type { ClosurePayload, PaymentMethod } from '@comptoir/protocol';
import type { Ctx } from '../../context';

// Reads for the accounting views: a store's registers, their day closures (Z), and the tickets a
// period covers with their VAT lines and payments. Read-only: every row read here is a signed fact.

export interface StoreRegister {
  id: string;
  name: string;
}

/** A day Z as signed (the cash fields exist from ClosurePayload v2 on; absent before). */
export interface DayClosure {
  registerId: string;
  number: number;
  periodKey: string;
  firstTicket: number | null;
  lastTicket: number;
  payload: ClosurePayload & { cashExpectedCents?: number | null; cashCountedCents?: number | null; cashDifferenceCents?: number | null };
}

export interface AccountingTicket {
  registerId: string;
  number: number;
  kind: 'sale' | 'return';
  totalCents: number;
  soldAt: string;
  original: { registerId: string; number: number } | null;
  vat: { rate: number; baseCents: number; vatCents: number; totalCents: number }[];
  /** As tendered (the change is not deducted here). */
  payments: { method: PaymentMethod; amountCents: number }[];
  /** A gift card's sale (§25): the card it issued; such a ticket has no VAT line and is no sale. */
  giftCardCents?: number;
}

/** The gift cards a register's tickets `lo..hi` issued, by ticket number (`credit_notes` of kind gift_card). */
export async function giftCardsIssued(ctx: Ctx, registerId: string, lo: number, hi: number): Promise<Map<number, number>> {
  const rows = await ctx.db
    .selectFrom('credit_notes')
    .select(['return_number', 'amount_cents'])
    .where('register_id', '=', registerId)
    .where('kind', '=', 'gift_card')
    .where('return_number', '>=', lo)
    .where('return_number', '<=', hi)
    .execute();
  return new Map(rows.map((r) => [Number(r.return_number), Number(r.amount_cents)]));
}

export async function storeRegisters(ctx: Ctx, storeId: string): Promise<StoreRegister[]> {
  return ctx.db.selectFrom('registers').select(['id', 'name']).where('store_id', '=', storeId).orderBy('name').orderBy('id').execute();
}

/** Every day closure of a register, in chain order. */
export async function dayClosures(ctx: Ctx, registerId: string): Promise<DayClosure[]> {
  const rows = await ctx.db
    .selectFrom('records')
    .select(['number', 'payload'])
    .where('register_id', '=', registerId)
    .where('chain', '=', 'closure')
    .orderBy('number')
    .execute();
  const out: DayClosure[] = [];
  for (const r of rows) {
    const payload = JSON.parse(r.payload) as DayClosure['payload'];
    if (payload.period !== 'day') continue;
    out.push({ registerId, number: Number(r.number), periodKey: payload.periodKey, firstTicket: payload.firstTicket, lastTicket: payload.lastTicket, payload });
  }
  return out;
}

/**
 * Tickets of a register with `from ≤ number ≤ to` (`to` null: no upper bound), optionally only those
 * sold in [soldFrom, soldTo) (ISO instants), with their VAT lines and payments.
 */
export async function ticketsInRange(
  ctx: Ctx,
  registerId: string,
  range: { from: number; to: number | null; soldFrom?: string; soldTo?: string },
): Promise<AccountingTicket[]> {
  let tq = ctx.db
    .selectFrom('tickets')
    .select(['number', 'kind', 'total_cents', 'sold_at', 'original_register_id', 'original_number'])
    .where('register_id', '=', registerId)
    .where('number', '>=', range.from);
  if (range.to !== null) tq = tq.where('number', '<=', range.to);
  if (range.soldFrom) tq = tq.where('sold_at', '>=', range.soldFrom);
  if (range.soldTo) tq = tq.where('sold_at', '<', range.soldTo);
  const tickets = await tq.orderBy('number').execute();
  if (tickets.length === 0) return [];
  const lo = Number(tickets[0]!.number);
  const hi = Number(tickets[tickets.length - 1]!.number);
  const [vat, payments, cards] = await Promise.all([
    ctx.db.selectFrom('ticket_vat').select(['number', 'rate', 'base_cents', 'vat_cents', 'total_cents']).where('register_id', '=', registerId).where('number', '>=', lo).where('number', '<=', hi).orderBy('number').orderBy('rate', 'desc').execute(),
    ctx.db.selectFrom('ticket_payments').select(['number', 'method', 'amount_cents']).where('register_id', '=', registerId).where('number', '>=', lo).where('number', '<=', hi).orderBy('number').orderBy('seq').execute(),
    giftCardsIssued(ctx, registerId, lo, hi),
  ]);
  const byNumber = new Map<number, AccountingTicket>();
  for (const t of tickets) {
    const number = Number(t.number);
    byNumber.set(number, {
      registerId,
      number,
      kind: t.kind,
      totalCents: Number(t.total_cents),
      soldAt: t.sold_at,
      original: t.original_register_id !== null && t.original_number !== null ? { registerId: t.original_register_id, number: Number(t.original_number) } : null,
      vat: [],
      payments: [],
      ...(cards.has(number) ? { giftCardCents: cards.get(number)! } : {}),
    });
  }
  for (const v of vat) byNumber.get(Number(v.number))?.vat.push({ rate: v.rate, baseCents: Number(v.base_cents), vatCents: Number(v.vat_cents), totalCents: Number(v.total_cents) });
  for (const p of payments) byNumber.get(Number(p.number))?.payments.push({ method: p.method as PaymentMethod, amountCents: Number(p.amount_cents) });
  return [...byNumber.values()];
}
