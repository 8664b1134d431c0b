import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { formatDecimalEuros, formatEuros, formatRate, isCents, parseEuros, sumCents } from '../src/money';

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

describe('formatEuros', () => {
  it('formats euros the French way by default', () => {
    assert.equal(formatEuros(123456), '1\u202f234,56\u00a0€');
    assert.equal(formatEuros(5), '0,05\u00a0€');
    assert.equal(formatEuros(0), '0,00\u00a0€');
    assert.equal(formatEuros(-5), '-0,05\u00a0€');
  });
  it('honours the screen language or any locale', () => {
    assert.equal(formatEuros(123456, 'en'), '€1,234.56');
    assert.equal(formatEuros(1999, 'en-US'), '€19.99');
    assert.equal(formatEuros(-250000, 'de-DE'), '-2.500,00\u00a0€');
  });
  it('plain: ordinary spaces only, for printers and PDF fonts', () => {
    assert.equal(formatEuros(123456, 'fr', { plain: true }), '1 234,56 €');
    assert.equal(formatEuros(-100000000, 'fr', { plain: true }), '-1 000 000,00 €');
  });
  it('keeps every digit of large amounts (no float division)', () => {
    assert.equal(formatEuros(Number.MAX_SAFE_INTEGER, 'en-US').replace(/\D/g, ''), String(Number.MAX_SAFE_INTEGER));
    fc.assert(
      fc.property(fc.maxSafeInteger(), (n) => {
        assert.equal(formatEuros(n, 'en-US').replace(/\D/g, ''), String(Math.abs(n)).padStart(3, '0'));
      }),
    );
  });
  it('throws on a non-integer amount', () => {
    assert.throws(() => formatEuros(1.5), RangeError);
  });
});

describe('formatDecimalEuros', () => {
  it('a bare decimal with a comma, sign kept, no grouping', () => {
    assert.equal(formatDecimalEuros(123456), '1234,56');
    assert.equal(formatDecimalEuros(-5), '-0,05');
    assert.equal(formatDecimalEuros(0), '0,00');
    assert.throws(() => formatDecimalEuros(0.5), RangeError);
  });
  it('is read back by parseEuros', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), (n) => assert.equal(parseEuros(formatDecimalEuros(n)), n)));
  });
});

describe('formatRate', () => {
  it('basis points as a percentage: decimal comma in French, point in English, no trailing zeros', () => {
    assert.equal(formatRate(2000), '20 %');
    assert.equal(formatRate(550, 'fr'), '5,5 %');
    assert.equal(formatRate(550, 'en'), '5.5 %');
    assert.equal(formatRate(210), '2,1 %');
    assert.equal(formatRate(1), '0,01 %');
    assert.equal(formatRate(1005, 'en'), '10.05 %');
    assert.equal(formatRate(0), '0 %');
    assert.equal(formatRate(10000), '100 %');
    assert.equal(formatRate(123456), '1234,56 %', 'no grouping');
    assert.equal(formatRate(550, 'de-DE'), '5,5 %', 'any BCP 47 tag');
  });
  it('every rate reads back as its basis points (French and English)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000 }), (bp) => {
        const fr = /^(\d+)(?:,(\d{1,2}))? %$/.exec(formatRate(bp, 'fr'));
        const en = /^(\d+)(?:\.(\d{1,2}))? %$/.exec(formatRate(bp, 'en'));
        assert.ok(fr && en, `${bp}: ${formatRate(bp, 'fr')} / ${formatRate(bp, 'en')}`);
        for (const m of [fr, en]) {
          assert.equal(Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0')), bp);
          assert.ok(!m[2]?.endsWith('0'), 'no trailing zero');
        }
      }),
    );
  });
  it('refuses a rate that is not an integer number of basis points (programmer error)', () => {
    assert.throws(() => formatRate(5.5), /formatRate: not an integer number of basis points: 5\.5/);
    assert.throws(() => formatRate(NaN), RangeError);
  });
});

describe('parseEuros', () => {
  it('reads what a person types', () => {
    assert.equal(parseEuros('12,50'), 1250);
    assert.equal(parseEuros('12.5'), 1250);
    assert.equal(parseEuros('12'), 1200);
    assert.equal(parseEuros(' 0,05 € '), 5);
    assert.equal(parseEuros('1 234,56'), 123456);
    assert.equal(parseEuros('1\u202f234,56\u00a0€'), 123456);
    assert.equal(parseEuros('999999999,99'), 99999999999);
  });
  it('refuses what is not a non-negative amount with at most 2 decimals', () => {
    for (const bad of ['', ' ', '€', '-1', '1,234', '12,', ',5', '1.2.3', 'abc', '12e3', '1234567890', '+3']) {
      assert.equal(parseEuros(bad), null, JSON.stringify(bad));
    }
  });
  it('reads back what formatEuros writes, in both screen languages', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999_999 }), fc.constantFrom('fr', 'en'), (n, lang) => {
        const text = formatEuros(n, lang).replace(/,(?=\d{3})/g, '');
        assert.equal(parseEuros(text), n, text);
      }),
    );
  });
});

describe('money: programmer errors name the function and the value', () => {
  it('sumCents and formatEuros refuse non-cents and overflow', () => {
    assert.throws(() => sumCents([1, 2.5]), /^RangeError: sumCents: not an integer amount of cents: 2\.5$/);
    assert.throws(() => sumCents([Number.MAX_SAFE_INTEGER, 1]), /^RangeError: sumCents: sum exceeds the safe integer range$/);
    assert.throws(() => formatEuros(0.5), /^RangeError: formatEuros: not an integer amount of cents: 0\.5$/);
  });
});

describe('money: refusals name the value', () => {
  it('formatDecimalEuros refuses a non-integer amount, saying which', () => {
    assert.throws(() => formatDecimalEuros(1.5), /^RangeError: formatDecimalEuros: not an integer amount of cents: 1.5$/);
  });
});
