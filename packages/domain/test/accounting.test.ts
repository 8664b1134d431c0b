import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  cashDifferenceEntry,
  chartKeys,
  defaultAccount,
  entryTotals,
  fecAmount,
  fecDate,
  fecRows,
  FEC_COLUMNS,
  ticketEntry,
  type AccountKey,
} from '../src/accounting';
import { priceLines } from '../src/cart';
import { settlePayments, type Payment } from '../src/payment';
import { cartArb } from './arbitraries';

const chart = (key: AccountKey) => defaultAccount(key);

/** A priced cart settled with a split of card and cash (with change on a sale): what a register signs. */
const ticketArb = fc.tuple(cartArb, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 0, max: 5000 })).map(([cart, cardPct, extraCash]) => {
  const priced = priceLines(cart);
  assert.ok(priced.ok);
  const total = priced.value.totalCents;
  const card = Math.trunc((total * cardPct) / 100);
  const payments: Payment[] = [];
  if (card !== 0) payments.push({ method: 'card', amountCents: card });
  const rest = total - card + (total > 0 ? extraCash : 0);
  if (rest !== 0) payments.push({ method: 'cash', amountCents: rest });
  const settled = settlePayments(total, payments);
  assert.ok(settled.ok, settled.ok ? '' : settled.message);
  // Net per method, as X and Z count them: the change comes out of the cash.
  const net = settled.value.payments.map((p) => ({ ...p }));
  const cash = net.find((p) => p.method === 'cash');
  if (cash) cash.amountCents -= settled.value.changeCents;
  return { total, vat: priced.value.vat, payments: net };
});

