import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { priceLines, type LineInput, type PricedCart, type PricedLine } from '../src/cart';
import type { Result } from '../src/result';
import { buildReturnLines, type ReturnRequest } from '../src/return';
import { saleCartArb } from './arbitraries';

function value<T>(r: Result<T>): T {
  assert.ok(r.ok, r.ok ? '' : `${r.code}: ${r.message}`);
  return r.value;
}

function assertErr(r: Result<unknown>, code: string): void {
  assert.equal(r.ok, false, 'expected an error');
  if (!r.ok) assert.equal(r.code, code);
}

const sale = (lines: LineInput[]): PricedLine[] => value(priceLines(lines)).lines;

const original = sale([
  { sku: 'A', label: 'Pain', unitPriceCents: 100, vatRate: 550, quantity: 3, discountCents: 100 },
  { sku: 'B', label: 'Vin', unitPriceCents: 1200, vatRate: 2000, quantity: 2 },
]);

describe('buildReturnLines', () => {
  it('builds negative lines at the original unit price', () => {
    assert.deepEqual(value(buildReturnLines(original, {}, [{ lineNo: 2, quantity: 1 }])), [
      { sku: 'B', label: 'Vin', unitPriceCents: 1200, vatRate: 2000, quantity: -1, discountCents: 0 },
    ]);
  });

  it('prorates the discount so that partial returns add up to the original discount', () => {
    // cumulative refunds of the 100 discount over 3 units: 33, 67, 100.
    const first = value(buildReturnLines(original, {}, [{ lineNo: 1, quantity: 1 }]));
    const second = value(buildReturnLines(original, { 1: 1 }, [{ lineNo: 1, quantity: 1 }]));
    const third = value(buildReturnLines(original, { 1: 2 }, [{ lineNo: 1, quantity: 1 }]));
    assert.deepEqual([first, second, third].map((r) => r[0]?.discountCents), [33, 34, 33]);
    const refunded = [first, second, third].map((r) => value(priceLines(r)).totalCents);
    assert.deepEqual(refunded, [-67, -66, -67]);
    assert.equal(refunded.reduce((a, b) => a + b), -original[0]!.totalCents);
  });

  it('returns the whole discount on a full return', () => {
    assert.equal(value(buildReturnLines(original, {}, [{ lineNo: 1, quantity: 3 }]))[0]?.discountCents, 100);
  });

  it('applies repeated lineNo requests cumulatively', () => {
    const lines = value(buildReturnLines(original, {}, [{ lineNo: 1, quantity: 1 }, { lineNo: 1, quantity: 2 }]));
    assert.deepEqual(lines.map((l) => [l.quantity, l.discountCents]), [[-1, 33], [-2, 67]]);
    assertErr(buildReturnLines(original, {}, [{ lineNo: 2, quantity: 1 }, { lineNo: 2, quantity: 2 }]), 'RETURN_EXCEEDS_SOLD');
  });

  it('rejects an empty request', () => {
    assertErr(buildReturnLines(original, {}, []), 'RETURN_EMPTY');
  });

  it('rejects unknown lines, and return lines of a return ticket', () => {
    assertErr(buildReturnLines(original, {}, [{ lineNo: 3, quantity: 1 }]), 'RETURN_LINE_UNKNOWN');
    assertErr(buildReturnLines(original, {}, [{ lineNo: 0, quantity: 1 }]), 'RETURN_LINE_UNKNOWN');
    const aReturn = sale([{ sku: 'A', label: 'Pain', unitPriceCents: 100, vatRate: 550, quantity: -1 }]);
    assertErr(buildReturnLines(aReturn, {}, [{ lineNo: 1, quantity: 1 }]), 'RETURN_LINE_UNKNOWN');
  });

  it('rejects non-positive or non-integer quantities', () => {
    for (const quantity of [0, -1, 1.5, NaN]) {
      assertErr(buildReturnLines(original, {}, [{ lineNo: 1, quantity }]), 'RETURN_QUANTITY_INVALID');
    }
  });

  it('rejects returning more than sold, counting earlier returns', () => {
    assertErr(buildReturnLines(original, {}, [{ lineNo: 1, quantity: 4 }]), 'RETURN_EXCEEDS_SOLD');
    assertErr(buildReturnLines(original, { 1: 2 }, [{ lineNo: 1, quantity: 2 }]), 'RETURN_EXCEEDS_SOLD');
    assertErr(buildReturnLines(original, { 1: 3 }, [{ lineNo: 1, quantity: 1 }]), 'RETURN_EXCEEDS_SOLD');
  });

  it('refuses, never throws, when storage already counts more returned than sold (two returns that could not see each other)', () => {
    assertErr(buildReturnLines(original, { 1: 4 }, [{ lineNo: 1, quantity: 1 }]), 'RETURN_EXCEEDS_SOLD');
    assertErr(buildReturnLines(original, { 2: 3 }, [{ lineNo: 2, quantity: 1 }]), 'RETURN_EXCEEDS_SOLD');
    // the other lines of that ticket can still be returned
    assert.equal(buildReturnLines(original, { 1: 6 }, [{ lineNo: 2, quantity: 1 }]).ok, true);
  });

  it('throws on corrupt stored return counts (negative or not an integer: programmer error)', () => {
    assert.throws(() => buildReturnLines(original, { 1: -1 }, [{ lineNo: 1, quantity: 1 }]), RangeError);
    assert.throws(() => buildReturnLines(original, { 1: 1.5 }, [{ lineNo: 1, quantity: 1 }]), /^RangeError: buildReturnLines: line 1 already returned 1.5 of 3$/);
    assert.throws(() => buildReturnLines(original, { 1: Number.NaN }, [{ lineNo: 1, quantity: 1 }]), /^RangeError: buildReturnLines: line 1 already returned NaN of 3$/);
  });

  it('refusals say which line and why, in words a cashier can read', () => {
    const message = (r: Result<unknown>) => (r.ok ? '' : r.message);
    assert.equal(message(buildReturnLines(original, {}, [{ lineNo: 1, quantity: 0 }])), 'Line 1: quantity to return must be a positive integer (got 0)');
    assert.equal(message(buildReturnLines(original, { 1: 2 }, [{ lineNo: 1, quantity: 2 }])), 'Line 1: 3 sold, 2 already returned, cannot return 2 more');
    assert.equal(message(buildReturnLines(original, {}, [{ lineNo: 9, quantity: 1 }])), 'Line 9 is not a sold line of the original ticket');
  });

  it('documents the limit: VAT of partial-return tickets is rounded per ticket', () => {
    // Sale: 3 × 1.00 at 20 % → VAT round(50.00) = 50. Three single-unit returns → 3 × round(16.67) = 51.
    const lines = sale([{ sku: 'A', label: 'x', unitPriceCents: 100, vatRate: 2000, quantity: 3 }]);
    const saleVat = value(priceLines(lines)).vat[0]!.vatCents;
    let returnedVat = 0;
    for (const already of [0, 1, 2]) {
      returnedVat += value(priceLines(value(buildReturnLines(lines, { 1: already }, [{ lineNo: 1, quantity: 1 }])))).vat[0]!.vatCents;
    }
    assert.deepEqual([saleVat, returnedVat], [50, -51]);
  });

  it('property: one full return mirrors the sale exactly (total and every VAT line)', () => {
    fc.assert(
      fc.property(saleCartArb, (lines) => {
        const sold = value(priceLines(lines));
        const request = sold.lines.map((l) => ({ lineNo: l.lineNo, quantity: l.quantity }));
        const ret = value(priceLines(value(buildReturnLines(sold.lines, {}, request))));
        assert.equal(ret.totalCents, 0 - sold.totalCents);
        assert.deepEqual(
          ret.vat,
          sold.vat.map((v) => ({ rate: v.rate, baseCents: 0 - v.baseCents, vatCents: 0 - v.vatCents, totalCents: 0 - v.totalCents })),
        );
        assert.deepEqual(ret.lines.map((l) => l.totalCents), sold.lines.map((l) => 0 - l.totalCents));
      }),
      { numRuns: 300 },
    );
  });

  it('property: returning everything across several partial returns refunds exactly the sale, line by line and rate by rate', () => {
    fc.assert(
      fc.property(saleCartArb, fc.gen(), (lines, g) => {
        const sold = value(priceLines(lines));
        const already: Record<number, number> = {};
        const tickets: PricedCart[] = [];
        const refundedByLine = new Map<number, number>();
        const discountByLine = new Map<number, number>();
        const remaining = () => sold.lines.filter((l) => (already[l.lineNo] ?? 0) < l.quantity);
        while (remaining().length > 0) {
          const request: ReturnRequest[] = [];
          for (const l of remaining()) {
            if (!g(fc.boolean)) continue;
            request.push({ lineNo: l.lineNo, quantity: g(fc.integer, { min: 1, max: l.quantity - (already[l.lineNo] ?? 0) }) });
          }
          if (request.length === 0) {
            const l = remaining()[0]!;
            request.push({ lineNo: l.lineNo, quantity: l.quantity - (already[l.lineNo] ?? 0) });
          }
          const ret = value(priceLines(value(buildReturnLines(sold.lines, already, request))));
          assert.ok(ret.totalCents <= 0);
          tickets.push(ret);
          // Return lines come out in request order.
          for (const [i, r] of request.entries()) {
            const back = ret.lines[i]!;
            assert.equal(back.unitPriceCents, sold.lines[r.lineNo - 1]!.unitPriceCents);
            refundedByLine.set(r.lineNo, (refundedByLine.get(r.lineNo) ?? 0) + back.totalCents);
            discountByLine.set(r.lineNo, (discountByLine.get(r.lineNo) ?? 0) + back.discountCents);
          }
          for (const r of request) already[r.lineNo] = (already[r.lineNo] ?? 0) + r.quantity;
        }
        const refunded = tickets.reduce((s, t) => s + t.totalCents, 0);
        assert.equal(refunded, 0 - sold.totalCents);
        for (const v of sold.vat) {
          const refundedAtRate = tickets.flatMap((t) => t.vat).filter((x) => x.rate === v.rate).reduce((s, x) => s + x.totalCents, 0);
          assert.equal(refundedAtRate, 0 - v.totalCents);
        }
        for (const l of sold.lines) {
          assert.equal(refundedByLine.get(l.lineNo), 0 - l.totalCents);
          assert.equal(discountByLine.get(l.lineNo), l.discountCents);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('buildReturnLines: messages', () => {
  it('says what is wrong, naming the line', () => {
    const e1 = buildReturnLines(original, {}, []);
    assert.ok(!e1.ok);
    assert.equal(e1.message, 'Nothing to return');
    const e2 = buildReturnLines(original, {}, [{ lineNo: 9, quantity: 1 }]);
    assert.ok(!e2.ok);
    assert.equal(e2.message, 'Line 9 is not a sold line of the original ticket');
  });
});
