import { formatEuros, isCents } from './money';
import type { Payment } from './payment';
import { err, ok, type Result } from './result';

/**
 * Meal vouchers (titres-restaurant), the French rules a till enforces (docs/architecture.md §24):
 * - **No change given**: a voucher is never paid back in cash, so the vouchers of a ticket never
 *   exceed its total, and at the till a voucher tender never exceeds what remains due.
 * - **Daily cap**: at most 25,00 € of vouchers a day per person (Code du travail art. R3262-10,
 *   amount set by décret n° 2022-1247 of 20 September 2022, in force since 1 October 2022). The till
 *   cannot tell who pays, so it applies the cap per ticket. The amount is a store setting (central's
 *   `stores.meal_voucher_cap_cents`, carried in the SOS copy); this is only its default.
 * - **Eligible products only**: vouchers pay for food (Code du travail art. R3262-4: prepared food
 *   ready to eat, fruit and vegetables, food products…), so the vouchers of a ticket never exceed the
 *   total of its eligible lines, after line and ticket discounts. Each catalog item carries the flag
 *   (`meal_voucher_eligible`, eligible unless the shop says otherwise).
 * - Never a refund method: a return refunds by cash, card, cheque or avoir.
 * The limit of a ticket is thus min(cap, eligible total) — and never above the total (no change).
 */
export const DEFAULT_MEAL_VOUCHER_CAP_CENTS = 2500;

export const MEAL_VOUCHER_ERRORS = ['MEAL_VOUCHER_OVER_DUE', 'MEAL_VOUCHER_CAP', 'MEAL_VOUCHER_NOT_ELIGIBLE', 'MEAL_VOUCHER_REFUND'] as const;

/** A priced ticket line as the eligibility rule needs it: its total after every discount, and its catalog flag. */
export type VoucherLine = { totalCents: number; mealVoucherEligible: boolean };

/** What the eligible lines of a ticket come to, after line and ticket discounts (the most vouchers may pay of it). */
export function mealVoucherEligibleCents(lines: readonly VoucherLine[]): number {
  return lines.reduce((s, l) => (l.mealVoucherEligible ? s + l.totalCents : s), 0);
}

/** The most vouchers may pay of a ticket: the store's cap, the eligible total, whichever is lower (never below 0). */
export function mealVoucherLimitCents(capCents: number, eligibleCents: number): number {
  checkCap(capCents);
  return Math.max(0, Math.min(capCents, eligibleCents));
}

/**
 * Every limit the vouchers of a ticket break, in the order a cashier reads them (none = allowed):
 * above the total (no change), above the cap, above the eligible total. Central flags a pushed
 * ticket with them (never refuses it); the till refuses with the first that binds (`checkMealVouchers`).
 */
export function mealVoucherBreaches(
  totalCents: number,
  payments: readonly Payment[],
  capCents: number,
  eligibleCents: number,
): (typeof MEAL_VOUCHER_ERRORS)[number][] {
  checkCap(capCents);
  if (!payments.some((p) => p.method === 'meal_voucher')) return [];
  if (totalCents < 0) return ['MEAL_VOUCHER_REFUND'];
  const vouchers = mealVoucherCents(payments);
  return [
    ...(vouchers > totalCents ? (['MEAL_VOUCHER_OVER_DUE'] as const) : []),
    ...(vouchers > capCents ? (['MEAL_VOUCHER_CAP'] as const) : []),
    ...(vouchers > eligibleCents ? (['MEAL_VOUCHER_NOT_ELIGIBLE'] as const) : []),
  ];
}

function checkCap(capCents: number): void {
  if (!isCents(capCents) || capCents < 0) throw new RangeError(`meal voucher cap: not a non-negative integer of cents: ${capCents}`);
}

/** Vouchers above the ticket's limit: named after the lower of the two limits (the cap on a tie). */
function limitError(vouchersCents: number, capCents: number, eligibleCents: number) {
  if (eligibleCents < capCents) {
    return err('MEAL_VOUCHER_NOT_ELIGIBLE', `Meal vouchers total ${formatEuros(vouchersCents)}, above the ${formatEuros(Math.max(0, eligibleCents))} of products they may pay for (food only)`);
  }
  return err('MEAL_VOUCHER_CAP', `Meal vouchers total ${formatEuros(vouchersCents)}, above the cap of ${formatEuros(capCents)} per ticket`);
}

/** The meal-voucher part of a ticket's payments. */
export function mealVoucherCents(payments: readonly Payment[]): number {
  return payments.reduce((s, p) => (p.method === 'meal_voucher' ? s + p.amountCents : s), 0);
}

/**
 * A ticket's payments against the meal-voucher rules (after or before `settlePayments`, which
 * checks amounts and the sum). `eligibleCents`: the total of its eligible lines after discounts
 * (`mealVoucherEligibleCents`). Ok with the vouchers' total: ≤ the ticket's total, ≤ the cap and
 * ≤ the eligible total; refused with the first limit broken (`MEAL_VOUCHER_OVER_DUE`, then the lower
 * of `MEAL_VOUCHER_CAP` / `MEAL_VOUCHER_NOT_ELIGIBLE`).
 */
export function checkMealVouchers(totalCents: number, payments: readonly Payment[], capCents: number, eligibleCents: number): Result<number> {
  const breaches = mealVoucherBreaches(totalCents, payments, capCents, eligibleCents);
  const vouchers = mealVoucherCents(payments);
  if (breaches.length === 0) return ok(vouchers);
  if (breaches[0] === 'MEAL_VOUCHER_REFUND') return err('MEAL_VOUCHER_REFUND', 'A refund is never paid in meal vouchers');
  if (breaches[0] === 'MEAL_VOUCHER_OVER_DUE') {
    return err('MEAL_VOUCHER_OVER_DUE', `Meal vouchers total ${formatEuros(vouchers)}, above the ticket's ${formatEuros(totalCents)}: no change is given on a meal voucher`);
  }
  return limitError(vouchers, capCents, eligibleCents);
}

/**
 * One voucher tender at the till: `amountCents` given while `dueCents` remains due and
 * `vouchersSoFarCents` of vouchers are already tendered on the ticket. Refused above what remains
 * due (no change) or when it takes the ticket's vouchers above the cap or the eligible total
 * (`eligibleCents`, the ticket's); ok with the amount.
 */
export function mealVoucherTender(dueCents: number, vouchersSoFarCents: number, amountCents: number, capCents: number, eligibleCents: number): Result<number> {
  checkCap(capCents);
  if (!isCents(amountCents) || amountCents <= 0) return err('PAYMENT_AMOUNT_INVALID', `A meal voucher tender is a positive integer of cents (got ${amountCents})`);
  if (amountCents > dueCents) {
    return err('MEAL_VOUCHER_OVER_DUE', `A meal voucher of ${formatEuros(amountCents)} is above the ${formatEuros(Math.max(0, dueCents))} due: no change is given on a meal voucher`);
  }
  if (vouchersSoFarCents + amountCents > mealVoucherLimitCents(capCents, eligibleCents)) return limitError(vouchersSoFarCents + amountCents, capCents, eligibleCents);
  return ok(amountCents);
}

/**
 * What the voucher button tenders with nothing typed: what is due, within what the ticket's limit
 * (cap, eligible total) still allows; 0 when nothing more may be paid in vouchers.
 */
export function mealVoucherDefaultCents(dueCents: number, vouchersSoFarCents: number, capCents: number, eligibleCents: number): number {
  return Math.max(0, Math.min(dueCents, mealVoucherLimitCents(capCents, eligibleCents) - vouchersSoFarCents));
}
