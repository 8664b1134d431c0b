import { mulDivHalfUp } from './intmath';
import { isCents } from './money';

// VAT rates are integer basis points (2000 = 20 %). Prices are VAT-inclusive.

export const FRENCH_VAT_RATES = [2000, 1000, 550, 210] as const;

export const MAX_VAT_RATE = 10000;

export type VatSplit = { baseCents: number; vatCents: number };

export function isVatRate(rateBp: unknown): rateBp is number {
  return Number.isInteger(rateBp) && (rateBp as number) >= 0 && (rateBp as number) <= MAX_VAT_RATE;
}

/**
 * Splits a VAT-inclusive amount into base and VAT.
 * Invariants: base + vat === total; vat = round-half-up(|total| * rate / (10000 + rate)) with
 * the sign of total, so split(-x) = -split(x) (a return mirrors its sale exactly); never -0.
 * Throws on a non-cents total or an invalid rate (programmer error: callers validate input).
 */
export function splitVatInclusive(totalCents: number, rateBp: number): VatSplit {
  if (!isCents(totalCents)) throw new RangeError(`splitVatInclusive: not an integer amount of cents: ${totalCents}`);
  if (!isVatRate(rateBp)) throw new RangeError(`splitVatInclusive: invalid VAT rate ${rateBp}`);
  const total = totalCents + 0; // normalises -0
  const vatAbs = mulDivHalfUp(Math.abs(total), rateBp, MAX_VAT_RATE + rateBp);
  const vatCents = total < 0 ? 0 - vatAbs : vatAbs;
  return { baseCents: total - vatCents, vatCents };
}
