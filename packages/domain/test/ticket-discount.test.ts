import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { priceLines, type LineInput } from '../src/cart';
import { spreadTicketDiscount, ticketDiscountCents, type TicketDiscount } from '../src/ticket-discount';
import { saleCartArb } from './arbitraries';

const net = (l: LineInput) => l.unitPriceCents * l.quantity - (l.discountCents ?? 0);
const sumNet = (ls: readonly LineInput[]) => ls.reduce((s, l) => s + net(l), 0);

/** A cart and a ticket discount that fits it (percent, or an amount up to the cart's net). */
const caseArb = saleCartArb
  .filter((ls) => sumNet(ls) > 0)
  .chain((lines) =>
    fc
      .oneof(
        fc.integer({ min: 1, max: 10000 }).map((percentBp): TicketDiscount => ({ percentBp })),
        fc.integer({ min: 1, max: sumNet(lines) }).map((amountCents): TicketDiscount => ({ amountCents })),
      )
      .map((discount) => ({ lines, discount })),
  );

describe('whole-ticket discount spread over lines', () => {
  it('the shares sum to the discount exactly, none takes a line below zero, each within a cent of its exact share', () => {
    fc.assert(
      fc.property(caseArb, ({ lines, discount }) => {
        const r = spreadTicketDiscount(lines, discount);
        assert.ok(r.ok, JSON.stringify(r));
        const total = sumNet(lines);
        const wanted = ticketDiscountCents(total, discount);
        const shares = r.value.map((l, i) => (l.discountCents ?? 0) - (lines[i]!.discountCents ?? 0));
        assert.equal(shares.reduce((s, x) => s + x, 0), wanted);
        for (const [i, s] of shares.entries()) {
          assert.ok(s >= 0 && s <= net(lines[i]!), `share ${s} of line net ${net(lines[i]!)}`);
          assert.ok(Math.abs(s - (wanted * net(lines[i]!)) / total) < 1, 'proportional within a cent');
        }
      }),
    );
  });

  it('priced afterwards, the ticket total drops by exactly the discount and every VAT line balances to the cent', () => {
    fc.assert(
      fc.property(caseArb, ({ lines, discount }) => {
        const before = priceLines(lines);
        const r = spreadTicketDiscount(lines, discount);
        assert.ok(before.ok && r.ok);
        const after = priceLines(r.value);
        assert.ok(after.ok, JSON.stringify(after));
        assert.equal(after.value.totalCents, before.value.totalCents - ticketDiscountCents(sumNet(lines), discount));
        assert.equal(after.value.vat.reduce((s, v) => s + v.totalCents, 0), after.value.totalCents);
        for (const v of after.value.vat) assert.equal(v.baseCents + v.vatCents, v.totalCents);
      }),
    );
  });

  it('a percentage rounds half up on the net total; known cases', () => {
    assert.equal(ticketDiscountCents(1005, { percentBp: 1000 }), 101, '100,5 → 101');
    assert.equal(ticketDiscountCents(1004, { percentBp: 1000 }), 100);
    const lines: LineInput[] = [
      { sku: 'A', label: 'A', unitPriceCents: 100, vatRate: 2000, quantity: 1 },
      { sku: 'B', label: 'B', unitPriceCents: 100, vatRate: 550, quantity: 1 },
      { sku: 'C', label: 'C', unitPriceCents: 100, vatRate: 550, quantity: 1 },
    ];
    const r = spreadTicketDiscount(lines, { amountCents: 100 });
    assert.ok(r.ok);
    assert.deepEqual(r.value.map((l) => l.discountCents), [34, 33, 33], 'the cent left goes to the first line on a tie');
  });

  it('refuses what is not a discount of this sale, changing nothing', () => {
    const lines: LineInput[] = [{ sku: 'A', label: 'A', unitPriceCents: 500, vatRate: 2000, quantity: 2, discountCents: 100 }];
    for (const bad of [{ percentBp: 0 }, { percentBp: 10001 }, { percentBp: 1.5 }, { amountCents: 0 }, { amountCents: 901 }, { amountCents: -1 }]) {
      const r = spreadTicketDiscount(lines, bad);
      assert.equal(r.ok, false, JSON.stringify(bad));
      if (!r.ok) assert.equal(r.code, 'TICKET_DISCOUNT_INVALID');
    }
    assert.equal(spreadTicketDiscount([{ ...lines[0]!, quantity: -1 }], { percentBp: 500 }).ok, false, 'not on a return');
    assert.equal(lines[0]!.discountCents, 100, 'input untouched');
  });
});

