import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FRENCH_VAT_RATES, parseVatPercent, splitVatInclusive } from '../src/vat';

/** Exact reference: round-half-up of |t|*r/(10000+r), sign of t, in BigInt. */
function referenceVat(total: number, rate: number): number {
  const t = BigInt(Math.abs(total));
  const n = t * BigInt(rate) * 2n + BigInt(10000 + rate); // floor((2n + d) / 2d) = half-up
  const v = Number(n / (2n * BigInt(10000 + rate)));
  return total < 0 ? 0 - v : v;
}

describe('splitVatInclusive', () => {
  it('exposes the French rates in basis points', () => {
    assert.deepEqual([...FRENCH_VAT_RATES], [2000, 1000, 550, 210]);
  });
  it('computes known values', () => {
    assert.deepEqual(splitVatInclusive(1000, 2000), { baseCents: 833, vatCents: 167 }); // 166.67
    assert.deepEqual(splitVatInclusive(100, 2000), { baseCents: 83, vatCents: 17 }); // 16.67
    assert.deepEqual(splitVatInclusive(1100, 1000), { baseCents: 1000, vatCents: 100 }); // exact
    assert.deepEqual(splitVatInclusive(1055, 550), { baseCents: 1000, vatCents: 55 }); // exact
    assert.deepEqual(splitVatInclusive(1021, 210), { baseCents: 1000, vatCents: 21 }); // exact
    assert.deepEqual(splitVatInclusive(100, 210), { baseCents: 98, vatCents: 2 }); // 2.06
  });
  it('rounds exact halves up (away from zero for negatives)', () => {
    assert.deepEqual(splitVatInclusive(3, 2000), { baseCents: 2, vatCents: 1 }); // 0.5
    assert.deepEqual(splitVatInclusive(9, 2000), { baseCents: 7, vatCents: 2 }); // 1.5
    assert.deepEqual(splitVatInclusive(-3, 2000), { baseCents: -2, vatCents: -1 });
    assert.deepEqual(splitVatInclusive(1, 10000), { baseCents: 0, vatCents: 1 }); // 0.5 at 100 %
  });
  it('handles zero totals and a zero rate without -0', () => {
    assert.deepEqual(splitVatInclusive(0, 2000), { baseCents: 0, vatCents: 0 });
    assert.deepEqual(splitVatInclusive(-0, 2000), { baseCents: 0, vatCents: 0 });
    assert.deepEqual(splitVatInclusive(-1, 2000), { baseCents: -1, vatCents: 0 });
    assert.deepEqual(splitVatInclusive(12345, 0), { baseCents: 12345, vatCents: 0 });
  });
  it('is exact at the edge of the safe range', () => {
    const t = Number.MAX_SAFE_INTEGER;
    const s = splitVatInclusive(t, 2000);
    assert.equal(s.vatCents, referenceVat(t, 2000));
    assert.equal(s.baseCents + s.vatCents, t);
  });
  it('throws on invalid input (programmer error)', () => {
    assert.throws(() => splitVatInclusive(1.5, 2000), RangeError);
    assert.throws(() => splitVatInclusive(100, -1), RangeError);
    assert.throws(() => splitVatInclusive(100, 10001), RangeError);
    assert.throws(() => splitVatInclusive(100, 20.5), RangeError);
    assert.throws(() => splitVatInclusive(1.5, 2000), /^RangeError: splitVatInclusive: not an integer amount of cents: 1.5$/);
    assert.throws(() => splitVatInclusive(100, 10001), /^RangeError: splitVatInclusive: invalid VAT rate 10001$/);
  });

  const rateArb = fc.oneof(fc.constantFrom(...FRENCH_VAT_RATES), fc.integer({ min: 0, max: 10000 }));
  const totalArb = fc.oneof(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.maxSafeInteger());

  it('property: matches the exact integer reference and base + vat = total', () => {
    fc.assert(
      fc.property(totalArb, rateArb, (t, r) => {
        const s = splitVatInclusive(t, r);
        assert.equal(s.vatCents, referenceVat(t, r));
        assert.equal(s.baseCents + s.vatCents, t);
        assert.ok(Number.isSafeInteger(s.baseCents) && Number.isSafeInteger(s.vatCents));
      }),
      { numRuns: 2000 },
    );
  });
  it('property: split(-x) = -split(x)', () => {
    fc.assert(
      fc.property(totalArb, rateArb, (t, r) => {
        const pos = splitVatInclusive(t, r);
        const neg = splitVatInclusive(-t, r);
        assert.equal(neg.vatCents, 0 - pos.vatCents); // 0 - v: never -0
        assert.equal(neg.baseCents, 0 - pos.baseCents);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseVatPercent', () => {
  it('reads a rate as an owner writes it, in basis points', () => {
    const cases: [string, number | null][] = [['20', 2000], ['20 %', 2000], ['20%', 2000], ['5,5', 550], ['5.5', 550], ['2,10 %', 210], ['0', 0], ['100', 10000],
      ['101', null], ['5,555', null], ['', null], ['vingt', null], ['-5', null], ['2000', null]];
    for (const [text, bp] of cases) assert.equal(parseVatPercent(text), bp, text);
  });
});
