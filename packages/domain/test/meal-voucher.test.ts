import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_MEAL_VOUCHER_CAP_CENTS, checkMealVouchers, mealVoucherCents, mealVoucherTender } from '../src/meal-voucher';
import { PAYMENT_METHODS, settlePayments, type Payment } from '../src/payment';
import type { Result } from '../src/result';

const mv = (amountCents: number): Payment => ({ method: 'meal_voucher', amountCents });
const card = (amountCents: number): Payment => ({ method: 'card', amountCents });
const cash = (amountCents: number): Payment => ({ method: 'cash', amountCents });

function code(r: Result<unknown>): string {
  assert.equal(r.ok, false, 'expected a refusal');
  return r.ok ? '' : r.code;
}

describe('meal vouchers: a ticket', () => {
  it('is a payment method; the default cap is 25,00 €', () => {
    assert.ok((PAYMENT_METHODS as readonly string[]).includes('meal_voucher'));
    assert.equal(DEFAULT_MEAL_VOUCHER_CAP_CENTS, 2500);
  });
  it('accepts vouchers up to the total and the cap, the rest by another tender', () => {
    assert.deepEqual(checkMealVouchers(3000, [mv(1500), card(1500)], 2500), { ok: true, value: 1500 });
    assert.deepEqual(checkMealVouchers(2500, [mv(2500)], 2500), { ok: true, value: 2500 });
    assert.deepEqual(checkMealVouchers(1000, [card(1000)], 0), { ok: true, value: 0 });
  });
  it('refuses vouchers above the total (no change), above the cap, and in a refund', () => {
    assert.equal(code(checkMealVouchers(1000, [mv(1001)], 2500)), 'MEAL_VOUCHER_OVER_DUE');
    assert.equal(code(checkMealVouchers(3000, [mv(2000), mv(501), cash(499)], 2500)), 'MEAL_VOUCHER_CAP');
    assert.equal(code(checkMealVouchers(-500, [mv(-500)], 2500)), 'MEAL_VOUCHER_REFUND');
    assert.match((checkMealVouchers(3000, [mv(2600)], 2500) as { message: string }).message, /26,00.*25,00/);
  });
  it('a cap of 0 refuses every voucher; a bad cap is a programmer error', () => {
    assert.equal(code(checkMealVouchers(1000, [mv(1)], 0)), 'MEAL_VOUCHER_CAP');
    assert.throws(() => checkMealVouchers(1000, [mv(1)], -1), RangeError);
    assert.throws(() => mealVoucherTender(1000, 0, 1, 2.5), RangeError);
  });
  it('property: accepted ⇔ vouchers ≤ total and ≤ cap; then no change can come from a voucher', () => {
    const method = fc.constantFrom(...PAYMENT_METHODS.filter((m) => m !== 'credit_note'));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20_000 }),
        fc.array(fc.record({ method, amountCents: fc.integer({ min: 1, max: 10_000 }) }), { maxLength: 5 }),
        fc.integer({ min: 0, max: 5_000 }),
        (total, payments, cap) => {
          const vouchers = mealVoucherCents(payments);
          const r = checkMealVouchers(total, payments, cap);
          const hasVoucher = payments.some((p) => p.method === 'meal_voucher');
          assert.equal(r.ok, !hasVoucher || (vouchers <= total && vouchers <= cap));
          if (r.ok) {
            assert.equal(r.value, vouchers);
            const settled = settlePayments(total, payments);
            // Change comes out of cash only: whatever settles, the vouchers stay within the total.
            if (settled.ok) assert.ok(settled.value.changeCents <= payments.filter((p) => p.method === 'cash').reduce((s, p) => s + p.amountCents, 0));
          } else {
            assert.equal(r.code, vouchers > total ? 'MEAL_VOUCHER_OVER_DUE' : 'MEAL_VOUCHER_CAP');
          }
        },
      ),
    );
  });
});

describe('meal vouchers: one tender at the till', () => {
  it('takes a voucher up to what is due, refuses above it', () => {
    assert.deepEqual(mealVoucherTender(1200, 0, 1200, 2500), { ok: true, value: 1200 });
    assert.equal(code(mealVoucherTender(1200, 0, 1201, 2500)), 'MEAL_VOUCHER_OVER_DUE');
    assert.match((mealVoucherTender(1200, 0, 2000, 2500) as { message: string }).message, /20,00.*12,00/);
  });
  it('counts the vouchers already tendered against the cap', () => {
    assert.deepEqual(mealVoucherTender(5000, 2000, 500, 2500), { ok: true, value: 500 });
    assert.equal(code(mealVoucherTender(5000, 2000, 501, 2500)), 'MEAL_VOUCHER_CAP');
  });
  it('refuses a zero, negative or fractional amount', () => {
    for (const a of [0, -1, 1.5]) assert.equal(code(mealVoucherTender(1000, 0, a, 2500)), 'PAYMENT_AMOUNT_INVALID');
  });
  it('property: tenders accepted one by one always make a ticket the ticket rule accepts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.array(fc.record({ voucher: fc.boolean(), amountCents: fc.integer({ min: 1, max: 6_000 }) }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 5_000 }),
        (total, tries, cap) => {
          const taken: Payment[] = [];
          for (const t of tries) {
            const paid = taken.reduce((s, p) => s + p.amountCents, 0);
            const due = Math.max(0, total - paid);
            if (!t.voucher) {
              if (due > 0) taken.push(card(Math.min(due, t.amountCents)));
              continue;
            }
            const r = mealVoucherTender(due, mealVoucherCents(taken), t.amountCents, cap);
            assert.equal(r.ok, t.amountCents <= due && mealVoucherCents(taken) + t.amountCents <= cap);
            if (r.ok) taken.push(mv(r.value));
          }
          assert.ok(checkMealVouchers(total, taken, cap).ok);
        },
      ),
    );
  });
});
