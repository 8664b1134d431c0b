import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_MEAL_VOUCHER_CAP_CENTS,
  checkMealVouchers,
  mealVoucherBreaches,
  mealVoucherCents,
  mealVoucherDefaultCents,
  mealVoucherEligibleCents,
  mealVoucherLimitCents,
  mealVoucherTender,
} from '../src/meal-voucher';
import { priceLines, type LineInput } from '../src/cart';
import { spreadTicketDiscount } from '../src/ticket-discount';
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
    assert.deepEqual(checkMealVouchers(3000, [mv(1500), card(1500)], 2500, 3000), { ok: true, value: 1500 });
    assert.deepEqual(checkMealVouchers(2500, [mv(2500)], 2500, 2500), { ok: true, value: 2500 });
    assert.deepEqual(checkMealVouchers(1000, [card(1000)], 0, 1000), { ok: true, value: 0 });
  });
  it('refuses vouchers above the total (no change), above the cap, and in a refund', () => {
    assert.equal(code(checkMealVouchers(1000, [mv(1001)], 2500, 1000)), 'MEAL_VOUCHER_OVER_DUE');
    assert.equal(code(checkMealVouchers(3000, [mv(2000), mv(501), cash(499)], 2500, 3000)), 'MEAL_VOUCHER_CAP');
    assert.equal(code(checkMealVouchers(-500, [mv(-500)], 2500, -500)), 'MEAL_VOUCHER_REFUND');
    assert.match((checkMealVouchers(3000, [mv(2600)], 2500, 3000) as { message: string }).message, /26,00.*25,00/);
  });
  it('a cap of 0 refuses every voucher; a bad cap is a programmer error', () => {
    assert.equal(code(checkMealVouchers(1000, [mv(1)], 0, 1000)), 'MEAL_VOUCHER_CAP');
    assert.throws(() => checkMealVouchers(1000, [mv(1)], -1, 1000), RangeError);
    assert.throws(() => mealVoucherTender(1000, 0, 1, 2.5, 1_000_000), RangeError);
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
          const r = checkMealVouchers(total, payments, cap, total);
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
    assert.deepEqual(mealVoucherTender(1200, 0, 1200, 2500, 1_000_000), { ok: true, value: 1200 });
    assert.equal(code(mealVoucherTender(1200, 0, 1201, 2500, 1_000_000)), 'MEAL_VOUCHER_OVER_DUE');
    assert.match((mealVoucherTender(1200, 0, 2000, 2500, 1_000_000) as { message: string }).message, /20,00.*12,00/);
  });
  it('counts the vouchers already tendered against the cap', () => {
    assert.deepEqual(mealVoucherTender(5000, 2000, 500, 2500, 1_000_000), { ok: true, value: 500 });
    assert.equal(code(mealVoucherTender(5000, 2000, 501, 2500, 1_000_000)), 'MEAL_VOUCHER_CAP');
  });
  it('refuses a zero, negative or fractional amount', () => {
    for (const a of [0, -1, 1.5]) assert.equal(code(mealVoucherTender(1000, 0, a, 2500, 1_000_000)), 'PAYMENT_AMOUNT_INVALID');
  });
  it('property: tenders accepted one by one always make a ticket the ticket rule accepts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20_000 }),
        fc.array(fc.record({ voucher: fc.boolean(), amountCents: fc.integer({ min: 1, max: 6_000 }) }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 5_000 }),
        fc.integer({ min: 0, max: 20_000 }),
        (total, tries, cap, eligibleDraw) => {
          const eligible = Math.min(total, eligibleDraw);
          const taken: Payment[] = [];
          for (const t of tries) {
            const paid = taken.reduce((s, p) => s + p.amountCents, 0);
            const due = Math.max(0, total - paid);
            if (!t.voucher) {
              if (due > 0) taken.push(card(Math.min(due, t.amountCents)));
              continue;
            }
            const r = mealVoucherTender(due, mealVoucherCents(taken), t.amountCents, cap, eligible);
            assert.equal(r.ok, t.amountCents <= due && mealVoucherCents(taken) + t.amountCents <= Math.min(cap, eligible));
            if (r.ok) taken.push(mv(r.value));
          }
          assert.ok(checkMealVouchers(total, taken, cap, eligible).ok);
        },
      ),
    );
  });
});

