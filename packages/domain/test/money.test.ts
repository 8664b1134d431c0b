import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatCents, isCents, sumCents } from '../src/money';

describe('isCents', () => {
  it('accepts safe integers, including negatives and zero', () => {
    for (const n of [0, 1, -1, 123456, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]) assert.equal(isCents(n), true, String(n));
  });
  it('rejects fractions, non-finite, unsafe and non-numbers', () => {
    for (const n of [0.5, 1.1, NaN, Infinity, -Infinity, Number.MAX_SAFE_INTEGER + 1, '1', null, undefined, 1n]) {
      assert.equal(isCents(n), false, String(n));
    }
  });
});

describe('sumCents', () => {
  it('sums exactly, empty sum is 0', () => {
    assert.equal(sumCents([]), 0);
    assert.equal(sumCents([10, 20, -5]), 25);
    assert.equal(sumCents([Number.MAX_SAFE_INTEGER - 1, 1]), Number.MAX_SAFE_INTEGER);
  });
  it('throws on a non-integer value (programmer error)', () => {
    assert.throws(() => sumCents([1, 0.1]), RangeError);
  });
  it('throws when the sum leaves the safe range instead of losing precision', () => {
    assert.throws(() => sumCents([Number.MAX_SAFE_INTEGER, 1]), RangeError);
    assert.throws(() => sumCents([Number.MIN_SAFE_INTEGER, -1]), RangeError);
  });
  it('matches a BigInt reference sum', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e12, max: 1e12 })), (xs) => {
        assert.equal(BigInt(sumCents(xs)), xs.reduce((a, x) => a + BigInt(x), 0n));
      }),
    );
  });
});

describe('formatCents', () => {
  it('formats euros the French way by default', () => {
    assert.equal(formatCents(123456), '1\u202f234,56\u00a0€');
    assert.equal(formatCents(5), '0,05\u00a0€');
    assert.equal(formatCents(0), '0,00\u00a0€');
    assert.equal(formatCents(-5), '-0,05\u00a0€');
  });
  it('honours locale and currency', () => {
    assert.equal(formatCents(1999, 'en-US', 'USD'), '$19.99');
    assert.equal(formatCents(-250000, 'en-GB', 'GBP'), '-£2,500.00');
  });
  it('keeps every digit of large amounts (no float division)', () => {
    assert.equal(formatCents(Number.MAX_SAFE_INTEGER, 'en-US').replace(/\D/g, ''), String(Number.MAX_SAFE_INTEGER));
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        assert.equal(formatCents(n, 'en-US').replace(/\D/g, ''), String(Math.abs(n)).padStart(3, '0'));
      }),
    );
  });
  it('throws on a non-integer amount', () => {
    assert.throws(() => formatCents(1.5), RangeError);
  });
});

describe('money: programmer errors name the function and the value', () => {
  it('sumCents and formatCents refuse non-cents and overflow', () => {
    assert.throws(() => sumCents([1, 2.5]), /^RangeError: sumCents: not an integer amount of cents: 2\.5$/);
    assert.throws(() => sumCents([Number.MAX_SAFE_INTEGER, 1]), /^RangeError: sumCents: sum exceeds the safe integer range$/);
    assert.throws(() => formatCents(0.5), /^RangeError: formatCents: not an integer amount of cents: 0\.5$/);
  });
});
