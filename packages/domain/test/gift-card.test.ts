import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_GIFT_CARD_MAX_CENTS, checkGiftCardAmount, checkGiftCardSaleTenders, checkGiftCardTenders, giftCardCents } from '../src/gift-card';
import { PAYMENT_METHODS, settlePayments, type Payment } from '../src/payment';
import type { Result } from '../src/result';
import { sumTicketSums, type SummedTicket } from '../src/ticket-sums';
import { ticketTotalsMismatch } from '../src/ticket-totals';
import { recomputeClosures } from '../src/closure-check';
import type { SignedRecord } from '../src/signing';

const gc = (amountCents: number): Payment => ({ method: 'gift_card', amountCents });
const card = (amountCents: number): Payment => ({ method: 'card', amountCents });
const cash = (amountCents: number): Payment => ({ method: 'cash', amountCents });

function code(r: Result<unknown>): string {
  assert.equal(r.ok, false, 'expected a refusal');
  return r.ok ? '' : r.code;
}

describe('gift cards: selling one', () => {
  it('is a payment method; the default cap is 500,00 €', () => {
    assert.ok((PAYMENT_METHODS as readonly string[]).includes('gift_card'));
    assert.equal(DEFAULT_GIFT_CARD_MAX_CENTS, 50_000);
  });
  it('takes an amount above 0 and at most the cap', () => {
    assert.deepEqual(checkGiftCardAmount(1, 50_000), { ok: true, value: 1 });
    assert.deepEqual(checkGiftCardAmount(50_000, 50_000), { ok: true, value: 50_000 });
    assert.equal(code(checkGiftCardAmount(0, 50_000)), 'GIFT_CARD_AMOUNT');
    assert.equal(code(checkGiftCardAmount(-100, 50_000)), 'GIFT_CARD_AMOUNT');
    assert.equal(code(checkGiftCardAmount(10.5, 50_000)), 'GIFT_CARD_AMOUNT');
    assert.equal(code(checkGiftCardAmount(50_001, 50_000)), 'GIFT_CARD_MAX');
    assert.throws(() => checkGiftCardAmount(100, 0), RangeError, 'a cap of 0 is a programmer error');
  });
  it('is paid by money only', () => {
    assert.equal(checkGiftCardSaleTenders([cash(500), card(500), { method: 'cheque', amountCents: 100 }]).ok, true);
    for (const m of ['credit_note', 'meal_voucher', 'gift_card'] as const) assert.equal(code(checkGiftCardSaleTenders([card(100), { method: m, amountCents: 100 }])), 'GIFT_CARD_TENDER', m);
  });
});

describe('gift cards: spending one', () => {
  it('up to what is due, the rest by another tender', () => {
    assert.deepEqual(checkGiftCardTenders(3000, [gc(1000), gc(500), card(1500)]), { ok: true, value: 1500 });
    assert.deepEqual(checkGiftCardTenders(1000, [card(1000)]), { ok: true, value: 0 });
  });
  it('never gives change out of a card, never refunds on one', () => {
    assert.equal(code(checkGiftCardTenders(1000, [gc(1001)])), 'GIFT_CARD_OVER_DUE');
    assert.equal(code(checkGiftCardTenders(1000, [gc(600), gc(600), cash(100)])), 'GIFT_CARD_OVER_DUE', 'several cards count together');
    assert.equal(code(checkGiftCardTenders(-500, [gc(-500)])), 'GIFT_CARD_REFUND');
  });
  it('property: an accepted tender with settled payments gives change only out of the cash beyond what is due', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.array(fc.record({ method: fc.constantFrom('cash' as const, 'card' as const, 'gift_card' as const), amountCents: fc.integer({ min: 1, max: 50_000 }) }), { minLength: 1, maxLength: 5 }), (total, payments) => {
        const cards = checkGiftCardTenders(total, payments);
        const settled = settlePayments(total, payments);
        if (!cards.ok || !settled.ok) return;
        assert.ok(cards.value === giftCardCents(payments) && cards.value <= total);
        assert.ok(total - cards.value >= 0 && settled.value.changeCents <= payments.filter((p) => p.method === 'cash').reduce((s, p) => s + p.amountCents, 0));
      }),
    );
  });
});

describe("gift cards: a card's ticket in the sums and checks", () => {
  const cardTicket: SummedTicket<Payment['method']> & { lines: []; giftCard: { amountCents: number } } = { kind: 'sale', totalCents: 5000, changeCents: 200, payments: [cash(5200)], vat: [], lines: [], giftCard: { amountCents: 5000 } };
  const sale: SummedTicket<Payment['method']> = { kind: 'sale', totalCents: 1200, changeCents: 0, payments: [gc(1200)], vat: [{ rate: 2000, baseCents: 1000, vatCents: 200, totalCents: 1200 }] };
  it('counts the card apart: no sale, no total, its money in the payments', () => {
    const s = sumTicketSums([cardTicket, sale], 'cash');
    assert.deepEqual([s.ticketCount, s.saleCount, s.salesCents, s.totalCents, s.giftCardsIssuedCents], [2, 1, 1200, 1200, 5000]);
    assert.deepEqual(s.payments, [{ method: 'cash', amountCents: 5000, count: 1 }, { method: 'gift_card', amountCents: 1200, count: 1 }]);
    assert.equal('giftCardsIssuedCents' in sumTicketSums([sale], 'cash'), false, 'absent without any card: sums as before');
  });
  it('a card ticket has no line and no VAT; its total is the card', () => {
    assert.equal(ticketTotalsMismatch({ ...cardTicket, lines: [] }), null);
    assert.equal(ticketTotalsMismatch({ ...cardTicket, totalCents: 4000 }), 'total');
    assert.equal(ticketTotalsMismatch({ ...cardTicket, vat: sale.vat }), 'vat');
    assert.equal(ticketTotalsMismatch({ ...cardTicket, changeCents: 0 }), 'payments');
    assert.equal(ticketTotalsMismatch({ lines: [], vat: [], totalCents: 0, payments: [], changeCents: 0 }), 'lines', 'any other ticket still needs lines');
  });
  it('the Z recomputation checks the cards it states', () => {
    const rec = (chain: string, number: number, payload: unknown) => ({ chain, number, payload }) as unknown as SignedRecord;
    const sums = sumTicketSums([cardTicket], 'cash');
    const z = { type: 'closure', version: 2, period: 'day', periodKey: '2026-12-04', firstTicket: 1, lastTicket: 1, grandTotalCents: 0, grandTotalAbsCents: 0, ...sums };
    assert.deepEqual(recomputeClosures([rec('ticket', 1, cardTicket), rec('closure', 1, z)]), { ok: true, recomputed: 1, notRecomputed: [] });
    const lied = recomputeClosures([rec('ticket', 1, cardTicket), rec('closure', 1, { ...z, giftCardsIssuedCents: 4000 })]);
    assert.equal(lied.ok, false);
    assert.match(lied.ok ? '' : lied.reason, /giftCardsIssuedCents is 4000/);
  });
});