describe('whole-ticket discount: the edges', () => {
  const line = (sku: string, unitPriceCents: number, quantity = 1): LineInput => ({ sku, label: sku, unitPriceCents, vatRate: 2000, quantity });
  const shares = (lines: LineInput[], discount: TicketDiscount) => {
    const r = spreadTicketDiscount(lines, discount);
    assert.ok(r.ok, JSON.stringify(r));
    return r.value.map((l) => l.discountCents);
  };
  const refusal = (lines: LineInput[], discount: TicketDiscount) => {
    const r = spreadTicketDiscount(lines, discount);
    assert.equal(r.ok, false);
    if (!r.ok) assert.equal(r.code, 'TICKET_DISCOUNT_INVALID');
    return r.ok ? '' : r.message;
  };

  it('the cents left go to the largest remainders, not to the largest lines', () => {
    // 7 cents over nets 500 and 300: exact shares 4,375 and 2,625 → floors 4 and 2, the cent left to the second.
    assert.deepEqual(shares([line('A', 500), line('B', 300)], { amountCents: 7 }), [4, 3]);
  });

  it('on equal remainders, the first lines get the cents left, however long the ticket', () => {
    for (const n of [3, 5, 40, 100]) {
      const got = shares(Array.from({ length: n }, (_, i) => line(`L${i}`, 100)), { amountCents: 2 });
      assert.deepEqual(got, Array.from({ length: n }, (_, i) => (i < 2 ? 1 : 0)), `${n} lines`);
    }
  });

  it('a discount of the whole total is allowed (an amount or 100 %), one cent or one basis point more is not', () => {
    assert.deepEqual(shares([line('A', 500), line('B', 400)], { amountCents: 900 }), [500, 400]);
    assert.deepEqual(shares([line('A', 500), line('B', 400)], { percentBp: 10000 }), [500, 400]);
    assert.equal(refusal([line('A', 500)], { percentBp: 10001 }), 'A ticket discount is 0,01 % to 100 % (got 10001 basis points)');
    assert.equal(refusal([line('A', 500), line('B', 400)], { amountCents: 901 }), "The ticket discount (901 cents) exceeds the ticket's total (900 cents)");
  });

  it('a percentage that rounds to no cent leaves the lines as they were (copies, no discount field added)', () => {
    const lines = [line('A', 10), line('B', 20)];
    const r = spreadTicketDiscount(lines, { percentBp: 1 });
    assert.ok(r.ok);
    assert.deepEqual(r.value, lines);
    assert.notEqual(r.value[0], lines[0], 'new line objects, the input is never shared');
  });

  it('any line that is not a sale (a return, a zero quantity) refuses the whole ticket, with its reason', () => {
    for (const q of [-1, 0]) {
      assert.equal(refusal([line('A', 500), line('B', 300, q)], { percentBp: 1000 }), 'A ticket discount applies to a sale', `quantity ${q}`);
    }
    assert.equal(refusal([line('A', 500)], { percentBp: 0 }), 'A ticket discount is 0,01 % to 100 % (got 0 basis points)');
    assert.equal(refusal([line('A', 500)], { amountCents: 0 }), 'A ticket discount amount is a positive number of cents (got 0)');
  });
});
