import { formatEuros, isCents } from './money';
import { err, ok, type Result } from './result';

/**
 * `credit_note`: an avoir — issued as a refund of a return, spent as a tender (docs/architecture.md §19).
 * `meal_voucher`: titres-restaurant (paper or card), no change given, capped per ticket (meal-voucher.ts, §24).
 * `gift_card`: a carte cadeau — sold on a ticket of its own, spent as a tender like an avoir, no change given (gift-card.ts, §25).
 */
export const PAYMENT_METHODS = ['cash', 'card', 'cheque', 'credit_note', 'meal_voucher', 'gift_card'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export type Payment = { method: PaymentMethod; amountCents: number };
export type Settlement = { payments: Payment[]; changeCents: number };

export function isPaymentMethod(x: unknown): x is PaymentMethod {
  return (PAYMENT_METHODS as readonly unknown[]).includes(x);
}

/**
 * Checks the tender of a ticket.
 * Invariants of a successful result: changeCents ≥ 0 and sum(amounts) - changeCents === totalCents.
 * - Sale (total ≥ 0): every amount > 0; sum ≥ total; change = sum - total and change ≤ cash
 *   tendered (only cash is handed back); a zero total needs no payment.
 * - Refund (total < 0): every amount < 0; sum === total exactly; never any change.
 * Throws (programmer error) if totalCents is not an integer of cents.
 */
export function settlePayments(totalCents: number, payments: readonly Payment[]): Result<Settlement> {
  if (!isCents(totalCents)) throw new RangeError(`settlePayments: not an integer amount of cents: ${totalCents}`);
  const refund = totalCents < 0;

  let sum = 0;
  let cash = 0;
  const normalised: Payment[] = [];
  for (const [i, p] of payments.entries()) {
    if (!isPaymentMethod(p.method)) {
      return err('PAYMENT_METHOD_INVALID', `Payment ${i + 1}: unknown method ${JSON.stringify(p.method)}`);
    }
    const amount = p.amountCents;
    if (!isCents(amount) || (refund ? amount >= 0 : amount <= 0)) {
      return err(
        'PAYMENT_AMOUNT_INVALID',
        `Payment ${i + 1}: amount must be a ${refund ? 'negative' : 'positive'} integer of cents (got ${amount})`,
      );
    }
    sum += amount;
    if (!isCents(sum)) return err('PAYMENT_AMOUNT_INVALID', 'The sum of payments exceeds the representable range');
    if (p.method === 'cash') cash += amount;
    normalised.push({ method: p.method, amountCents: amount });
  }

  if (refund) {
    if (sum !== totalCents) {
      return err(
        'REFUND_MISMATCH',
        `Refund payments total ${sum} cents (${formatEuros(sum)}) but the refund is ${totalCents} cents (${formatEuros(totalCents)})`,
      );
    }
    return ok({ payments: normalised, changeCents: 0 });
  }

  if (sum < totalCents) {
    const missing = totalCents - sum;
    return err('PAYMENT_SHORT', `Payment is short by ${missing} cents (${formatEuros(missing)} missing)`);
  }
  const change = sum - totalCents;
  if (change > cash) {
    return err(
      'CHANGE_NOT_CASH',
      `Overpayment of ${change} cents exceeds the cash tendered (${cash} cents): card and cheque cannot be overpaid`,
    );
  }
  return ok({ payments: normalised, changeCents: change });
}

/**
 * A ticket's payments as the drawer counts them: the change handed back comes out of the cash (a
 * cash line is added, negative, when only a card overpaid — which settlePayments never accepts).
 * Methods left at zero are dropped.
 */
export function paymentsNetOfChange(totalCents: number, payments: readonly Payment[]): Payment[] {
  const out = payments.map((p) => ({ ...p }));
  const change = out.reduce((s, p) => s + p.amountCents, 0) - totalCents;
  if (change !== 0) {
    let cash = out.find((p) => p.method === 'cash');
    if (!cash) out.push((cash = { method: 'cash', amountCents: 0 }));
    cash.amountCents -= change;
  }
  return out.filter((p) => p.amountCents !== 0);
}
