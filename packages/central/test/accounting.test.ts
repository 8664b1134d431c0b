import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { parse } from 'csv-parse/sync';
import { priceLines, settlePayments, type LineInput, type Payment, type PaymentMethod } from '@comptoir/domain';
import type { ClosurePayloadV2, SignedRecord, TicketPayload, VatLine } from '@comptoir/protocol';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

const FEC_HEADER =
  'JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\tCompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\tValidDate\tMontantdevise\tIdevise';

/** A ticket as a register signs it: priced by the domain, settled (with change on a cash sale). */
function ticket(storeId: string, lines: LineInput[], payments: Payment[], original: { registerId: string; number: number } | null = null): TicketPayload {
  const priced = priceLines(lines);
  assert.ok(priced.ok);
  const settled = settlePayments(priced.value.totalCents, payments);
  assert.ok(settled.ok, settled.ok ? '' : settled.message);
  return {
    type: 'ticket',
    kind: priced.value.totalCents < 0 ? 'return' : 'sale',
    storeId,
    cashierId: 'u-cashier',
    customerId: null,
    soldOffline: false,
    lines: priced.value.lines.map((l) => ({ lineNo: l.lineNo, sku: l.sku, label: l.label, quantity: l.quantity, unitPriceCents: l.unitPriceCents, vatRate: l.vatRate, discountCents: l.discountCents, totalCents: l.totalCents })),
    vat: priced.value.vat,
    totalCents: priced.value.totalCents,
    payments: settled.value.payments,
    changeCents: settled.value.changeCents,
    original,
  };
}

/** What a Z of these tickets carries (the register's X/Z arithmetic: cash net of change). */
function zOf(tickets: TicketPayload[], periodKey: string, firstTicket: number, lastTicket: number, grandBefore: number, cash: { expected: number; counted: number } | null) {
  const vat = new Map<number, { rate: number; baseCents: number; vatCents: number; totalCents: number }>();
  const pay = new Map<string, { method: PaymentMethod; amountCents: number; count: number }>();
  let total = 0;
  for (const t of tickets) {
    total += t.totalCents;
    for (const v of t.vat) {
      const r = vat.get(v.rate) ?? { rate: v.rate, baseCents: 0, vatCents: 0, totalCents: 0 };
      r.baseCents += v.baseCents;
      r.vatCents += v.vatCents;
      r.totalCents += v.totalCents;
      vat.set(v.rate, r);
    }
    for (const p of t.payments) {
      const r = pay.get(p.method) ?? { method: p.method, amountCents: 0, count: 0 };
      r.amountCents += p.amountCents - (p.method === 'cash' ? t.changeCents : 0);
      r.count += 1;
      pay.set(p.method, r);
    }
  }
  const vatOfKind = (kind: 'sale' | 'return'): VatLine[] => {
    const m = new Map<number, VatLine>();
    for (const t of tickets.filter((x) => x.kind === kind))
      for (const v of t.vat) {
        const r = m.get(v.rate) ?? { rate: v.rate, baseCents: 0, vatCents: 0, totalCents: 0 };
        r.baseCents += v.baseCents;
        r.vatCents += v.vatCents;
        r.totalCents += v.totalCents;
        m.set(v.rate, r);
      }
    return [...m.values()];
  };
  const salesCents = tickets.filter((t) => t.kind === 'sale').reduce((s, t) => s + t.totalCents, 0);
  const returnsCents = -tickets.filter((t) => t.kind === 'return').reduce((s, t) => s + t.totalCents, 0);
  const payload: ClosurePayloadV2 = {
    type: 'closure',
    version: 2,
    auto: false,
    salesCents,
    returnsCents: returnsCents + 0,
    vatSales: vatOfKind('sale'),
    vatReturns: vatOfKind('return'),
    grandTotalAbsCents: salesCents + returnsCents,
    softwareVersion: 'Comptoir test',
    period: 'day',
    periodKey,
    firstTicket,
    lastTicket,
    ticketCount: tickets.length,
    saleCount: tickets.filter((t) => t.kind === 'sale').length,
    returnCount: tickets.filter((t) => t.kind === 'return').length,
    totalCents: total,
    payments: [...pay.values()],
    vat: [...vat.values()].sort((a, b) => b.rate - a.rate),
    grandTotalCents: grandBefore + total,
    cashierId: 'u-cashier',
    cashExpectedCents: cash?.expected ?? null,
    cashCountedCents: cash?.counted ?? null,
    cashDifferenceCents: cash ? cash.counted - cash.expected : null,
  };
  return payload;
}

