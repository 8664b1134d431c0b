import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { PAYMENT_METHODS, paymentsNetOfChange, settlePayments, type Payment, type PaymentMethod, type Settlement } from '../src/payment';
import type { Result } from '../src/result';

const cash = (amountCents: number): Payment => ({ method: 'cash', amountCents });
const card = (amountCents: number): Payment => ({ method: 'card', amountCents });
const cheque = (amountCents: number): Payment => ({ method: 'cheque', amountCents });

function value(r: Result<Settlement>): Settlement {
  assert.ok(r.ok, r.ok ? '' : `${r.code}: ${r.message}`);
  return r.value;
}

function assertErr(r: Result<unknown>, code: string): string {
  assert.equal(r.ok, false, 'expected an error');
  assert.ok(!r.ok);
  assert.equal(r.code, code);
  return r.message;
}

describe('settlePayments: sales', () => {
  it('lists the methods', () => {
    assert.deepEqual([...PAYMENT_METHODS], ['cash', 'card', 'cheque', 'credit_note', 'meal_voucher', 'gift_card']);
  });
  it('settles exact payments without change', () => {
    assert.deepEqual(value(settlePayments(1000, [card(600), cheque(400)])), { payments: [card(600), cheque(400)], changeCents: 0 });
  });
  it('gives change from cash overpayment', () => {
    assert.equal(value(settlePayments(1250, [cash(2000)])).changeCents, 750);
    assert.equal(value(settlePayments(1000, [card(800), cash(500)])).changeCents, 300);
  });
  it('allows change up to exactly the cash tendered', () => {
    assert.equal(value(settlePayments(1000, [card(1000), cash(500)])).changeCents, 500);
  });
  it('refuses change that cash cannot cover', () => {
    assertErr(settlePayments(1000, [card(1200)]), 'CHANGE_NOT_CASH');
    assertErr(settlePayments(1000, [cheque(1001)]), 'CHANGE_NOT_CASH');
    assertErr(settlePayments(1000, [card(1200), cash(100)]), 'CHANGE_NOT_CASH');
  });
  it('says how much is missing', () => {
    const message = assertErr(settlePayments(1000, [cash(250), card(500)]), 'PAYMENT_SHORT');
    assert.match(message, /250 cents/);
    assert.match(message, /2,50/);
    assertErr(settlePayments(1, []), 'PAYMENT_SHORT');
  });
  it('needs no payment for a zero total', () => {
    assert.deepEqual(value(settlePayments(0, [])), { payments: [], changeCents: 0 });
  });
  it('rejects non-positive or non-integer amounts', () => {
    for (const a of [0, -100, 10.5, NaN]) assertErr(settlePayments(1000, [cash(a)]), 'PAYMENT_AMOUNT_INVALID');
  });
  it('rejects an unknown method', () => {
    assertErr(settlePayments(1000, [{ method: 'bitcoin' as PaymentMethod, amountCents: 1000 }]), 'PAYMENT_METHOD_INVALID');
  });
  it('throws on a non-integer total (programmer error)', () => {
    assert.throws(() => settlePayments(1.5, [cash(2)]), RangeError);
  });
});

describe('settlePayments: refunds', () => {
  it('settles an exact refund without change', () => {
    assert.deepEqual(value(settlePayments(-1500, [cash(-1000), card(-500)])), {
      payments: [cash(-1000), card(-500)],
      changeCents: 0,
    });
  });
  it('requires negative amounts', () => {
    assertErr(settlePayments(-1500, [cash(1500)]), 'PAYMENT_AMOUNT_INVALID');
    assertErr(settlePayments(-1500, [cash(-1600), card(100)]), 'PAYMENT_AMOUNT_INVALID');
    assertErr(settlePayments(-1500, [cash(0)]), 'PAYMENT_AMOUNT_INVALID');
  });
  it('requires the exact refund amount, over or under', () => {
    assertErr(settlePayments(-1500, [cash(-2000)]), 'REFUND_MISMATCH');
    assertErr(settlePayments(-1500, [cash(-1000)]), 'REFUND_MISMATCH');
    assertErr(settlePayments(-1500, []), 'REFUND_MISMATCH');
  });
});

