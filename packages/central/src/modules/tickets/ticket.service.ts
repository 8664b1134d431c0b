import { ComptoirError, type CentralTicket, type PaymentMethod } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import type { TicketRow } from '../../db/schema';
import { seesStore } from '../stores/store-scope';
import { findTicket, findTicketDetails, findTickets } from './ticket.repository';

/** The API form of a stored ticket row (shared by the tickets and documents views). */
export function toTicket(r: TicketRow): CentralTicket {
  return {
    registerId: r.register_id,
    number: Number(r.number),
    storeId: r.store_id,
    kind: r.kind,
    totalCents: Number(r.total_cents),
    soldAt: r.sold_at,
    soldOffline: r.sold_offline === 1,
    integratedAt: r.integrated_at,
    anomalies: JSON.parse(r.anomalies) as string[],
    customerId: r.customer_id,
    cashierId: r.cashier_id,
    original: r.original_register_id !== null ? { registerId: r.original_register_id, number: Number(r.original_number) } : null,
    signature: r.signature,
  };
}

async function withDetails(ctx: Ctx, rows: TicketRow[]): Promise<CentralTicket[]> {
  const d = await findTicketDetails(ctx, rows);
  const key = (registerId: string, n: number | string) => `${registerId}#${Number(n)}`;
  const tickets = new Map(rows.map((r) => [key(r.register_id, r.number), { ...toTicket(r), lines: [], payments: [], vat: [] } as Required<CentralTicket>]));
  for (const l of d.lines) {
    tickets.get(key(l.register_id, l.number))?.lines.push({
      lineNo: Number(l.line_no),
      sku: l.sku,
      label: l.label,
      quantity: Number(l.quantity),
      unitPriceCents: Number(l.unit_price_cents),
      vatRate: Number(l.vat_rate),
      discountCents: Number(l.discount_cents),
      totalCents: Number(l.total_cents),
    });
  }
  for (const p of d.payments) {
    tickets.get(key(p.register_id, p.number))?.payments.push({ method: p.method as PaymentMethod, amountCents: Number(p.amount_cents) });
  }
  for (const v of d.vat) {
    tickets.get(key(v.register_id, v.number))?.vat.push({
      rate: Number(v.rate),
      baseCents: Number(v.base_cents),
      vatCents: Number(v.vat_cents),
      totalCents: Number(v.total_cents),
    });
  }
  return [...tickets.values()];
}

/** Tickets by register then number (the chain order); `detail` adds lines, payments and VAT. */
export async function listTickets(
  ctx: Ctx,
  query: { registerId?: string | undefined; limit: number; offset: number; detail?: string | undefined },
): Promise<{ items: CentralTicket[]; total: number }> {
  const { rows, total } = await findTickets(ctx, query);
  const detail = query.detail === '1' || query.detail === 'true';
  return { items: detail ? await withDetails(ctx, rows) : rows.map(toTicket), total };
}

export async function getTicket(ctx: Ctx, registerId: string, number: number): Promise<CentralTicket> {
  const row = Number.isSafeInteger(number) && number > 0 ? await findTicket(ctx, registerId, number) : undefined;
  if (!row || !seesStore(ctx, row.store_id)) throw new ComptoirError('NOT_FOUND', `No ticket ${registerId}/${number}`, { registerId, number });
  const [ticket] = await withDetails(ctx, [row]);
  return ticket!;
}