describe('accounting entries', () => {
  it('every ticket is one balanced entry; payments debited, sales and VAT credited (mirrored on a return)', () => {
    fc.assert(
      fc.property(ticketArb, (t) => {
        const r = ticketEntry({ day: '2025-03-14', pieceRef: 'C1-1', label: 'Vente', vat: t.vat, payments: t.payments }, chart);
        assert.ok(r.ok, r.ok ? '' : r.message);
        const { debitCents, creditCents } = entryTotals(r.value);
        assert.equal(debitCents, creditCents);
        assert.equal(debitCents, Math.abs(t.total));
        for (const l of r.value.lines) {
          assert.ok(l.debitCents >= 0 && l.creditCents >= 0);
          assert.ok((l.debitCents === 0) !== (l.creditCents === 0), 'exactly one side per line');
        }
        // The sales accounts carry the bases, the VAT accounts the VAT, with the ticket's sign.
        const net = (prefix: string) => r.value.lines.filter((l) => l.account.num.startsWith(prefix)).reduce((s, l) => s + l.creditCents - l.debitCents, 0);
        assert.equal(net('707'), t.vat.reduce((s, v) => s + v.baseCents, 0));
        assert.equal(net('44571'), t.vat.reduce((s, v) => s + v.vatCents, 0));
        assert.equal(0 - net('530'), t.payments.filter((p) => p.method === 'cash').reduce((s, p) => s + p.amountCents, 0));
      }),
    );
  });

  it('a ticket whose payments differ from its VAT lines is refused as a value', () => {
    const r = ticketEntry(
      { day: '2025-03-14', pieceRef: 'C1-2', label: 'Vente', vat: [{ rate: 2000, baseCents: 1000, vatCents: 200 }], payments: [{ method: 'card', amountCents: 1100 }] },
      chart,
    );
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.code === 'UNBALANCED');
    assert.ok(!r.ok && r.message === 'C1-2: payments and VAT lines differ (debit 1100, credit 1200)', !r.ok ? r.message : '');
  });

  it('no line for a zero amount: a 0 % rate has a sales line and no VAT line; a free ticket has no line at all', () => {
    const zeroRate = ticketEntry({ day: '2025-03-14', pieceRef: 'C1-3', label: 'Vente', vat: [{ rate: 0, baseCents: 500, vatCents: 0 }], payments: [{ method: 'cash', amountCents: 500 }, { method: 'card', amountCents: 0 }] }, chart);
    assert.ok(zeroRate.ok);
    assert.deepEqual(zeroRate.value.lines.map((l) => l.account.num), ['530000', '707000']);
    const free = ticketEntry({ day: '2025-03-14', pieceRef: 'C1-4', label: 'Vente', vat: [{ rate: 2000, baseCents: 0, vatCents: 0 }], payments: [] }, chart);
    assert.ok(free.ok);
    assert.deepEqual(free.value.lines, []);
  });

  it('cash differences: a shortage is a charge (658), an excess a product (758), none is no entry', () => {
    const short = cashDifferenceEntry({ day: '2025-03-14', pieceRef: 'Z1', label: 'Écart', differenceCents: -350 }, chart)!;
    assert.deepEqual(short.lines.map((l) => [l.account.num, l.debitCents, l.creditCents]), [['658000', 350, 0], ['530000', 0, 350]]);
    const over = cashDifferenceEntry({ day: '2025-03-14', pieceRef: 'Z1', label: 'Écart', differenceCents: 20 }, chart)!;
    assert.deepEqual(over.lines.map((l) => [l.account.num, l.debitCents, l.creditCents]), [['530000', 20, 0], ['758000', 0, 20]]);
    assert.equal(cashDifferenceEntry({ day: '2025-03-14', pieceRef: 'Z1', label: 'Écart', differenceCents: 0 }, chart), null);
  });

  it('default French chart: 707 per rate, 44571 per rate, 530, 5112, 5115, 658, 758', () => {
    const keys = chartKeys([550, 2000, 550], ['cash', 'card', 'cheque']);
    assert.deepEqual(keys, ['sales:2000', 'sales:550', 'vat:2000', 'vat:550', 'payment:cash', 'payment:card', 'payment:cheque', 'cash_short', 'cash_over']);
    assert.deepEqual(keys.map((k) => defaultAccount(k).num), ['707020', '707055', '4457120', '4457155', '530000', '511500', '511200', '658000', '758000']);
    assert.equal(defaultAccount('sales:0').num, '707000');
    assert.match(defaultAccount('vat:550').label, /5,5 %/);
  });

  it('the default chart, every label (golden: what the accountant reads in the export)', () => {
    const keys = chartKeys([2000, 1000, 550, 210, 850], ['cash', 'card', 'cheque']);
    assert.deepEqual(Object.fromEntries(keys.map((k) => [k, defaultAccount(k)])), {
      'sales:2000': { num: '707020', label: 'Ventes de marchandises TVA 20 %' },
      'sales:1000': { num: '707010', label: 'Ventes de marchandises TVA 10 %' },
      'sales:850': { num: '707000', label: 'Ventes de marchandises TVA 8,5 %' },
      'sales:550': { num: '707055', label: 'Ventes de marchandises TVA 5,5 %' },
      'sales:210': { num: '707021', label: 'Ventes de marchandises TVA 2,1 %' },
      'vat:2000': { num: '4457120', label: 'TVA collectée 20 %' },
      'vat:1000': { num: '4457110', label: 'TVA collectée 10 %' },
      'vat:850': { num: '4457100', label: 'TVA collectée 8,5 %' },
      'vat:550': { num: '4457155', label: 'TVA collectée 5,5 %' },
      'vat:210': { num: '4457121', label: 'TVA collectée 2,1 %' },
      'payment:cash': { num: '530000', label: 'Caisse' },
      'payment:card': { num: '511500', label: 'Cartes bancaires à encaisser' },
      'payment:cheque': { num: '511200', label: 'Chèques à encaisser' },
      cash_short: { num: '658000', label: 'Écarts de caisse (manquants)' },
      cash_over: { num: '758000', label: 'Écarts de caisse (excédents)' },
    });
    assert.equal(defaultAccount('sales:1234').label, 'Ventes de marchandises TVA 12,34 %');
    for (const bad of ['sales:', 'xsales:2000', 'sales:2000x', 'vat:20.00', 'payment:bitcoin'] as AccountKey[]) {
      assert.throws(() => defaultAccount(bad), new RegExp(`^RangeError: defaultAccount: unknown account key ${bad.replace('.', '\\.')}$`), bad);
    }
  });
});

