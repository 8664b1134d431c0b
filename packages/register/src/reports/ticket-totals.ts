import type { PaymentMethod, TicketPayload, TicketTotals } from '@comptoir/protocol';

/**
 * Sums signed ticket payloads (the legal facts, not derived tables): counts, net total, per payment
 * method (cash net of the change given back; refunds negative) and per VAT rate. Used by the X
 * report and by closures, so that a Z always equals the X read just before it.
 */
export function sumTickets(tickets: Iterable<TicketPayload>): TicketTotals {
  let ticketCount = 0;
  let saleCount = 0;
  let returnCount = 0;
  let totalCents = 0;
  const payments = new Map<PaymentMethod, { amountCents: number; count: number }>();
  const vat = new Map<number, { baseCents: number; vatCents: number; totalCents: number }>();
  for (const t of tickets) {
    ticketCount++;
    if (t.kind === 'sale') saleCount++;
    else returnCount++;
    totalCents += t.totalCents;
    const seen = new Set<PaymentMethod>();
    for (const p of t.payments) {
      const acc = payments.get(p.method) ?? { amountCents: 0, count: 0 };
      acc.amountCents += p.amountCents;
      if (!seen.has(p.method)) acc.count++;
      seen.add(p.method);
      payments.set(p.method, acc);
    }
    // Change is given back in cash: the drawer holds cash paid minus change.
    if (t.changeCents > 0) {
      const cash = payments.get('cash') ?? { amountCents: 0, count: 0 };
      cash.amountCents -= t.changeCents;
      payments.set('cash', cash);
    }
    for (const v of t.vat) {
      const acc = vat.get(v.rate) ?? { baseCents: 0, vatCents: 0, totalCents: 0 };
      acc.baseCents += v.baseCents;
      acc.vatCents += v.vatCents;
      acc.totalCents += v.totalCents;
      vat.set(v.rate, acc);
    }
  }
  return {
    ticketCount,
    saleCount,
    returnCount,
    totalCents,
    payments: [...payments].sort(([a], [b]) => a.localeCompare(b)).map(([method, v]) => ({ method, ...v })),
    vat: [...vat].sort(([a], [b]) => b - a).map(([rate, v]) => ({ rate, ...v })),
  };
}
