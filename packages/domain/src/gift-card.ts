import { formatEuros, isCents } from './money';
import type { Payment, PaymentMethod } from './payment';
import { err, ok, type Result } from './result';

/**
 * Gift cards (cartes cadeaux, docs/architecture.md §25), the rules a till enforces:
 * - **Selling one**: a positive amount, at most the store's cap (`stores.gift_card_max_cents`,
 *   carried in the SOS copy; this is only its default), paid by cash, card or cheque (not by an avoir,
 *   a meal voucher or another gift card). A multi-purpose voucher is outside VAT when sold: the card's
 *   ticket has no VAT line and is no turnover; VAT is due on what it buys when it is spent.
 * - **Spending one**: never any change out of it, so the gift cards of a ticket never exceed its
 *   total (each cent spent once is the stored-value mechanism's job, not this pure rule's).
 * - Never a refund method: a return refunds by cash, card, cheque or avoir.
 */
export const DEFAULT_GIFT_CARD_MAX_CENTS = 50_000;

export const GIFT_CARD_ERRORS = ['GIFT_CARD_AMOUNT', 'GIFT_CARD_MAX', 'GIFT_CARD_TENDER', 'GIFT_CARD_OVER_DUE', 'GIFT_CARD_REFUND'] as const;

/** What may pay for a gift card: money only. */
export const GIFT_CARD_SALE_METHODS: readonly PaymentMethod[] = ['cash', 'card', 'cheque'];

/** A card's amount against the store's cap; ok with the amount. */
export function checkGiftCardAmount(amountCents: number, maxCents: number): Result<number> {
  if (!isCents(maxCents) || maxCents <= 0) throw new RangeError(`gift card cap: not a positive integer of cents: ${maxCents}`);
  if (!isCents(amountCents) || amountCents <= 0) return err('GIFT_CARD_AMOUNT', `A gift card is sold for a positive integer of cents (got ${amountCents})`);
  if (amountCents > maxCents) return err('GIFT_CARD_MAX', `A gift card of ${formatEuros(amountCents)} is above this store's cap of ${formatEuros(maxCents)}`);
  return ok(amountCents);
}

/** The tenders of a card's sale: cash, card or cheque only. */
export function checkGiftCardSaleTenders(payments: readonly Payment[]): Result<null> {
  const other = payments.find((p) => !GIFT_CARD_SALE_METHODS.includes(p.method));
  return other ? err('GIFT_CARD_TENDER', `A gift card is paid by cash, card or cheque, not by ${other.method}`) : ok(null);
}

/** The gift-card part of a ticket's payments. */
export function giftCardCents(payments: readonly Payment[]): number {
  return payments.reduce((s, p) => (p.method === 'gift_card' ? s + p.amountCents : s), 0);
}

/** A ticket's payments against the gift-card rules: never a refund, never above the ticket's total (no change). Ok with the cards' total. */
export function checkGiftCardTenders(totalCents: number, payments: readonly Payment[]): Result<number> {
  if (!payments.some((p) => p.method === 'gift_card')) return ok(0);
  if (totalCents < 0) return err('GIFT_CARD_REFUND', 'A refund is never made on a gift card');
  const cards = giftCardCents(payments);
  if (cards > totalCents) return err('GIFT_CARD_OVER_DUE', `Gift cards total ${formatEuros(cards)}, above the ticket's ${formatEuros(totalCents)}: no change is given on a gift card`);
  return ok(cards);
}
