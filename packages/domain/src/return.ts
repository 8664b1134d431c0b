import type { LineInput, PricedLine } from './cart';
import { mulDivHalfUp } from './intmath';
import { err, ok, type Result } from './result';

export type ReturnRequest = { lineNo: number; quantity: number };

/**
 * Discount refunded once `returned` of `sold` units have been returned in total.
 * Invariant: non-decreasing in `returned`, 0 at 0 and exactly `discount` at `sold`.
 */
function cumulativeDiscount(discount: number, returned: number, sold: number): number {
  return mulDivHalfUp(discount, returned, sold);
}

/**
 * Builds the (negative-quantity) lines of a return ticket against an original sale.
 * Each line is at the original unit price and carries its share of the original discount,
 * computed as cumulative(after) - cumulative(before), so that all partial returns of a line
 * together refund exactly its sale total. Requests are applied in order; a lineNo may repeat.
 * `alreadyReturned` (positive quantities by lineNo) comes from storage: a negative or fractional
 * count throws (corrupt data). A count ABOVE what was sold is real data, not corruption: two returns
 * of one ticket taken where neither could see the other (a till refunding its own ticket offline on
 * its local count while another refunded it through central) both integrate; any further return of
 * that line is then refused (RETURN_EXCEEDS_SOLD) like any return past what was sold.
 */
export function buildReturnLines(
  original: readonly PricedLine[],
  alreadyReturned: Readonly<Record<number, number>>,
  request: readonly ReturnRequest[],
): Result<LineInput[]> {
  if (request.length === 0) return err('RETURN_EMPTY', 'Nothing to return');

  const returned = new Map<number, number>();
  const out: LineInput[] = [];
  for (const req of request) {
    const line = original.find((l) => l.lineNo === req.lineNo);
    if (line === undefined || line.quantity <= 0) {
      return err('RETURN_LINE_UNKNOWN', `Line ${req.lineNo} is not a sold line of the original ticket`);
    }
    if (!Number.isSafeInteger(req.quantity) || req.quantity <= 0) {
      return err('RETURN_QUANTITY_INVALID', `Line ${req.lineNo}: quantity to return must be a positive integer (got ${req.quantity})`);
    }
    const sold = line.quantity;
    let before = returned.get(line.lineNo);
    if (before === undefined) {
      before = alreadyReturned[line.lineNo] ?? 0;
      if (!Number.isSafeInteger(before) || before < 0) {
        throw new RangeError(`buildReturnLines: line ${line.lineNo} already returned ${before} of ${sold}`);
      }
    }
    const after = before + req.quantity;
    if (after > sold) {
      return err(
        'RETURN_EXCEEDS_SOLD',
        `Line ${line.lineNo}: ${sold} sold, ${before} already returned, cannot return ${req.quantity} more`,
      );
    }
    returned.set(line.lineNo, after);
    const discountCents =
      cumulativeDiscount(line.discountCents, after, sold) - cumulativeDiscount(line.discountCents, before, sold);
    out.push({
      sku: line.sku,
      label: line.label,
      unitPriceCents: line.unitPriceCents,
      vatRate: line.vatRate,
      quantity: -req.quantity,
      discountCents,
    });
  }
  return ok(out);
}