describe('meal vouchers: eligible products only (food, R3262-4)', () => {
  const line = (sku: string, unitPriceCents: number, quantity = 1, discountCents = 0): LineInput => ({ sku, label: sku, unitPriceCents, vatRate: 550, quantity, discountCents });

  it('the eligible total is what the eligible lines come to after their discounts', () => {
    assert.equal(mealVoucherEligibleCents([{ totalCents: 800, mealVoucherEligible: true }, { totalCents: 1500, mealVoucherEligible: false }]), 800);
    assert.equal(mealVoucherEligibleCents([]), 0);
    assert.equal(mealVoucherLimitCents(2500, 800), 800);
    assert.equal(mealVoucherLimitCents(2500, 4000), 2500);
    assert.equal(mealVoucherLimitCents(2500, -100), 0);
  });
  it('refuses vouchers above the eligible total with its own reason, even under the cap and the total', () => {
    // A sandwich 8,00 € (food) and a magazine 15,00 € (not food): at most 8,00 € in vouchers.
    assert.deepEqual(checkMealVouchers(2300, [mv(800), card(1500)], 2500, 800), { ok: true, value: 800 });
    const r = checkMealVouchers(2300, [mv(801), card(1499)], 2500, 800);
    assert.equal(code(r), 'MEAL_VOUCHER_NOT_ELIGIBLE');
    assert.match((r as { message: string }).message, /8,01.*8,00/);
    assert.equal(code(checkMealVouchers(1500, [mv(100), card(1400)], 2500, 0)), 'MEAL_VOUCHER_NOT_ELIGIBLE');
    assert.equal(code(mealVoucherTender(2300, 0, 801, 2500, 800)), 'MEAL_VOUCHER_NOT_ELIGIBLE');
    assert.equal(code(mealVoucherTender(2300, 500, 301, 2500, 800)), 'MEAL_VOUCHER_NOT_ELIGIBLE');
    // The lower limit names the refusal; over the total stays "no change" first.
    assert.equal(code(checkMealVouchers(6000, [mv(3000), card(3000)], 2500, 4000)), 'MEAL_VOUCHER_CAP');
    assert.equal(code(checkMealVouchers(6000, [mv(3000), card(3000)], 2500, 2000)), 'MEAL_VOUCHER_NOT_ELIGIBLE');
    assert.equal(code(checkMealVouchers(1000, [mv(1200)], 2500, 500)), 'MEAL_VOUCHER_OVER_DUE');
  });
  it('lists every limit a pushed ticket breaks (central flags them all)', () => {
    assert.deepEqual(mealVoucherBreaches(6000, [mv(3000), card(3000)], 2500, 2000), ['MEAL_VOUCHER_CAP', 'MEAL_VOUCHER_NOT_ELIGIBLE']);
    assert.deepEqual(mealVoucherBreaches(6000, [mv(2000), card(4000)], 2500, 2000), []);
    assert.deepEqual(mealVoucherBreaches(6000, [card(6000)], 0, 0), []);
  });
  it('the default tender is what is due within min(cap, eligible) still left', () => {
    assert.equal(mealVoucherDefaultCents(2300, 0, 2500, 800), 800);
    assert.equal(mealVoucherDefaultCents(2300, 800, 2500, 800), 0);
    assert.equal(mealVoucherDefaultCents(500, 0, 2500, 800), 500);
    assert.equal(mealVoucherDefaultCents(5000, 1000, 2500, 9000), 1500);
  });
  it('property: accepted ⇔ vouchers ≤ total, ≤ cap and ≤ the eligible total after line and ticket discounts', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({ price: fc.integer({ min: 1, max: 3_000 }), quantity: fc.integer({ min: 1, max: 4 }), discount: fc.integer({ min: 0, max: 100 }), eligible: fc.boolean() }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.option(fc.integer({ min: 1, max: 10_000 }), { nil: undefined }),
        fc.array(fc.integer({ min: 1, max: 4_000 }), { maxLength: 3 }),
        fc.integer({ min: 0, max: 5_000 }),
        (drawn, percentBp, vouchers, cap) => {
          const inputs = drawn.map((d, i) => line(`P${i}`, d.price, d.quantity, Math.min(d.discount, d.price * d.quantity)));
          const spread = percentBp === undefined ? { ok: true as const, value: inputs } : spreadTicketDiscount(inputs, { percentBp });
          if (!spread.ok) return;
          const cart = priceLines(spread.value);
          assert.ok(cart.ok);
          const eligible = mealVoucherEligibleCents(cart.value.lines.map((l, i) => ({ totalCents: l.totalCents, mealVoucherEligible: drawn[i]!.eligible })));
          // The eligible part of a ticket is a part of it: never negative, never above its total.
          assert.ok(eligible >= 0 && eligible <= cart.value.totalCents);
          if (drawn.every((d) => d.eligible)) assert.equal(eligible, cart.value.totalCents);
          const total = cart.value.totalCents;
          const payments = vouchers.map(mv);
          const sum = mealVoucherCents(payments);
          if (sum < total) payments.push(card(total - sum));
          const r = checkMealVouchers(total, payments, cap, eligible);
          const allowed = payments.every((p) => p.method !== 'meal_voucher') || (sum <= total && sum <= cap && sum <= eligible);
          assert.equal(r.ok, allowed);
          assert.equal(mealVoucherBreaches(total, payments, cap, eligible).length === 0, allowed);
          if (!r.ok) {
            const expected = sum > total ? 'MEAL_VOUCHER_OVER_DUE' : eligible < cap ? 'MEAL_VOUCHER_NOT_ELIGIBLE' : 'MEAL_VOUCHER_CAP';
            assert.equal(r.code, expected);
          }
          // What the button tenders by default is always accepted, and it is the most that is.
          const def = mealVoucherDefaultCents(total, 0, cap, eligible);
          if (def > 0) assert.ok(mealVoucherTender(total, 0, def, cap, eligible).ok);
          assert.equal(mealVoucherTender(total, 0, def + 1, cap, eligible).ok, false);
        },
      ),
    );
  });
});
