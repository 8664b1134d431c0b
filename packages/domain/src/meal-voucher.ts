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
 * - Never a refund method: a return refunds by cash, card, cheque or avoir.
 * Eligible products (food only) are not checked: the catalog has no such notion yet.
 */
export const DEFAULT_MEAL_VOUCHER_CAP_CENTS = 2500;

export const MEAL_VOUCHER_ERRORS = ['MEAL_VOUCHER_OVER_DUE', 'MEAL_VOUCHER_CAP', 'MEAL_VOUCHER_REFUND'] as const;

function checkCap(capCents: number): void {
  if (!isCents(capCents) || capCents < 0) throw new RangeError(`meal voucher cap: not a non-negative integer of cents: ${capCents}`);
}

function capError(vouchersCents: number, capCents: number) {
  return err('MEAL_VOUCHER_CAP', `Meal vouchers total ${formatEuros(vouchersCents)}, above the cap of ${formatEuros(capCents)} per ticket`);
}

/** The meal-voucher part of a ticket's payments. */
export function mealVoucherCents(payments: readonly Payment[]): number {
  return payments.reduce((s, p) => (p.method === 'meal_voucher' ? s + p.amountCents : s), 0);
}

/**
 * A ticket's payments against the meal-voucher rules (after or before `settlePayments`, which
 * checks amounts and the sum). Ok with the vouchers' total: ≤ the ticket's total and ≤ the cap.
 */
export function checkMealVouchers(totalCents: number, payments: readonly Payment[], capCents: number): Result<number> {
  checkCap(capCents);
  if (!payments.some((p) => p.method === 'meal_voucher')) return ok(0);
  if (totalCents < 0) return err('MEAL_VOUCHER_REFUND', 'A refund is never paid in meal vouchers');
  const vouchers = mealVoucherCents(payments);
  if (vouchers > totalCents) {
    return err('MEAL_VOUCHER_OVER_DUE', `Meal vouchers total ${formatEuros(vouchers)}, above the ticket's ${formatEuros(totalCents)}: no change is given on a meal voucher`);
  }
  if (vouchers > capCents) return capError(vouchers, capCents);
  return ok(vouchers);
}

/**
 * One voucher tender at the till: `amountCents` given while `dueCents` remains due and
 * `vouchersSoFarCents` of vouchers are already tendered on the ticket. Refused above what remains
 * due (no change) or when it takes the ticket's vouchers above the cap; ok with the amount.
 */
export function mealVoucherTender(dueCents: number, vouchersSoFarCents: number, amountCents: number, capCents: number): Result<number> {
  checkCap(capCents);
  if (!isCents(amountCents) || amountCents <= 0) return err('PAYMENT_AMOUNT_INVALID', `A meal voucher tender is a positive integer of cents (got ${amountCents})`);
  if (amountCents > dueCents) {
    return err('MEAL_VOUCHER_OVER_DUE', `A meal voucher of ${formatEuros(amountCents)} is above the ${formatEuros(Math.max(0, dueCents))} due: no change is given on a meal voucher`);
  }
  if (vouchersSoFarCents + amountCents > capCents) return capError(vouchersSoFarCents + amountCents, capCents);
  return ok(amountCents);
}
