import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { linePrice, priceAllowed } from '../src/open-price';

const normal = { priceCents: 250, openPriceMaxCents: null };
const open = { priceCents: 0, openPriceMaxCents: 5000 };

describe('line price (open-price items)', () => {
  it('a product at its catalog price is charged that price, and refuses a typed one', () => {
    assert.deepEqual(linePrice(normal, undefined), { ok: true, value: 250 });
    const r = linePrice(normal, 250);
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.code, 'PRICE_NOT_OPEN');
  });

  it('an open-price item is charged the typed price, from 1 cent up to its cap included', () => {
    assert.deepEqual(linePrice(open, 1), { ok: true, value: 1 });
    assert.deepEqual(linePrice(open, 5000), { ok: true, value: 5000 });
    assert.deepEqual(linePrice(open, 1234), { ok: true, value: 1234 });
  });

  it('an open-price item refuses no price, zero, a fraction and anything above the cap', () => {
    const code = (typed: number | undefined) => {
      const r = linePrice(open, typed);
      return r.ok ? 'ok' : r.code;
    };
    assert.equal(code(undefined), 'OPEN_PRICE_REQUIRED');
    assert.equal(code(0), 'OPEN_PRICE_REQUIRED');
    assert.equal(code(-5), 'OPEN_PRICE_REQUIRED');
    assert.equal(code(12.5), 'OPEN_PRICE_REQUIRED');
    assert.equal(code(5001), 'OPEN_PRICE_ABOVE_CAP');
  });

  it('central accepts on a ticket exactly the prices the register may charge (property)', () => {
    const product = fc.oneof(
      fc.record({ priceCents: fc.integer({ min: 0, max: 100_000 }), openPriceMaxCents: fc.constant(null) }),
      fc.record({ priceCents: fc.integer({ min: 0, max: 100_000 }), openPriceMaxCents: fc.integer({ min: 1, max: 100_000 }) }),
    );
    fc.assert(
      fc.property(product, fc.integer({ min: 0, max: 200_000 }), (p, price) => {
        const charged = linePrice(p, p.openPriceMaxCents === null ? undefined : price);
        const expected = p.openPriceMaxCents === null ? p.priceCents : price;
        assert.equal(priceAllowed(p, expected), charged.ok);
        if (charged.ok) assert.equal(charged.value, expected);
      }),
    );
  });
});
