import type { VatLine } from './cart';

// The sums a closure signs and an X report reads, over signed ticket payloads: per payment method
// (counted once per ticket; cash net of the change given back; refunds negative), per VAT rate, and
// sales and returns apart (a return's total and VAT are negative; `returnsCents` is their absolute
// value). A gift card's sale is no sale: its amount is apart (`giftCardsIssuedCents`), outside the
// sales, the total and the grand totals, while the money that paid it is in the payments (the
// drawer holds it). One definition for the register that signs a Z and the verifier that recomputes it.

/** What of a signed ticket payload the sums read. */
export type SummedTicket<M extends string = string> = {
  kind: 'sale' | 'return';
  totalCents: number;
  changeCents: number;
  payments: readonly { method: M; amountCents: number }[];
  vat: readonly VatLine[];
  /** A gift card's sale (§25): the card it issues. */
  giftCard?: { amountCents: number };
};

export type PaymentSum<M extends string = string> = { method: M; amountCents: number; count: number };

export type TicketSums<M extends string = string> = {
  ticketCount: number;
  saleCount: number;
  returnCount: number;
  totalCents: number;
  payments: PaymentSum<M>[];
  vat: VatLine[];
  salesCents: number;
  returnsCents: number;
  vatSales: VatLine[];
  vatReturns: VatLine[];
  /** Gift cards sold; absent when none (so the sums of tickets without any are as before). */
  giftCardsIssuedCents?: number;
};

export const NO_TICKET_SUMS: TicketSums<never> = {
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

/** The sums of one ticket. */
export function ticketSums<M extends string>(t: SummedTicket<M>, cash: M): TicketSums<M> {
  const payments = new Map<M, PaymentSum<M>>();
  for (const p of t.payments) {
    const acc = payments.get(p.method) ?? { method: p.method, amountCents: 0, count: 1 };
    acc.amountCents += p.amountCents;
    payments.set(p.method, acc);
  }
  // Change is given back in cash: the drawer holds cash paid minus change.
  if (t.changeCents > 0) {
    const acc = payments.get(cash) ?? { method: cash, amountCents: 0, count: 1 };
    acc.amountCents -= t.changeCents;
    payments.set(cash, acc);
  }
  if (t.giftCard) {
    return { ...NO_TICKET_SUMS, ticketCount: 1, payments: [...payments.values()], giftCardsIssuedCents: t.giftCard.amountCents };
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

/** The sums of two sets of tickets together (a month is the sum of its days, a day of its tickets). */
export function addTicketSums<M extends string>(a: TicketSums<M>, b: TicketSums<M>): TicketSums<M> {
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
    ...(a.giftCardsIssuedCents || b.giftCardsIssuedCents ? { giftCardsIssuedCents: (a.giftCardsIssuedCents ?? 0) + (b.giftCardsIssuedCents ?? 0) } : {}),
  };
}

/** Sums signed ticket payloads (`cash`: the method change is given back in). */
export function sumTicketSums<M extends string>(tickets: Iterable<SummedTicket<M>>, cash: M): TicketSums<M> {
  let totals: TicketSums<M> = NO_TICKET_SUMS;
  for (const t of tickets) totals = addTicketSums(totals, ticketSums(t, cash));
  return totals;
}