interface FecLine {
  fields: string[];
  journal: string;
  num: number;
  date: string;
  account: string;
  pieceRef: string;
  debit: number;
  credit: number;
}

function cents(amount: string): number {
  const m = /^(\d+),(\d{2})$/.exec(amount);
  assert.ok(m, `amount ${JSON.stringify(amount)} is digits, a comma and two decimals`);
  return Number(m[1]) * 100 + Number(m[2]);
}

/** Parses a FEC checking the published rules on every line (18 fields, dates, amounts, one side, balanced entries). */
function readFec(body: Buffer): { header: string; lines: FecLine[] } {
  const text = iconv.decode(body, 'iso-8859-15');
  assert.ok(text.endsWith('\r\n'), 'records end with CRLF');
  const [header, ...rest] = text.slice(0, -2).split('\r\n');
  const lines = rest.map((l, i) => {
    const f = l.split('\t');
    assert.equal(f.length, 18, `line ${i + 2} has 18 fields: ${l}`);
    for (const d of [f[3]!, f[9]!, f[15]!]) assert.match(d, /^\d{8}$/, `line ${i + 2}: dates AAAAMMJJ`);
    assert.match(f[2]!, /^\d+$/);
    assert.ok(f[4]!.length > 0 && f[5]!.length > 0, 'account number and label');
    const debit = cents(f[11]!);
    const credit = cents(f[12]!);
    assert.ok((debit === 0) !== (credit === 0), `line ${i + 2}: exactly one of debit and credit`);
    return { fields: f, journal: f[0]!, num: Number(f[2]), date: f[3]!, account: f[4]!, pieceRef: f[8]!, debit, credit };
  });
  // EcritureNum: one continuous sequence from 1, each entry balanced, one date per entry.
  const byNum = new Map<number, FecLine[]>();
  for (const l of lines) byNum.set(l.num, [...(byNum.get(l.num) ?? []), l]);
  assert.deepEqual([...byNum.keys()], [...Array(byNum.size).keys()].map((i) => i + 1), 'entries numbered 1..n in file order');
  for (const [num, ls] of byNum) {
    assert.equal(ls.reduce((s, l) => s + l.debit, 0), ls.reduce((s, l) => s + l.credit, 0), `entry ${num} balanced`);
    assert.equal(new Set(ls.map((l) => l.date)).size, 1);
  }
  const dates = lines.map((l) => l.date);
  assert.deepEqual(dates, [...dates].sort(), 'chronological');
  return { header: header!, lines };
}

/** Net balance (credit − debit) of the accounts starting with `prefix`, over some lines. */
const balance = (lines: FecLine[], prefix: string) => lines.filter((l) => l.account.startsWith(prefix)).reduce((s, l) => s + l.credit - l.debit, 0);

