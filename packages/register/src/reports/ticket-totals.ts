import type { DayTotals, PaymentMethod, PaymentTotal, TicketPayload, VatLine } from '@comptoir/protocol';

export const NO_TICKETS: DayTotals = {
  ticketCount: 0,
  saleCount: 0,
  returnCount: 0,
  totalCents: 0,
  payments: [],
  vat: [],
  salesCents: 0,
  returnsCents: 0,
  vatSales: [],
  vatReturns: [],
};

/**
 * The totals of one signed ticket payload (the legal facts, not derived tables): per payment method
 * (counted once per ticket; cash net of the change given back; refunds negative), per VAT rate, and
 * sales and returns apart (a return's total and VAT are negative; `returnsCents` is their absolute value).
 */
export function ticketTotals(t: TicketPayload): DayTotals {
  const payments = new Map<PaymentMethod, PaymentTotal>();
  for (const p of t.payments) {
    const acc = payments.get(p.method) ?? { method: p.method, amountCents: 0, count: 1 };
    acc.amountCents += p.amountCents;
    payments.set(p.method, acc);
  }
  // Change is given back in cash: the drawer holds cash paid minus change.
  if (t.changeCents > 0) {
    const cash = payments.get('cash') ?? { method: 'cash', amountCents: 0, count: 1 };
    cash.amountCents -= t.changeCents;
    payments.set('cash', cash);
  }
  const sale = t.kind === 'sale';
  const vat = t.vat.map((v) => ({ ...v }));
  return {
    ticketCount: 1,
    saleCount: sale ? 1 : 0,
    returnCount: sale ? 0 : 1,
    totalCents: t.totalCents,
    payments: [...payments.values()],
    vat,
    salesCents: sale ? t.totalCents : 0,
    returnsCents: sale ? 0 : -t.totalCents,
    vatSales: sale ? vat.map((v) => ({ ...v })) : [],
    vatReturns: sale ? [] : vat.map((v) => ({ ...v })),
  };
}

function addVat(a: readonly VatLine[], b: readonly VatLine[]): VatLine[] {
  const vat = new Map(a.map((v) => [v.rate, { ...v }]));
  for (const v of b) {
    const acc = vat.get(v.rate);
    if (acc) {
      acc.baseCents += v.baseCents;
      acc.vatCents += v.vatCents;
      acc.totalCents += v.totalCents;
    } else vat.set(v.rate, { ...v });
  }
  return [...vat.values()].sort((x, y) => y.rate - x.rate);
}

/** The totals of two sets of tickets together (a month is the sum of its days, a day of its tickets). */
export function addTotals(a: DayTotals, b: DayTotals): DayTotals {
  const payments = new Map(a.payments.map((p) => [p.method, { ...p }]));
  for (const p of b.payments) {
    const acc = payments.get(p.method);
    if (acc) {
      acc.amountCents += p.amountCents;
      acc.count += p.count;
    } else payments.set(p.method, { ...p });
  }
  return {
    ticketCount: a.ticketCount + b.ticketCount,
    saleCount: a.saleCount + b.saleCount,
    returnCount: a.returnCount + b.returnCount,
    totalCents: a.totalCents + b.totalCents,
    payments: [...payments.values()].sort((x, y) => x.method.localeCompare(y.method)),
    vat: addVat(a.vat, b.vat),
    salesCents: a.salesCents + b.salesCents,
    returnsCents: a.returnsCents + b.returnsCents,
    vatSales: addVat(a.vatSales, b.vatSales),
    vatReturns: addVat(a.vatReturns, b.vatReturns),
  };
}

/** Sums signed ticket payloads: what the X report reads and a day closure signs (so a Z always equals the X read just before it). */
export function sumTickets(tickets: Iterable<TicketPayload>): DayTotals {
  let totals = NO_TICKETS;
  for (const t of tickets) totals = addTotals(totals, ticketTotals(t));
  return totals;
}
