import { isCents } from './money';
import { err, ok, type Result } from './result';
import { isVatRate, splitVatInclusive } from './vat';

export type LineInput = {
  sku: string;
  label: string;
  unitPriceCents: number;
  vatRate: number;
  /** Non-zero; negative for a return line. */
  quantity: number;
  /** Magnitude (≥ 0) of the reduction; reduces a sale, reduces a refund. */
  discountCents?: number;
};

export type PricedLine = LineInput & { lineNo: number; discountCents: number; totalCents: number };

export type VatLine = { rate: number; baseCents: number; vatCents: number; totalCents: number };

export type PricedCart = { lines: PricedLine[]; vat: VatLine[]; totalCents: number };

/**
 * Prices a cart (docs/architecture.md §9).
 * Invariants of a successful result:
 * - line total = unitPrice * quantity - sign(quantity) * discount (a discount always moves it toward 0);
 * - all quantities share one sign (a ticket is a sale or a return, never both);
 * - one VAT line per rate present, sorted by rate descending, whose total is the sum of that
 *   rate's line totals and whose VAT is computed on that sum (not per line);
 * - cart total = sum of line totals = sum of VAT line totals; base + vat = total per VAT line.
 */
export function priceLines(lines: readonly LineInput[]): Result<PricedCart> {
  if (lines.length === 0) return err('CART_EMPTY', 'The cart has no lines');

  const priced: PricedLine[] = [];
  let sign = 0;
  let cartTotal = 0;
  const byRate = new Map<number, number>();

  for (const [i, line] of lines.entries()) {
    const lineNo = i + 1;
    const { quantity, unitPriceCents, vatRate } = line;
    if (!Number.isSafeInteger(quantity) || quantity === 0) {
      return err('LINE_QUANTITY_INVALID', `Line ${lineNo}: quantity must be a non-zero integer (got ${quantity})`);
    }
    if (!isCents(unitPriceCents) || unitPriceCents < 0) {
      return err('LINE_PRICE_INVALID', `Line ${lineNo}: unit price must be a non-negative integer of cents (got ${unitPriceCents})`);
    }
    if (!isVatRate(vatRate)) {
      return err('LINE_VAT_INVALID', `Line ${lineNo}: VAT rate must be an integer between 0 and 10000 basis points (got ${vatRate})`);
    }
    const gross = unitPriceCents * quantity + 0;
    if (!isCents(gross)) {
      return err('LINE_PRICE_INVALID', `Line ${lineNo}: unit price × quantity exceeds the representable range`);
    }
    const discount = line.discountCents ?? 0;
    if (!isCents(discount) || discount < 0 || discount > Math.abs(gross)) {
      return err('LINE_DISCOUNT_INVALID', `Line ${lineNo}: discount must be an integer between 0 and ${Math.abs(gross)} cents (got ${discount})`);
    }
    const lineSign = Math.sign(quantity);
    if (sign !== 0 && lineSign !== sign) {
      return err('CART_MIXED_SIGNS', `Line ${lineNo}: a cart cannot mix sold and returned lines`);
    }
    sign = lineSign;

    const totalCents = gross - lineSign * discount + 0;
    cartTotal += totalCents;
    if (!isCents(cartTotal)) return err('CART_TOTAL_INVALID', 'The cart total exceeds the representable range');
    byRate.set(vatRate, (byRate.get(vatRate) ?? 0) + totalCents);

    priced.push({
      sku: line.sku,
      label: line.label,
      unitPriceCents,
      vatRate,
      quantity,
      discountCents: discount + 0,
      lineNo,
      totalCents,
    });
  }

  const vat: VatLine[] = [...byRate.entries()]
    .sort(([a], [b]) => b - a)
    .map(([rate, totalCents]) => ({ rate, ...splitVatInclusive(totalCents, rate), totalCents }));

  return ok({ lines: priced, vat, totalCents: cartTotal });
}