for (const dialect of DIALECTS) {
  describe(`accounting [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let a: FakeRegister;
    let b: FakeRegister;
    let cashierToken: string;
    const zs: ReturnType<typeof zOf>[] = [];

    const line = (sku: string, quantity: number, unitPriceCents: number, vatRate: number, discountCents = 0): LineInput => ({ sku, label: `Produit ${sku}`, quantity, unitPriceCents, vatRate, discountCents });
    const push = async (reg: FakeRegister, records: SignedRecord[]) => {
      const r = await c.call('POST', '/api/sync/push', reg.token, { records });
      assert.equal(r.status, 200, JSON.stringify(r.json));
    };
    const fec = (qs: string, token = c.managerToken) => c.app.inject({ method: 'GET', url: `/api/accounting/fec?${qs}`, headers: { authorization: `Bearer ${token}` } });

    before(async () => {
      c = await startTestCentral(dialect);
      for (const sku of ['PAIN', 'VIN', 'LIVRE', 'RESTO']) await c.addProduct(sku, 100, 100);
      a = await c.enrolRegister('Caisse A');
      b = await c.enrolRegister('Caisse B');
      const s = c.storeId;
      // Day 1 (Z of 2025-03-13) at A: a cash sale with change and a discount, a mixed sale, a cheque sale, a return.
      const a1 = ticket(s, [line('PAIN', 3, 120, 550, 20), line('VIN', 1, 1590, 2000)], [{ method: 'cash', amountCents: 2500 }]);
      const a2 = ticket(s, [line('RESTO', 2, 1250, 1000), line('LIVRE', 1, 1999, 550)], [{ method: 'card', amountCents: 3000 }, { method: 'cash', amountCents: 2000 }]);
      const a3 = ticket(s, [line('VIN', 2, 1590, 2000)], [{ method: 'cheque', amountCents: 3180 }]);
      const a4 = ticket(s, [line('VIN', -1, 1590, 2000)], [{ method: 'cash', amountCents: -1590 }], { registerId: a.id, number: 3 });
      const dayA = [a1, a2, a3, a4];
      zs.push(zOf(dayA, '2025-03-13', 1, 4, 0, { expected: 50000, counted: 49650 }));
      // Day 2 at A: one card sale, closed with an excess of 20 cents; then one ticket no Z covers yet.
      const a5 = ticket(s, [line('PAIN', 10, 120, 550)], [{ method: 'card', amountCents: 1200 }]);
      zs.push(zOf([a5], '2025-03-14', 5, 5, zs[0]!.grandTotalCents as number, { expected: 20000, counted: 20020 }));
      const a6 = ticket(s, [line('LIVRE', 1, 1999, 550)], [{ method: 'cash', amountCents: 1999 }]);
      // At B: a 2.1 % sale, its Z (not counted), and a training ticket (never in the books).
      const b1 = ticket(s, [line('LIVRE', 1, 850, 210)], [{ method: 'card', amountCents: 850 }]);
      const zb = zOf([b1], '2025-03-14', 1, 1, 0, null);
      await push(a, [...dayA, a5].map((t) => a.next('ticket', t)));
      await push(a, [a.next('closure', zs[0]!), a.next('closure', zs[1]!), a.next('ticket', a6)]);
      await push(b, [b.next('ticket', b1), b.next('closure', zb), b.next('training', ticket(s, [line('VIN', 50, 1590, 2000)], [{ method: 'cash', amountCents: 79500 }]))]);
      zs.push(zb);
      cashierToken = (await c.call('POST', '/api/auth/login', null, { username: 'marie', password: 'cashier-password-1' })).json.token;
    });
    after(async () => c?.close());

    it('who may call: staff only; bad periods are 400; an unknown store 404', async () => {
      for (const url of ['/api/accounting/fec?from=2025-03-01&to=2025-03-31', '/api/accounting/journal?from=2025-03-01&to=2025-03-31', '/api/accounting/journal.csv?from=2025-03-01&to=2025-03-31', '/api/accounting/accounts']) {
        assert.equal((await c.call('GET', url, null)).status, 401, url);
        assert.equal((await c.call('GET', url, cashierToken)).status, 403, url);
        assert.equal((await c.call('GET', url, a.token)).status, 403, url);
      }
      assert.equal((await c.call('PUT', '/api/accounting/accounts', cashierToken, { items: [{ key: 'payment:cash', num: '531000', label: 'X' }] })).status, 403);
      for (const qs of ['from=2025-03-01', 'from=2025-03-31&to=2025-03-01', 'from=01/03/2025&to=2025-03-31', 'from=2025-02-30&to=2025-03-31', 'from=2020-01-01&to=2025-03-31']) {
        const r = await c.call('GET', `/api/accounting/fec?${qs}`, c.managerToken);
        assert.equal(r.status, 400, qs);
        assert.equal(r.json.error.code, 'VALIDATION');
      }
      assert.equal((await c.call('GET', '/api/accounting/journal?storeId=nope&from=2025-03-01&to=2025-03-31', c.adminToken)).status, 404);
    });

    it('FEC: the published rules line by line, the file name, and every account equal to the Z totals', async () => {
      const res = await fec(`storeId=${c.storeId}&from=2025-03-01&to=2025-03-31`);
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['content-disposition'], 'attachment; filename="912345675FEC20250331.txt"');
      assert.match(String(res.headers['content-type']), /^text\/plain; charset=iso-8859-15/);
      const { header, lines } = readFec(res.rawPayload);
      assert.equal(header, FEC_HEADER);
      assert.ok(lines.every((l) => l.journal === 'VE'));
      // Tickets: 5 at A in Z's, 1 open at A, 1 at B; cash differences: 2 (A's two counted Z's). Training: none.
      assert.equal(new Set(lines.map((l) => l.num)).size, 9);
      assert.deepEqual([...new Set(lines.filter((l) => l.pieceRef.startsWith('Caisse B')).map((l) => l.pieceRef))], ['Caisse B n°1']);
      // Days: the Z's day, not the sale's clock (the fake register sold everything on the 14th).
      assert.deepEqual([...new Set(lines.filter((l) => /^Caisse A n°[1-4]$/.test(l.pieceRef)).map((l) => l.date))], ['20250313']);
      assert.deepEqual([...new Set(lines.filter((l) => l.pieceRef === 'Caisse A n°6').map((l) => l.date))], ['20250314'], 'an unclosed ticket on its sale date');

      const ticketLines = lines.filter((l) => !l.pieceRef.startsWith('Z '));
      const open = ticketLines.filter((l) => l.pieceRef === 'Caisse A n°6');
      const closed = ticketLines.filter((l) => l.pieceRef !== 'Caisse A n°6');
      const sum = (f: (z: (typeof zs)[number]) => number) => zs.reduce((s, z) => s + f(z), 0);
      const vatOf = (z: (typeof zs)[number], rate: number) => z.vat.find((v) => v.rate === rate);
      for (const [rate, suffix] of [[2000, '20'], [1000, '10'], [550, '55'], [210, '21']] as const) {
        assert.equal(balance(closed, `7070${suffix}`), sum((z) => vatOf(z, rate)?.baseCents ?? 0), `sales ${rate}`);
        assert.equal(balance(closed, `44571${suffix}`), sum((z) => vatOf(z, rate)?.vatCents ?? 0), `VAT ${rate}`);
      }
      for (const [method, account] of [['cash', '530000'], ['card', '511500'], ['cheque', '511200']] as const) {
        assert.equal(-balance(closed, account), sum((z) => z.payments.find((p) => p.method === method)?.amountCents ?? 0), `payments ${method}`);
      }
      assert.equal(balance(closed, '70') + balance(closed, '4457'), sum((z) => z.totalCents), 'sales + VAT = the Z totals');
      assert.equal(-balance(open, '530000'), 1999);
      // Cash differences: A's first Z was 3.50 short (658 / 530), the second 0.20 over (530 / 758).
      const diff = lines.filter((l) => l.pieceRef.startsWith('Z '));
      assert.deepEqual(diff.map((l) => [l.date, l.account, l.debit, l.credit]), [
        ['20250313', '658000', 350, 0],
        ['20250313', '530000', 0, 350],
        ['20250314', '530000', 20, 0],
        ['20250314', '758000', 0, 20],
      ]);
      // Returns are the mirror: A's n°4 credits the cash and debits sales and VAT at 20 %.
      const ret = lines.filter((l) => l.pieceRef === 'Caisse A n°4');
      assert.deepEqual(ret.map((l) => [l.account, l.debit, l.credit]), [['530000', 0, 1590], ['707020', 1325, 0], ['4457120', 265, 0]]);
      assert.match(ret[0]!.fields[10]!, /^Retour Caisse A n°4 \(ticket Caisse A n°3\)$/);

      // A shorter period: only the 13th's entries.
      const one = readFec((await fec(`from=2025-03-13&to=2025-03-13`)).rawPayload);
      assert.deepEqual([...new Set(one.lines.map((l) => l.date))], ['20250313']);
      assert.equal(new Set(one.lines.map((l) => l.num)).size, 5);
    });

    it('chart of accounts: French defaults, edited per store, used by the FEC; bad edits store nothing', async () => {
      let chart = await c.call('GET', '/api/accounting/accounts', c.managerToken);
      assert.equal(chart.status, 200);
      const num = (key: string) => chart.json.items.find((i: any) => i.key === key);
      assert.equal(num('payment:cash').num, '530000');
      assert.equal(num('payment:cash').isDefault, true);
      assert.equal(num('sales:2000').num, '707020');
      assert.equal(num('vat:210').num, '4457121');
      for (const bad of [{ items: [] }, { items: [{ key: 'sales:x', num: '707', label: 'X' }] }, { items: [{ key: 'payment:cash', num: '53 0', label: 'Caisse' }] }, { items: [{ key: 'payment:cash', num: '531', label: 'A' }, { key: 'payment:cash', num: '532', label: 'B' }] }]) {
        const r = await c.call('PUT', '/api/accounting/accounts', c.managerToken, bad);
        assert.equal(r.status, 400, JSON.stringify(bad));
      }
      assert.equal((await c.call('GET', '/api/accounting/accounts', c.managerToken)).json.items.find((i: any) => i.key === 'payment:cash').num, '530000', 'nothing stored');
      const put = await c.call('PUT', '/api/accounting/accounts', c.managerToken, { items: [{ key: 'payment:cash', num: '531000', label: 'Caisse boutique' }, { key: 'sales:2000', num: '707100', label: 'Ventes vins' }] });
      assert.equal(put.status, 200, JSON.stringify(put.json));
      chart = await c.call('GET', `/api/accounting/accounts?storeId=${c.storeId}`, c.managerToken);
      assert.deepEqual([num('payment:cash').num, num('payment:cash').label, num('payment:cash').isDefault], ['531000', 'Caisse boutique', false]);
      const { lines } = readFec((await fec('from=2025-03-13&to=2025-03-13')).rawPayload);
      assert.ok(lines.some((l) => l.account === '531000' && l.fields[5] === 'Caisse boutique'));
      assert.ok(lines.some((l) => l.account === '707100'));
      assert.ok(!lines.some((l) => l.account === '530000' || l.account === '707020'));
      // Back to the defaults for the other tests' expectations.
      await c.call('PUT', '/api/accounting/accounts', c.managerToken, { items: [{ key: 'payment:cash', num: '530000', label: 'Caisse' }, { key: 'sales:2000', num: '707020', label: 'Ventes de marchandises TVA 20 %' }] });
    });

    it('sales journal: per day equal to the Z of that day; CSV of the same figures', async () => {
      const r = await c.call('GET', `/api/accounting/journal?from=2025-03-12&to=2025-03-14`, c.managerToken);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const days = r.json.days;
      assert.deepEqual(days.map((d: any) => [d.day, d.closed]), [['2025-03-13', true], ['2025-03-14', false]]);
      // The 13th is exactly A's first Z.
      const [d13, d14] = days;
      const z13 = zs[0]!;
      assert.equal(d13.netCents, z13.totalCents);
      assert.equal(d13.ticketCount, z13.ticketCount);
      assert.deepEqual(d13.vat, z13.vat);
      assert.deepEqual(d13.payments, z13.payments.map((p) => ({ method: p.method, amountCents: p.amountCents })).sort((x, y) => ['cash', 'card', 'cheque'].indexOf(x.method) - ['cash', 'card', 'cheque'].indexOf(y.method)));
      assert.equal(d13.salesCents - d13.returnsCents, d13.netCents);
      assert.equal(d13.returnsCents, 1590);
      assert.equal(d13.cashDifferenceCents, -350);
      assert.deepEqual(d13.drawers.map((x: any) => [x.registerName, x.cashExpectedCents, x.cashCountedCents, x.cashDifferenceCents]), [['Caisse A', 50000, 49650, -350]]);
      // The 14th: A's second Z + B's Z + A's open ticket (1999 cash).
      assert.equal(d14.netCents, zs[1]!.totalCents + zs[2]!.totalCents + 1999);
      assert.equal(d14.cashDifferenceCents, 20, "B's Z was not counted: only A's difference");
      assert.deepEqual(d14.drawers.map((x: any) => [x.registerName, x.cashDifferenceCents]), [['Caisse A', 20], ['Caisse B', null]]);
      assert.equal(r.json.totals.netCents, d13.netCents + d14.netCents);

      const csv = await c.app.inject({ method: 'GET', url: `/api/accounting/journal.csv?from=2025-03-12&to=2025-03-14`, headers: { authorization: `Bearer ${c.managerToken}` } });
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-disposition']), /journal-ventes-2025-03-12-2025-03-14\.csv/);
      const rows: string[][] = parse(csv.body, { delimiter: ';', bom: true });
      assert.equal(rows.length, 4, 'header, two days, total');
      const col = (name: string) => rows[0]!.indexOf(name);
      const eur = (s: string) => Math.round(Number(s.replace(',', '.')) * 100);
      assert.equal(eur(rows[1]![col('Net TTC')]!), d13.netCents);
      assert.equal(eur(rows[1]![col('TVA 20 %')]!), z13.vat.find((v) => v.rate === 2000)!.vatCents);
      assert.equal(eur(rows[3]![col('Net TTC')]!), r.json.totals.netCents);
      assert.equal(rows[1]![col('Écart de caisse')], '-3,50');
      // Payment columns named in French, never by their code (cash, card, meal_voucher...).
      const paymentColumns = rows[0]!.filter((h) => h.startsWith('Règlements '));
      assert.ok(paymentColumns.includes('Règlements Espèces'), rows[0]!.join(';'));
      assert.deepEqual(paymentColumns.filter((h) => /[a-z]+_[a-z]+|\b(cash|card|cheque)\b/.test(h)), []);
    });
  });
}
