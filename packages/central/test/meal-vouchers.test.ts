import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { snapshotChecksum } from '@comptoir/protocol/node';
import { COPY_WITH, type ChangesResponse, type Snapshot, type TicketPayload } from '@comptoir/protocol';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import { ticketPayload, type FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

/**
 * Meal vouchers at central (docs/architecture.md §24): the store's cap per ticket is a setting (25,00 €
 * by default, edited with the store), carried in the copy only to registers that ask for the till
 * extras (older ones hash exactly what they know); a ticket paid partly by meal voucher is booked to
 * its own account (511600 by default, editable like the others) and broken down on the dashboard.
 * Eligible products: each catalog item says whether vouchers may pay for it (eligible by default),
 * through the API and the CSV, carried to registers that ask (`meal-voucher-eligible`); a pushed sale
 * whose vouchers exceed the cap or the eligible total is taken and flagged, never refused.
 */
const csvImport = (c: TestCentral, csv: string) =>
  c.app.inject({ method: 'POST', url: '/api/catalog/import', headers: { authorization: `Bearer ${c.adminToken}`, 'content-type': 'text/csv' }, payload: csv });

for (const dialect of DIALECTS) {
  describe(`meal vouchers at central [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let reg: FakeRegister;

    before(async () => {
      c = await startTestCentral(dialect);
      await c.addProduct('MENU', 1290, 10);
      reg = await c.enrolRegister('Caisse 1');
    });
    after(async () => c?.close());

    it('the cap is a store setting: 25,00 € by default, changed by an admin, bad values refused and nothing stored', async () => {
      const store = (await c.call('GET', '/api/stores', c.adminToken)).json.items.find((s: { id: string }) => s.id === c.storeId);
      assert.equal(store.mealVoucherCapCents, 2500);
      for (const bad of [-1, 12.5, 100_001, '19,00']) {
        const r = await c.call('PATCH', `/api/stores/${c.storeId}`, c.adminToken, { mealVoucherCapCents: bad });
        assert.equal(r.status, 400, JSON.stringify(bad));
      }
      assert.equal((await c.call('PATCH', `/api/stores/${c.storeId}`, c.managerToken, { mealVoucherCapCents: 1 })).status, 403);
      const unchanged = (await c.call('GET', '/api/stores', c.adminToken)).json.items.find((s: { id: string }) => s.id === c.storeId);
      assert.equal(unchanged.mealVoucherCapCents, 2500, 'nothing stored');
      const patched = await c.call('PATCH', `/api/stores/${c.storeId}`, c.adminToken, { mealVoucherCapCents: 1900 });
      assert.equal(patched.status, 200, JSON.stringify(patched.json));
      assert.equal(patched.json.mealVoucherCapCents, 1900);
    });

    it('the copy carries the cap and the method only to a register that asks for the till extras; checksums hold both ways', async () => {
      const till = (await c.call('GET', '/api/sync/snapshot?with=references,till', reg.token)).json as Snapshot;
      assert.equal(till.store.mealVoucherCapCents, 1900);
      assert.deepEqual(till.paymentMethods, ['cash', 'card', 'cheque', 'credit_note', 'meal_voucher']);
      const { manifest, ...body } = till;
      assert.equal(snapshotChecksum(body), manifest.checksum);

      for (const path of ['/api/sync/snapshot', '/api/sync/snapshot?with=references']) {
        const old = (await c.call('GET', path, reg.token)).json as Snapshot;
        assert.equal('mealVoucherCapCents' in old.store, false, path);
        assert.deepEqual(old.paymentMethods, ['cash', 'card', 'cheque', 'credit_note'], path);
        const { manifest: m, ...b } = old;
        assert.equal(snapshotChecksum(b), m.checksum, path);
      }
      assert.equal((await c.call('GET', '/api/sync/snapshot?with=gift', reg.token)).status, 400);

      const since = (await c.call('GET', '/api/sync/changes?since=0&with=references,till', reg.token)).json.changeVersion as number;
      await c.call('PATCH', `/api/stores/${c.storeId}`, c.adminToken, { mealVoucherCapCents: 2500 });
      const changes = await c.call('GET', `/api/sync/changes?since=${since}&with=references,till`, reg.token);
      assert.equal(changes.json.store.mealVoucherCapCents, 2500, 'the registers learn a new cap through their changes pull');
      const oldChanges = await c.call('GET', `/api/sync/changes?since=${since}&with=references`, reg.token);
      assert.equal('mealVoucherCapCents' in oldChanges.json.store, false);
    });

    it('FEC: the voucher part is debited to its own account, editable in the chart; the dashboard breaks it down', async () => {
      const payload: TicketPayload = {
        ...ticketPayload(c.storeId, 'sale', [{ sku: 'MENU', quantity: 2, unitPriceCents: 1290 }], {}),
        payments: [{ method: 'meal_voucher', amountCents: 1900 }, { method: 'card', amountCents: 680 }],
      };
      const push = await c.call('POST', '/api/sync/push', reg.token, { records: [reg.next('ticket', payload)] });
      assert.equal(push.status, 200, JSON.stringify(push.json));
      const tickets = (await c.call('GET', `/api/tickets?registerId=${reg.id}`, c.managerToken)).json.items;
      assert.deepEqual(tickets[0].anomalies, [], 'its arithmetic checks out at central');

      const fecLines = async () => {
        const r = await c.app.inject({ method: 'GET', url: `/api/accounting/fec?from=2025-03-14&to=2025-03-14`, headers: { authorization: `Bearer ${c.managerToken}` } });
        assert.equal(r.statusCode, 200, r.body);
        return iconv.decode(r.rawPayload, 'iso-8859-15').split('\r\n').slice(1).filter(Boolean).map((l) => l.split('\t'));
      };
      let lines = await fecLines();
      const voucher = lines.find((f) => f[4] === '511600');
      assert.ok(voucher, 'a line on 511600');
      assert.deepEqual([voucher[5], voucher[11], voucher[12]], ['Titres-restaurant à encaisser', '19,00', '0,00']);
      assert.ok(lines.some((f) => f[4] === '511500' && f[11] === '6,80'), 'the card part on the card account');

      const chart = await c.call('GET', '/api/accounting/accounts', c.managerToken);
      assert.equal(chart.json.items.find((i: { key: string }) => i.key === 'payment:meal_voucher').num, '511600');
      const put = await c.call('PUT', '/api/accounting/accounts', c.managerToken, { items: [{ key: 'payment:meal_voucher', num: '511800', label: 'Titres-restaurant Conecs' }] });
      assert.equal(put.status, 200, JSON.stringify(put.json));
      lines = await fecLines();
      assert.ok(lines.some((f) => f[4] === '511800' && f[5] === 'Titres-restaurant Conecs' && f[11] === '19,00'));
      assert.ok(!lines.some((f) => f[4] === '511600'));

      const dash = await c.call('GET', '/api/dashboard?date=2025-03-14', c.managerToken);
      const byMethod = dash.json.stores[0].byMethod as { method: string; amountCents: number }[];
      assert.deepEqual(byMethod.find((m) => m.method === 'meal_voucher'), { method: 'meal_voucher', amountCents: 1900 });
    });
    it('eligible products: a catalog flag, eligible by default, set on create and full edit; a bad value is 400 and stores nothing', async () => {
      assert.equal((await c.call('GET', '/api/products/MENU', c.managerToken)).json.mealVoucherEligible, true, 'an existing item stays eligible');
      const mag = await c.call('POST', '/api/products', c.adminToken, { sku: 'MAG', label: 'Magazine', priceCents: 1500, vatRate: 550, category: 'Presse', mealVoucherEligible: false });
      assert.equal(mag.status, 201, JSON.stringify(mag.json));
      assert.equal(mag.json.mealVoucherEligible, false);
      const bad = await c.call('PUT', '/api/products/MAG', c.adminToken, { label: 'Magazine', priceCents: 1500, vatRate: 550, category: 'Presse', barcodes: [], mealVoucherEligible: 'non' });
      assert.equal(bad.status, 400);
      assert.equal((await c.call('GET', '/api/products/MAG', c.managerToken)).json.mealVoucherEligible, false, 'nothing stored');
      const put = await c.call('PUT', '/api/products/MAG', c.adminToken, { label: 'Magazine', priceCents: 1500, vatRate: 550, category: 'Presse', barcodes: [], mealVoucherEligible: true });
      assert.equal(put.json.mealVoucherEligible, true);
      await c.call('PUT', '/api/products/MAG', c.adminToken, { label: 'Magazine', priceCents: 1500, vatRate: 550, category: 'Presse', barcodes: [], mealVoucherEligible: false });
      assert.equal((await c.call('GET', '/api/products/MAG', c.managerToken)).json.mealVoucherEligible, false);
    });

    it('CSV: the optional titre_restaurant column takes oui/non/1/0/true/false, is exported and round-trips; a file without it keeps the flags', async () => {
      const r = await csvImport(c, ['sku;label;price;vat;category;titre_restaurant', 'SAL;Salade;6,50;5,5;Traiteur;oui', 'BIC;Briquet;2;20;Bazar;NON', 'EAU;Eau;1;5,5;;1', 'JOU;Jouet;5;20;;false', 'PAIN;Pain;1;5,5;;', 'X1;Quoi;1;20;;peut-être'].join('\n'));
      assert.equal(r.statusCode, 200, r.body);
      const res = JSON.parse(r.body);
      assert.equal(res.created, 5);
      assert.deepEqual(res.rejected.map((x: any) => [x.line, x.reasons.join()]), [[7, 'titre_restaurant: oui or non (also 1/0, true/false)']]);
      const flag = async (sku: string) => (await c.call('GET', `/api/products/${sku}`, c.managerToken)).json.mealVoucherEligible;
      assert.deepEqual([await flag('SAL'), await flag('BIC'), await flag('EAU'), await flag('JOU'), await flag('PAIN')], [true, false, true, false, true]);
      assert.equal((await c.call('GET', '/api/products/X1', c.managerToken)).status, 404, 'the refused row stored nothing');

      const exp = await c.app.inject({ method: 'GET', url: '/api/catalog/export.csv', headers: { authorization: `Bearer ${c.managerToken}` } });
      assert.match(exp.body, /^sku;label;priceCents;vatRate;category;barcodes;openPriceMaxCents;titre_restaurant\n/);
      assert.match(exp.body, /\nBIC;Briquet;200;2000;Bazar;;;non\n/);
      assert.match(exp.body, /\nSAL;Salade;650;550;Traiteur;;;oui\n/);
      const again = JSON.parse((await csvImport(c, exp.body)).body);
      assert.equal(again.rejected.length, 0, JSON.stringify(again.rejected));
      assert.equal(await flag('BIC'), false, 'round-trips');

      // An older file (no such column) updates prices and labels, never the flag.
      const old = JSON.parse((await csvImport(c, 'sku;label;price;vat\nBIC;Briquet bleu;2,10;20\n')).body);
      assert.equal(old.updated, 1);
      const kept = (await c.call('GET', '/api/products/BIC', c.managerToken)).json;
      assert.deepEqual([kept.label, kept.mealVoucherEligible], ['Briquet bleu', false]);
    });

    it('the copy says "not eligible" only to a register that asks (meal-voucher-eligible): full copy, stream and changes; checksums hold both ways', async () => {
      assert.ok(COPY_WITH.split(',').includes('meal-voucher-eligible'), 'a register of this release asks for it');
      const full = (await c.call('GET', `/api/sync/snapshot?with=${COPY_WITH}`, reg.token)).json as Snapshot;
      const line = (s: Snapshot, sku: string) => s.products.find((p) => p.sku === sku)!;
      assert.equal(line(full, 'MAG').mealVoucherEligible, false);
      assert.equal('mealVoucherEligible' in line(full, 'MENU'), false, 'an eligible item is the line it always was');
      const { manifest, ...body } = full;
      assert.equal(snapshotChecksum(body), manifest.checksum);
      for (const w of ['references,till', 'references,till,open-price', '']) {
        const old = (await c.call('GET', `/api/sync/snapshot${w ? `?with=${w}` : ''}`, reg.token)).json as Snapshot;
        assert.equal('mealVoucherEligible' in line(old, 'MAG'), false, w);
        const { manifest: m, ...b } = old;
        assert.equal(snapshotChecksum(b), m.checksum, w);
      }
      const stream = await c.app.inject({ method: 'GET', url: `/api/sync/snapshot/stream?with=${COPY_WITH}`, headers: { authorization: `Bearer ${reg.token}` } });
      assert.equal(stream.statusCode, 200);
      const magLine = stream.body.split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((l) => l.t === 'product' && l.r.sku === 'MAG');
      assert.equal(magLine.r.mealVoucherEligible, false);

      const since = full.manifest.changeVersion;
      await c.call('PUT', '/api/products/SAL', c.adminToken, { label: 'Salade', priceCents: 650, vatRate: 550, category: 'Traiteur', barcodes: [], mealVoucherEligible: false });
      const changes = (await c.call('GET', `/api/sync/changes?since=${since}&with=${COPY_WITH}`, reg.token)).json as ChangesResponse;
      assert.equal(changes.products.find((p) => p.sku === 'SAL')!.mealVoucherEligible, false);
      const oldChanges = (await c.call('GET', `/api/sync/changes?since=${since}&with=references,till,open-price`, reg.token)).json as ChangesResponse;
      assert.equal('mealVoucherEligible' in oldChanges.products.find((p) => p.sku === 'SAL')!, false);
    });

    it('a pushed sale whose vouchers exceed the cap or the eligible total is taken (signed, maybe offline) and flagged', async () => {
      await c.call('PATCH', `/api/stores/${c.storeId}`, c.adminToken, { mealVoucherCapCents: 2500 });
      const sale = (lines: { sku: string; quantity: number; unitPriceCents: number }[], vouchers: number): TicketPayload => {
        const p = ticketPayload(c.storeId, 'sale', lines, { soldOffline: true });
        return { ...p, payments: [{ method: 'meal_voucher', amountCents: vouchers }, { method: 'card', amountCents: p.totalCents - vouchers }] };
      };
      const records = [
          // A menu 12,90 € (food) and a magazine 15,00 € (not): 12,90 € in vouchers is fine, 20,00 € is not.
          reg.next('ticket', sale([{ sku: 'MENU', quantity: 1, unitPriceCents: 1290 }, { sku: 'MAG', quantity: 1, unitPriceCents: 1500 }], 1290)),
          reg.next('ticket', sale([{ sku: 'MENU', quantity: 1, unitPriceCents: 1290 }, { sku: 'MAG', quantity: 1, unitPriceCents: 1500 }], 2000)),
          // Three menus 38,70 €, all food: 30,00 € in vouchers is above the cap of 25,00 €.
          reg.next('ticket', sale([{ sku: 'MENU', quantity: 3, unitPriceCents: 1290 }], 3000)),
          // Two magazines and a menu, 30,00 € in vouchers: above the cap and above the food.
          reg.next('ticket', sale([{ sku: 'MAG', quantity: 2, unitPriceCents: 1500 }, { sku: 'MENU', quantity: 1, unitPriceCents: 1290 }], 3000)),
      ];
      const push = await c.call('POST', '/api/sync/push', reg.token, { records });
      assert.equal(push.status, 200, JSON.stringify(push.json));
      assert.equal(push.json.integrated, 4, 'never refused');
      const tickets = (await c.call('GET', `/api/tickets?registerId=${reg.id}&limit=100`, c.managerToken)).json.items as { number: number; anomalies: string[] }[];
      const flags = (n: number) => tickets.find((t) => t.number === n)!.anomalies.filter((a) => a.startsWith('meal_voucher'));
      assert.deepEqual(records.map((r) => flags(r.number)), [
        [],
        ['meal_voucher_not_eligible:2000/1290'],
        ['meal_voucher_over_cap:3000/2500'],
        ['meal_voucher_over_cap:3000/2500', 'meal_voucher_not_eligible:3000/1290'],
      ]);
    });
  });
}