describe('settlePayments: properties', () => {
  const methodArb = fc.constantFrom(...PAYMENT_METHODS);
  const anyTender = fc.tuple(
    fc.integer({ min: -100_000, max: 100_000 }),
    fc.array(fc.record({ method: methodArb, amountCents: fc.integer({ min: -100_000, max: 150_000 }) }), { maxLength: 4 }),
  );
  // Tenders built to be valid: non-cash part ≤ total, cash covers the rest plus some change.
  const validSale = fc
    .integer({ min: 0, max: 100_000 })
    .chain((total) =>
      fc.tuple(
        fc.constant(total),
        fc.array(fc.integer({ min: 1, max: Math.max(1, Math.floor(total / 3)) }), { maxLength: 3 }),
        fc.integer({ min: 0, max: 50_000 }),
      ),
    );

  it('property: change is never negative and sum(payments) - change === total', () => {
    let settled = 0;
    fc.assert(
      fc.property(anyTender, ([total, payments]) => {
        const r = settlePayments(total, payments);
        if (!r.ok) return;
        settled++;
        const sum = r.value.payments.reduce((s, p) => s + p.amountCents, 0);
        assert.ok(r.value.changeCents >= 0);
        assert.equal(sum - r.value.changeCents, total);
        const cashSum = r.value.payments.filter((p) => p.method === 'cash').reduce((s, p) => s + p.amountCents, 0);
        assert.ok(r.value.changeCents <= Math.max(0, cashSum));
      }),
      { numRuns: 3000 },
    );
    assert.ok(settled > 0, 'the generator never produced a settled tender');
  });

  it('property: a tender whose cash covers the remainder always settles', () => {
    fc.assert(
      fc.property(validSale, ([total, cards, extraCash]) => {
        const nonCash = cards.reduce((s, a) => s + a, 0);
        fc.pre(nonCash <= total);
        const payments = [...cards.map(card)];
        const cashNeeded = total - nonCash + extraCash;
        if (cashNeeded > 0) payments.push(cash(cashNeeded));
        const s = value(settlePayments(total, payments));
        assert.equal(s.changeCents, cashNeeded > 0 ? extraCash : 0);
      }),
    );
  });
});

describe('settlePayments: messages and edges', () => {
  it('numbers the faulty payment from 1 and says what was expected', () => {
    assert.equal(assertErr(settlePayments(1000, [cash(500), { method: 'bitcoin' as PaymentMethod, amountCents: 500 }]), 'PAYMENT_METHOD_INVALID'), 'Payment 2: unknown method "bitcoin"');
    assert.equal(assertErr(settlePayments(1000, [cash(500), card(-1)]), 'PAYMENT_AMOUNT_INVALID'), 'Payment 2: amount must be a positive integer of cents (got -1)');
    assert.equal(assertErr(settlePayments(-1000, [cash(-500), card(1)]), 'PAYMENT_AMOUNT_INVALID'), 'Payment 2: amount must be a negative integer of cents (got 1)');
    assert.equal(assertErr(settlePayments(1000, [cash(Number.MAX_SAFE_INTEGER), card(10)]), 'PAYMENT_AMOUNT_INVALID'), 'The sum of payments exceeds the representable range');
    assert.match(assertErr(settlePayments(-1000, [cash(-400)]), 'REFUND_MISMATCH'), /^Refund payments total -400 cents \(.*4,00.*\) but the refund is -1000 cents \(.*10,00.*\)$/);
    assert.equal(assertErr(settlePayments(1000, [card(1200)]), 'CHANGE_NOT_CASH'), 'Overpayment of 200 cents exceeds the cash tendered (0 cents): card and cheque cannot be overpaid');
    assert.throws(() => settlePayments(1.5, []), /^RangeError: settlePayments: not an integer amount of cents: 1\.5$/);
  });
  it('a zero total is a sale: cash given for it comes back as change', () => {
    assert.deepEqual(value(settlePayments(0, [cash(100)])), { payments: [cash(100)], changeCents: 100 });
  });
});

describe('paymentsNetOfChange', () => {
  it('takes the change out of the cash, as the drawer counts it', () => {
    assert.deepEqual(paymentsNetOfChange(1250, [{ method: 'card', amountCents: 1000 }, { method: 'cash', amountCents: 500 }]), [{ method: 'card', amountCents: 1000 }, { method: 'cash', amountCents: 250 }]);
    assert.deepEqual(paymentsNetOfChange(-300, [{ method: 'cash', amountCents: -300 }]), [{ method: 'cash', amountCents: -300 }], 'a refund: no change');
    assert.deepEqual(paymentsNetOfChange(500, [{ method: 'cash', amountCents: 500 }, { method: 'card', amountCents: 0 }]), [{ method: 'cash', amountCents: 500 }]);
  });
});
