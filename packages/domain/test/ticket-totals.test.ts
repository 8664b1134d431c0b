import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { priceLines } from '../src/cart';
import { settlePayments } from '../src/payment';
import { ticketTotalsMismatch, type StatedTicket } from '../src/ticket-totals';
import { cartArb } from './arbitraries';

/** A ticket exactly as a register states it: priced and settled by the domain (cash, exact). */
function stated(lines: Parameters<typeof priceLines>[0]): StatedTicket {
  const cart = priceLines(lines);
  assert.ok(cart.ok);
  const payments = cart.value.totalCents === 0 ? [] : [{ method: 'cash' as const, amountCents: cart.value.totalCents }];
  const settled = settlePayments(cart.value.totalCents, payments);
  assert.ok(settled.ok);
  return { lines: cart.value.lines, vat: cart.value.vat, totalCents: cart.value.totalCents, payments, changeCents: settled.value.changeCents };
}

const two = () =>
  stated([
    { sku: 'BAGUETTE', label: 'Baguette', unitPriceCents: 130, vatRate: 550, quantity: 2 },
    { sku: 'VIN', label: 'Vin', unitPriceCents: 900, vatRate: 2000, quantity: 1, discountCents: 100 },
  ]);

describe('ticketTotalsMismatch', () => {
  it('agrees with every ticket the domain priced and settled (sales and returns)', () => {
    fc.assert(fc.property(cartArb, (lines) => ticketTotalsMismatch(stated(lines)) === null));
  });

  it('names the first step that disagrees', () => {
    const t = two();
    assert.equal(ticketTotalsMismatch({ ...t, lines: t.lines.map((l, i) => (i === 1 ? { ...l, totalCents: l.totalCents + 1 } : l)) }), 'lines');
    assert.equal(ticketTotalsMismatch({ ...t, lines: t.lines.map((l) => ({ ...l, quantity: -l.quantity })) }), 'lines');
    assert.equal(ticketTotalsMismatch({ ...t, vat: t.vat.map((v, i) => (i === 0 ? { ...v, vatCents: v.vatCents - 1, baseCents: v.baseCents + 1 } : v)) }), 'vat');
    assert.equal(ticketTotalsMismatch({ ...t, vat: t.vat.slice(1) }), 'vat');
    assert.equal(ticketTotalsMismatch({ ...t, vat: [...t.vat].reverse() }), null, 'VAT lines in another order are the same VAT lines');
    assert.equal(ticketTotalsMismatch({ ...t, totalCents: t.totalCents - 100 }), 'total');
    assert.equal(ticketTotalsMismatch({ ...t, payments: [{ method: 'cash', amountCents: t.totalCents - 1 }] }), 'payments');
    assert.equal(ticketTotalsMismatch({ ...t, payments: [{ method: 'card', amountCents: t.totalCents + 500 }], changeCents: 500 }), 'payments', 'a card is never overpaid');
    assert.equal(ticketTotalsMismatch({ ...t, payments: [{ method: 'cash', amountCents: t.totalCents + 500 }], changeCents: 0 }), 'payments', 'change not stated');
    assert.equal(ticketTotalsMismatch({ ...t, payments: [{ method: 'cash', amountCents: t.totalCents + 500 }], changeCents: 500 }), null);
  });

  it('each figure on its own: a line number, a line the domain refuses, each field of a VAT line', () => {
    const t = two();
    assert.equal(ticketTotalsMismatch({ ...t, lines: t.lines.map((l, i) => (i === 1 ? { ...l, lineNo: 7 } : l)) }), 'lines', 'a line renumbered');
    assert.equal(ticketTotalsMismatch({ ...t, lines: t.lines.map((l, i) => (i === 0 ? { ...l, quantity: 0 } : l)) }), 'lines', 'a line the domain cannot price');
    assert.equal(ticketTotalsMismatch({ ...t, lines: t.lines.map((l, i) => (i === 0 ? { ...l, unitPriceCents: 0.5 } : l)) }), 'lines', 'a price that is not whole cents');
    for (const field of ['rate', 'baseCents', 'vatCents', 'totalCents'] as const) {
      for (const at of [0, 1]) {
        const vat = t.vat.map((v, i) => (i === at ? { ...v, [field]: v[field] + (field === 'rate' ? 1 : 1) } : v));
        assert.equal(ticketTotalsMismatch({ ...t, vat }), 'vat', `VAT line ${at}: ${field}`);
      }
    }
    assert.equal(ticketTotalsMismatch({ ...t, vat: [...t.vat, { rate: 1000, baseCents: 0, vatCents: 0, totalCents: 0 }] }), 'vat', 'a VAT line too many');
  });
});
