import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { mulDivHalfUp } from '../src/intmath';

const MAX = Number.MAX_SAFE_INTEGER;

describe('mulDivHalfUp', () => {
  it('rounds half up, exactly, on both paths (product safe or not)', () => {
    assert.equal(mulDivHalfUp(5, 1, 2), 3, '2.5 → 3');
    assert.equal(mulDivHalfUp(7, 1, 3), 2, '2.33 → 2');
    assert.equal(mulDivHalfUp(0, 7, 3), 0);
    // a·b beyond 2^53: the BigInt path, still exact.
    assert.equal(mulDivHalfUp(MAX, 3, 3), MAX);
    assert.equal(mulDivHalfUp(MAX, 2, 4), Math.ceil(MAX / 2), 'a tie on the BigInt path goes up');
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 1, max: MAX }), (a, b, d) => {
        const exact = (2n * BigInt(a) * BigInt(b) + BigInt(d)) / (2n * BigInt(d));
        fc.pre(exact <= BigInt(MAX));
        assert.equal(mulDivHalfUp(a, b, d), Number(exact));
      }),
    );
  });
  it('a result of exactly MAX_SAFE_INTEGER is returned; one more throws', () => {
    assert.equal(mulDivHalfUp(MAX, 2, 2), MAX);
    assert.throws(() => mulDivHalfUp(MAX, 4, 3), /^RangeError: mulDivHalfUp: result exceeds the safe integer range$/);
  });
  it('refuses every invalid operand, naming them', () => {
    for (const [a, b, d] of [[1.5, 1, 1], [1, 1.5, 1], [1, 1, 1.5], [-1, 1, 1], [1, -1, 1], [1, 1, 0], [1, 1, -2], [MAX + 1, 1, 1], [1, MAX + 1, 1], [1, 1, MAX + 1]]) {
      assert.throws(() => mulDivHalfUp(a!, b!, d!), new RegExp(`^RangeError: mulDivHalfUp: invalid operands ${a}, ${b}, ${d}$`), `${a}, ${b}, ${d}`);
    }
  });
});
