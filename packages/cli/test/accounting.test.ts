import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { businessDay } from '@comptoir/domain';
import { DEMO_MANAGER_AT_TILL, http, onDialect } from '@comptoir/testing';
import { fecNetCents, readFec } from './support/fec';
import { openTwoRegisterShop, stopShopPostgres, waitForDrained, type Shop } from './support/shop';

/**
 * The accountant's views against the registers' own Z, end to end: a real central server (SQLite,
 * then PostgreSQL) and two register processes sell (cash with change, card, cheque, several VAT
 * rates, a return), each signs its day Z; central's FEC and sales journal of that day must equal,
 * account by account and to the cent, the sum of the two Z.
 */
after(stopShopPostgres);

// The business day of now in the demo store (Europe/Paris, cutoff 04:00): at 01:00 it is still yesterday.
const today = () => businessDay(new Date(), 'Europe/Paris', '04:00');

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`FEC and sales journal equal the Z [${dialect}]`, onDialect(dialect), () => {
    let shop: Shop;
    after(async () => shop?.cleanup());

    it('two registers sell, return and close; the FEC and the journal equal their Z', async () => {
      shop = await openTwoRegisterShop(dialect, 'fec');
      const all = (await http(shop.central.url, 'GET', '/api/products?limit=200', { token: shop.adminToken })).body.items as { sku: string; priceCents: number; vatRate: number }[];
      const byRate = new Map<number, { sku: string; priceCents: number }>();
      for (const p of all) if (!byRate.has(p.vatRate) && p.priceCents > 0) byRate.set(p.vatRate, p);
      assert.ok(byRate.size >= 3, 'the demo catalogue has several VAT rates');
      const [p1, p2, p3] = [...byRate.values()] as [{ sku: string; priceCents: number }, { sku: string; priceCents: number }, { sku: string; priceCents: number }];
      const sale = async (reg: Shop['registers'][number], lines: { sku: string; quantity: number }[], payments: { method: string; amountCents: number }[]) => {
        const r = await http(reg.process.url, 'POST', '/api/sales', { token: reg.cashierToken, body: { lines, payments } });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        return r.body;
      };
      const [a, b] = shop.registers as [Shop['registers'][number], Shop['registers'][number]];
      // A: cash with change (two rates), card + cheque, then a return of one unit of the first sale.
      const t1 = await sale(a, [{ sku: p1.sku, quantity: 2 }, { sku: p2.sku, quantity: 1 }], [{ method: 'cash', amountCents: 2 * p1.priceCents + p2.priceCents + 730 }]);
      assert.equal(t1.changeCents, 730);
      await sale(a, [{ sku: p3.sku, quantity: 3 }], [{ method: 'card', amountCents: p3.priceCents }, { method: 'cheque', amountCents: 2 * p3.priceCents }]);
      const ret = await http(a.process.url, 'POST', '/api/returns', {
        token: a.cashierToken,
        body: { original: { number: t1.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [{ method: 'cash', amountCents: p1.priceCents }], approval: DEMO_MANAGER_AT_TILL },
      });
      assert.equal(ret.status, 201, JSON.stringify(ret.body));
      // B: card sale of two rates.
      await sale(b, [{ sku: p2.sku, quantity: 2 }, { sku: p3.sku, quantity: 1 }], [{ method: 'card', amountCents: 2 * p2.priceCents + p3.priceCents }]);

      const zs: any[] = [];
      for (const reg of [a, b]) {
        const z = await http(reg.process.url, 'POST', '/api/closures/day', { token: reg.cashierToken, body: { approval: DEMO_MANAGER_AT_TILL } });
        assert.equal(z.status, 201, JSON.stringify(z.body));
        zs.push(z.body.payload);
        await waitForDrained(reg);
      }
      const day = zs[0].periodKey as string;
      assert.equal(day, today());

      // The journal of that day is the sum of the two Z.
      const j = await http(shop.central.url, 'GET', `/api/accounting/journal?from=${day}&to=${day}`, { token: shop.adminToken });
      assert.equal(j.status, 200, JSON.stringify(j.body));
      assert.equal(j.body.days.length, 1);
      const d = j.body.days[0];
      assert.equal(d.closed, true);
      const sumZ = (f: (z: any) => number) => zs.reduce((s, z) => s + f(z), 0);
      assert.equal(d.netCents, sumZ((z) => z.totalCents));
      assert.equal(d.ticketCount, sumZ((z) => z.ticketCount));
      const rates = [...new Set(zs.flatMap((z) => z.vat.map((v: any) => v.rate)))];
      for (const rate of rates) {
        const v = d.vat.find((x: any) => x.rate === rate);
        assert.equal(v.baseCents, sumZ((z) => z.vat.find((x: any) => x.rate === rate)?.baseCents ?? 0), `base ${rate}`);
        assert.equal(v.vatCents, sumZ((z) => z.vat.find((x: any) => x.rate === rate)?.vatCents ?? 0), `VAT ${rate}`);
      }
      for (const m of ['cash', 'card', 'cheque']) {
        assert.equal(d.payments.find((p: any) => p.method === m)?.amountCents ?? 0, sumZ((z) => z.payments.find((p: any) => p.method === m)?.amountCents ?? 0), `method ${m}`);
      }

      // The FEC of that day: every line 18 fields, balanced entries, accounts equal to the Z.
      const fec = await readFec(shop, day);
      assert.equal(fec.status, 200);
      const siren = (await http(shop.central.url, 'GET', '/api/stores', { token: shop.adminToken })).body.items[0].siret.replace(/\s+/g, '').slice(0, 9);
      assert.equal(fec.contentDisposition, `attachment; filename="${siren}FEC${day.replaceAll('-', '')}.txt"`);
      assert.ok(fec.text.endsWith('\r\n'));
      const rows = fec.rows;
      assert.equal(new Set(rows.map((r) => r[2])).size, 4, 'one entry per ticket (no drawer counted, no difference entry)');
      const entries = new Map<string, number>();
      const byAccount = new Map<string, number>();
      for (const r of rows) {
        assert.equal(r.length, 18);
        assert.equal(r[3], day.replaceAll('-', ''));
        const net = fecNetCents(r);
        entries.set(r[2]!, (entries.get(r[2]!) ?? 0) + net);
        byAccount.set(r[4]!, (byAccount.get(r[4]!) ?? 0) + net);
      }
      for (const [num, bal] of entries) assert.equal(bal, 0, `entry ${num} balanced`);
      const vatAccounts = [...byAccount].filter(([acc]) => acc.startsWith('44571')).reduce((s, [, v]) => s + v, 0);
      const salesAccounts = [...byAccount].filter(([acc]) => acc.startsWith('707')).reduce((s, [, v]) => s + v, 0);
      assert.equal(vatAccounts, sumZ((z) => z.vat.reduce((s: number, v: any) => s + v.vatCents, 0)));
      assert.equal(salesAccounts, sumZ((z) => z.vat.reduce((s: number, v: any) => s + v.baseCents, 0)));
      assert.equal(0 - (byAccount.get('530000') ?? 0), sumZ((z) => z.payments.find((p: any) => p.method === 'cash')?.amountCents ?? 0));
      assert.equal(0 - (byAccount.get('511500') ?? 0), sumZ((z) => z.payments.find((p: any) => p.method === 'card')?.amountCents ?? 0));
      assert.equal(0 - (byAccount.get('511200') ?? 0), sumZ((z) => z.payments.find((p: any) => p.method === 'cheque')?.amountCents ?? 0));
    });
  });
}
