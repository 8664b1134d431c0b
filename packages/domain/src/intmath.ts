// Exact integer helpers (internal). Results never depend on float rounding.

/**
 * round-half-up(a * b / d) for integers a ≥ 0, b ≥ 0, d > 0, exact for any safe-integer inputs.
 * Invariant: the result is the integer nearest to the rational a*b/d, ties going up.
 */
export function mulDivHalfUp(a: number, b: number, d: number): number {
  if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || !Number.isSafeInteger(d) || a < 0 || b < 0 || d <= 0) {
    throw new RangeError(`mulDivHalfUp: invalid operands ${a}, ${b}, ${d}`);
  }
  const n = a * b;
  if (Number.isSafeInteger(n)) {
    const r = n % d;
    const q = (n - r) / d; // exact: n - r is a multiple of d
    return 2 * r >= d ? q + 1 : q;
  }
  const bn = BigInt(a) * BigInt(b);
  const bd = BigInt(d);
  const q = bn / bd;
  const r = bn % bd;
  const rounded = 2n * r >= bd ? q + 1n : q;
  if (rounded > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError('mulDivHalfUp: result exceeds the safe integer range');
  }
  return Number(rounded);
}
