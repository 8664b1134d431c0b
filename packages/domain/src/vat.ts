import { mulDivHalfUp } from './intmath';
import { isCents } from './money';

// VAT rates are integer basis points (2000 = 20 %). Prices are VAT-inclusive.

export const FRENCH_VAT_RATES = [2000, 1000, 550, 210] as const;

export const MAX_VAT_RATE = 10000;

/**
 * A VAT rate as a shop owner writes it, in percent: `20`, `20 %`, `5,5`, `5.5`, `2,10 %` → basis
 * points (2000, 550, 210); null when it is not a percentage from 0 to 100 with at most 2 decimals.
 */
export function parseVatPercent(text: string): number | null {
  const m = /^(\d{1,3})(?:[.,](\d{1,2}))?%?$/.exec(text.replace(/[\s\u00a0\u202f]/g, ''));
  if (!m) return null;
  const bp = Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
  return bp <= MAX_VAT_RATE ? bp : null;
}

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
