import { priceLines, type PricedLine, type VatLine } from './cart';
import { settlePayments, type Payment } from './payment';

/** A ticket as signed by a register: its lines, VAT lines, total and tender, as stated. */
export type StatedTicket = {
  lines: readonly (Omit<PricedLine, 'lineNo'> & { lineNo: number })[];
  vat: readonly VatLine[];
  totalCents: number;
  payments: readonly Payment[];
  changeCents: number;
  /** A gift card's sale (§25): no line, no VAT; its total is the card's amount. */
  giftCard?: { amountCents: number };
};

/** The first step of a ticket's arithmetic that disagrees with what the domain computes. */
export type TotalsStep = 'lines' | 'vat' | 'total' | 'payments';

/**
 * Re-does a signed ticket's arithmetic with the same functions the register priced it with, step by
 * step — lines (priceLines) → VAT lines → total → payments (settlePayments, change) — and names the
 * first step whose stated figures differ from the computed ones; null when every figure agrees.
 * Pure: a disagreement is a business anomaly for the caller to flag, never an error.
 */
export function ticketTotalsMismatch(t: StatedTicket): TotalsStep | null {
  if (t.giftCard) {
    if (t.lines.length > 0) return 'lines';
    if (t.vat.length > 0) return 'vat';
    if (t.totalCents !== t.giftCard.amountCents) return 'total';
    const settledCard = settlePayments(t.totalCents, t.payments);
    return settledCard.ok && settledCard.value.changeCents === t.changeCents ? null : 'payments';
  }
  const priced = priceLines(t.lines);
  if (!priced.ok) return 'lines';
  const cart = priced.value;
  if (cart.lines.some((l, i) => l.totalCents !== t.lines[i]!.totalCents || l.lineNo !== t.lines[i]!.lineNo)) return 'lines';
  const stated = [...t.vat].sort((a, b) => b.rate - a.rate);
  if (
    stated.length !== cart.vat.length ||
    cart.vat.some((v, i) => {
      const s = stated[i]!;
      return s.rate !== v.rate || s.baseCents !== v.baseCents || s.vatCents !== v.vatCents || s.totalCents !== v.totalCents;
    })
  ) {
    return 'vat';
  }
  if (t.totalCents !== cart.totalCents) return 'total';
  const settled = settlePayments(cart.totalCents, t.payments);
  if (!settled.ok || settled.value.changeCents !== t.changeCents) return 'payments';
  return null;
}