describe('FEC text', () => {
  it('amounts with a comma and two decimals, dates AAAAMMJJ', () => {
    assert.equal(fecAmount(0), '0,00');
    assert.equal(fecAmount(5), '0,05');
    assert.equal(fecAmount(123456), '1234,56');
    assert.throws(() => fecAmount(-1));
    assert.throws(() => fecAmount(1.5));
    assert.equal(fecDate('2025-03-04'), '20250304');
    assert.throws(() => fecDate('04/03/2025'), /^RangeError: fecDate: not a YYYY-MM-DD date: 04\/03\/2025$/);
    assert.throws(() => fecDate('x2025-03-04'), RangeError);
    assert.throws(() => fecDate('2025-03-04x'), RangeError);
    assert.throws(() => fecAmount(-1), /^RangeError: fecAmount: not a non-negative integer of cents: -1$/);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e12 }), (c) => {
        const m = /^(\d+),(\d{2})$/.exec(fecAmount(c));
        assert.ok(m);
        assert.equal(Number(m[1]) * 100 + Number(m[2]), c);
      }),
    );
  });

  it('rows: 18 fields, entries numbered in order, free text without tabs or line breaks', () => {
    const e1 = ticketEntry({ day: '2025-03-14', pieceRef: 'Caisse\t1 n°1', label: 'Vente\nA', vat: [{ rate: 2000, baseCents: 1000, vatCents: 200 }], payments: [{ method: 'cash', amountCents: 1200 }] }, chart);
    const e2 = ticketEntry({ day: '2025-03-15', pieceRef: 'Caisse 1 n°2', label: 'Retour', vat: [{ rate: 2000, baseCents: -1000, vatCents: -200 }], payments: [{ method: 'cash', amountCents: -1200 }] }, chart);
    assert.ok(e1.ok && e2.ok);
    const rows = fecRows({ code: 'VE', label: 'Ventes' }, [e1.value, e2.value]);
    assert.equal(FEC_COLUMNS.length, 18);
    assert.equal(rows.length, 6);
    for (const r of rows) {
      assert.equal(r.length, 18);
      for (const f of r) assert.doesNotMatch(f, /[\t\r\n]/);
    }
    assert.deepEqual(rows.map((r) => r[2]), ['1', '1', '1', '2', '2', '2']);
    assert.deepEqual(rows[0]!.slice(0, 5), ['VE', 'Ventes', '1', '20250314', '530000']);
    assert.equal(rows[0]![8], 'Caisse 1 n°1');
    assert.deepEqual([rows[3]![11], rows[3]![12]], ['0,00', '12,00'], 'a refund credits the cash');
    // Every field of one row, in FEC order (empty: CompAuxNum, CompAuxLib, EcritureLet, DateLet, Montantdevise, Idevise).
    assert.deepEqual(rows[0], ['VE', 'Ventes', '1', '20250314', '530000', 'Caisse', '', '', 'Caisse 1 n°1', '20250314', 'Vente A', '12,00', '0,00', '', '', '20250314', '', '']);
    // Runs of tabs and line breaks become one space; the ends are trimmed.
    const e3 = ticketEntry({ day: '2025-03-16', pieceRef: ' P\t\r\n3 ', label: 'a\n\nb', vat: [{ rate: 2000, baseCents: 1000, vatCents: 200 }], payments: [{ method: 'cash', amountCents: 1200 }] }, chart);
    assert.ok(e3.ok);
    const r3 = fecRows({ code: 'VE', label: 'Ventes' }, [e3.value])[0]!;
    assert.deepEqual([r3[8], r3[10]], ['P 3', 'a b']);
  });
});
