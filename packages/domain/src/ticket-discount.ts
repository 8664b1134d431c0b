import type { LineInput } from './cart';
import { err, ok, type Result } from './result';

// A discount on the whole ticket (issue 12): a percentage or an amount, spread over the lines so the
// VAT of each rate is computed on what was really paid (docs/architecture.md §9: VAT per rate on the
// sum of that rate's line totals). The spread is exact to the cent: the shares sum to the discount,
// each is proportional to its line's net (after the line's own discount) within one cent, no line
// goes below zero. Largest remainder: each line first gets the floor of its exact share, the cents
// left go to the lines with the largest fractional parts (the first such line on a tie).

export type TicketDiscount = { percentBp: number } | { amountCents: number };

/** The discount in cents a ticket discount gives on a net amount (a percentage rounded half up). */
export function ticketDiscountCents(netCents: number, discount: TicketDiscount): number {
  if ('amountCents' in discount) return discount.amountCents;
  return Number((BigInt(netCents) * BigInt(discount.percentBp) * 2n + 10000n) / 20000n);
}

/**
 * The lines with the ticket discount added to their own discounts. Sale lines only (positive
 * quantities); a percentage is 1–10000 basis points, an amount at least 1 cent and at most the
 * ticket's net total.
 */
export function spreadTicketDiscount(lines: readonly LineInput[], discount: TicketDiscount): Result<LineInput[]> {
  if ('percentBp' in discount && (!Number.isSafeInteger(discount.percentBp) || discount.percentBp < 1 || discount.percentBp > 10000)) {
    return err('TICKET_DISCOUNT_INVALID', `A ticket discount is 0,01 % to 100 % (got ${discount.percentBp} basis points)`);
  }
  if ('amountCents' in discount && (!Number.isSafeInteger(discount.amountCents) || discount.amountCents < 1)) {
    return err('TICKET_DISCOUNT_INVALID', `A ticket discount amount is a positive number of cents (got ${discount.amountCents})`);
  }
  if (lines.some((l) => !(l.quantity > 0))) return err('TICKET_DISCOUNT_INVALID', 'A ticket discount applies to a sale');
  const nets = lines.map((l) => Math.max(0, l.unitPriceCents * l.quantity - (l.discountCents ?? 0)));
  const total = nets.reduce((s, n) => s + n, 0);
  const wanted = ticketDiscountCents(total, discount);
  if (wanted > total) return err('TICKET_DISCOUNT_INVALID', `The ticket discount (${wanted} cents) exceeds the ticket's total (${total} cents)`);
  if (wanted === 0) return ok(lines.map((l) => ({ ...l })));
  const big = BigInt(wanted);
  const sum = BigInt(total);
  const shares = nets.map((n) => Number((big * BigInt(n)) / sum));
  const remainders = nets.map((n, i) => ({ i, r: (big * BigInt(n)) % sum }));
  let left = wanted - shares.reduce((s, x) => s + x, 0);
  remainders.sort((a, b) => (a.r === b.r ? a.i - b.i : a.r > b.r ? -1 : 1));
  for (const { i } of remainders) {
    if (left === 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  return ok(lines.map((l, i) => ({ ...l, discountCents: (l.discountCents ?? 0) + shares[i]! })));
}
