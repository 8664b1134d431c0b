import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { priceLines, type LineInput, type PricedCart } from '../src/cart';
import type { Result } from '../src/result';
import { cartArb } from './arbitraries';

const line = (over: Partial<LineInput> = {}): LineInput => ({
  sku: 'SKU1',
  label: 'Baguette',
  unitPriceCents: 100,
  vatRate: 550,
  quantity: 1,
  ...over,
});

function value(r: Result<PricedCart>): PricedCart {
  assert.ok(r.ok, r.ok ? '' : `${r.code}: ${r.message}`);
  return r.value;
}

function assertErr(r: Result<unknown>, code: string): void {
  assert.equal(r.ok, false, 'expected an error');
  if (!r.ok) {
    assert.equal(r.code, code);
    assert.ok(r.message.length > 0);
  }
}

describe('priceLines', () => {
  it('prices lines with 1-based lineNo, defaulted discount and line totals', () => {
    const cart = value(
      priceLines([
        line({ quantity: 3 }),
        line({ sku: 'SKU2', unitPriceCents: 1250, vatRate: 2000, quantity: 2, discountCents: 500 }),
      ]),
    );
    assert.deepEqual(cart.lines, [
      { sku: 'SKU1', label: 'Baguette', unitPriceCents: 100, vatRate: 550, quantity: 3, discountCents: 0, lineNo: 1, totalCents: 300 },
      { sku: 'SKU2', label: 'Baguette', unitPriceCents: 1250, vatRate: 2000, quantity: 2, discountCents: 500, lineNo: 2, totalCents: 2000 },
    ]);
    assert.equal(cart.totalCents, 2300);
  });

  it('groups VAT per rate, sorted by rate descending', () => {
    const cart = value(
      priceLines([
        line({ vatRate: 550, unitPriceCents: 1055 }),
        line({ vatRate: 2000, unitPriceCents: 1200 }),
        line({ vatRate: 210, unitPriceCents: 1021 }),
        line({ vatRate: 2000, unitPriceCents: 600 }),
        line({ vatRate: 1000, unitPriceCents: 1100 }),
      ]),
    );
    assert.deepEqual(cart.vat, [
      { rate: 2000, baseCents: 1500, vatCents: 300, totalCents: 1800 },
      { rate: 1000, baseCents: 1000, vatCents: 100, totalCents: 1100 },
      { rate: 550, baseCents: 1000, vatCents: 55, totalCents: 1055 },
      { rate: 210, baseCents: 1000, vatCents: 21, totalCents: 1021 },
    ]);
  });

  it('computes VAT on the ticket total per rate, not per line', () => {
    // Per line: 3 × round(16.67) = 51; on the rate total: round(50.00) = 50.
    const cart = value(priceLines([line({ vatRate: 2000 }), line({ vatRate: 2000 }), line({ vatRate: 2000 })]));
    assert.deepEqual(cart.vat, [{ rate: 2000, baseCents: 250, vatCents: 50, totalCents: 300 }]);
  });

  it('prices a return cart: negative quantities, the discount reduces the refund', () => {
    const cart = value(priceLines([line({ unitPriceCents: 1200, vatRate: 2000, quantity: -2, discountCents: 300 })]));
    assert.equal(cart.lines[0]?.totalCents, -2100);
    assert.equal(cart.totalCents, -2100);
    assert.deepEqual(cart.vat, [{ rate: 2000, baseCents: -1750, vatCents: -350, totalCents: -2100 }]);
  });

  it('accepts free lines and full discounts (zero totals, never -0)', () => {
    const cart = value(priceLines([line({ unitPriceCents: 0, quantity: -1 }), line({ quantity: -2, discountCents: 200 })]));
    assert.ok(Object.is(cart.totalCents, 0));
    assert.ok(cart.lines.every((l) => Object.is(l.totalCents, 0)));
    assert.deepEqual(cart.vat, [{ rate: 550, baseCents: 0, vatCents: 0, totalCents: 0 }]);
  });

  it('rejects an empty cart', () => {
    assertErr(priceLines([]), 'CART_EMPTY');
  });

  it('rejects invalid quantities', () => {
    for (const quantity of [0, 1.5, NaN, Infinity, 2 ** 53]) {
      assertErr(priceLines([line({ quantity })]), 'LINE_QUANTITY_INVALID');
    }
  });

  it('rejects invalid unit prices and out-of-range line amounts', () => {
    for (const unitPriceCents of [-1, 0.5, NaN]) {
      assertErr(priceLines([line({ unitPriceCents })]), 'LINE_PRICE_INVALID');
    }
    assertErr(priceLines([line({ unitPriceCents: Number.MAX_SAFE_INTEGER, quantity: 2 })]), 'LINE_PRICE_INVALID');
  });

  it('rejects invalid VAT rates', () => {
    for (const vatRate of [-1, 10001, 19.6, NaN]) {
      assertErr(priceLines([line({ vatRate })]), 'LINE_VAT_INVALID');
    }
    assert.ok(priceLines([line({ vatRate: 0 })]).ok);
    assert.ok(priceLines([line({ vatRate: 10000 })]).ok);
  });

  it('rejects invalid discounts, bounded by the gross amount in both directions', () => {
    assertErr(priceLines([line({ discountCents: -1 })]), 'LINE_DISCOUNT_INVALID');
    assertErr(priceLines([line({ discountCents: 0.5 })]), 'LINE_DISCOUNT_INVALID');
    assertErr(priceLines([line({ quantity: 2, discountCents: 201 })]), 'LINE_DISCOUNT_INVALID');
    assertErr(priceLines([line({ quantity: -2, discountCents: 201 })]), 'LINE_DISCOUNT_INVALID');
    assert.ok(priceLines([line({ quantity: -2, discountCents: 200 })]).ok);
  });

  it('rejects a cart mixing sold and returned lines', () => {
    assertErr(priceLines([line({ quantity: 1 }), line({ quantity: -1 })]), 'CART_MIXED_SIGNS');
    assertErr(priceLines([line({ quantity: -1 }), line({ quantity: 2 })]), 'CART_MIXED_SIGNS');
  });

  it('reports the offending line number', () => {
    const r = priceLines([line(), line({ quantity: 0 })]);
    assert.ok(!r.ok && r.message.includes('Line 2'));
  });

  it('property: per-rate base + vat = rate total; rate totals, line totals and cart total agree', () => {
    fc.assert(
      fc.property(cartArb, (lines) => {
        const cart = value(priceLines(lines));
        const sign = Math.sign(lines[0]!.quantity);
        let lineSum = 0;
        for (const [i, l] of cart.lines.entries()) {
          const input = lines[i]!;
          assert.equal(l.lineNo, i + 1);
          assert.equal(l.totalCents, input.unitPriceCents * input.quantity - sign * (input.discountCents ?? 0));
          assert.ok(sign > 0 ? l.totalCents >= 0 : l.totalCents <= 0);
          lineSum += l.totalCents;
        }
        let rateSum = 0;
        for (const v of cart.vat) {
          assert.equal(v.baseCents + v.vatCents, v.totalCents);
          const ofRate = cart.lines.filter((l) => l.vatRate === v.rate).reduce((s, l) => s + l.totalCents, 0);
          assert.equal(v.totalCents, ofRate);
          rateSum += v.totalCents;
        }
        assert.deepEqual(cart.vat.map((v) => v.rate), [...new Set(lines.map((l) => l.vatRate))].sort((a, b) => b - a));
        assert.equal(rateSum, cart.totalCents);
        assert.equal(lineSum, cart.totalCents);
      }),
      { numRuns: 500 },
    );
  });

  it('property: a cart and its mirror (negated quantities) price to exact opposites', () => {
    fc.assert(
      fc.property(cartArb, (lines) => {
        const a = value(priceLines(lines));
        const b = value(priceLines(lines.map((l) => ({ ...l, quantity: -l.quantity }))));
        assert.equal(b.totalCents, 0 - a.totalCents);
        assert.deepEqual(
          b.vat,
          a.vat.map((v) => ({ rate: v.rate, baseCents: 0 - v.baseCents, vatCents: 0 - v.vatCents, totalCents: 0 - v.totalCents })),
        );
      }),
    );
  });
});

describe('priceLines: edges of the representable range', () => {
  it('a cart whose total leaves the safe range is refused, not rounded', () => {
    const r = priceLines([line({ unitPriceCents: Number.MAX_SAFE_INTEGER }), line({ sku: 'SKU2', unitPriceCents: 1 })]);
    assertErr(r, 'CART_TOTAL_INVALID');
    assert.equal(!r.ok && r.message, 'The cart total exceeds the representable range');
  });
  it('never answers -0 (a discount of -0 is stored as 0)', () => {
    const cart = value(priceLines([line({ discountCents: -0 })]));
    assert.ok(Object.is(cart.lines[0]!.discountCents, 0));
  });
});
