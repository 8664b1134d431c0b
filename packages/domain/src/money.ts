// Money is an integer number of cents (minor units of a 2-decimal currency), always a safe integer.

export function isCents(n: unknown): n is number {
  return Number.isSafeInteger(n);
}

/** Exact sum; throws (programmer error) on a non-cents value or when the sum leaves the safe range. */
export function sumCents(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) {
    if (!isCents(v)) throw new RangeError(`sumCents: not an integer amount of cents: ${v}`);
    sum += v;
    // Any exact sum beyond MAX_SAFE_INTEGER rounds to ≥ 2^53, so this catches every overflow.
    if (!isCents(sum)) throw new RangeError('sumCents: sum exceeds the safe integer range');
  }
  return sum;
}

/**
 * Locale display of an amount. The decimal is handed to Intl as a string so that
 * large amounts are never rounded through a float division.
 */
export function formatCents(cents: number, locale = 'fr-FR', currency = 'EUR'): string {
  if (!isCents(cents)) throw new RangeError(`formatCents: not an integer amount of cents: ${cents}`);
  const abs = Math.abs(cents);
  const minor = abs % 100;
  const major = (abs - minor) / 100;
  const decimal = `${cents < 0 ? '-' : ''}${major}.${String(minor).padStart(2, '0')}` as `${number}`;
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  }).format(decimal);
}
