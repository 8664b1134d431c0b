import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { snapshotChecksum } from '@comptoir/protocol/node';
import type { Snapshot, TicketPayload } from '@comptoir/protocol';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import { ticketPayload, type FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

/**
 * Meal vouchers at central (docs/architecture.md §24): the store's cap per ticket is a setting (25,00 €
 * by default, edited with the store), carried in the copy only to registers that ask for the till
 * extras (older ones hash exactly what they know); a ticket paid partly by meal voucher is booked to
 * its own account (511600 by default, editable like the others) and broken down on the dashboard.
 */
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
  });
}
