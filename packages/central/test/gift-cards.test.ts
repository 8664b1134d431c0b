import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { snapshotChecksum } from '@comptoir/protocol/node';
import type { Snapshot } from '@comptoir/protocol';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

/**
 * Gift cards at central (docs/architecture.md §25): the store's cap on a card is a setting (500,00 €
 * by default, edited with the store by an admin), carried in the copy — with the `gift_card` method —
 * only to registers that ask `?with=…,gift-card`; a register of the meal-voucher release (which asks
 * `references,till,open-price`) gets and hashes exactly what it knew.
 */
for (const dialect of DIALECTS) {
  describe(`gift cards at central [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let reg: FakeRegister;

    before(async () => {
      c = await startTestCentral(dialect);
      reg = await c.enrolRegister('Caisse 1');
    });
    after(async () => c?.close());

    it('the cap is a store setting: 500,00 € by default, changed by an admin, bad values refused and nothing stored', async () => {
      const store = (await c.call('GET', '/api/stores', c.adminToken)).json.items.find((s: { id: string }) => s.id === c.storeId);
      assert.equal(store.giftCardMaxCents, 50_000);
      for (const bad of [0, -1, 12.5, 1_000_001, '300,00']) {
        const r = await c.call('PATCH', `/api/stores/${c.storeId}`, c.adminToken, { giftCardMaxCents: bad });
        assert.equal(r.status, 400, JSON.stringify(bad));
      }
      assert.equal((await c.call('PATCH', `/api/stores/${c.storeId}`, c.managerToken, { giftCardMaxCents: 1 })).status, 403);
      const unchanged = (await c.call('GET', '/api/stores', c.adminToken)).json.items.find((s: { id: string }) => s.id === c.storeId);
      assert.equal(unchanged.giftCardMaxCents, 50_000, 'nothing stored');
      const patched = await c.call('PATCH', `/api/stores/${c.storeId}`, c.adminToken, { giftCardMaxCents: 30_000 });
      assert.equal(patched.status, 200, JSON.stringify(patched.json));
      assert.equal(patched.json.giftCardMaxCents, 30_000);
    });

    it('the copy carries the cap and the method only to a register that asks for them; checksums hold both ways', async () => {
      const now = (await c.call('GET', '/api/sync/snapshot?with=references,till,open-price,gift-card', reg.token)).json as Snapshot;
      assert.equal(now.store.giftCardMaxCents, 30_000);
      assert.deepEqual(now.paymentMethods, ['cash', 'card', 'cheque', 'credit_note', 'meal_voucher', 'gift_card']);
      const { manifest, ...body } = now;
      assert.equal(snapshotChecksum(body), manifest.checksum);

      for (const path of ['/api/sync/snapshot', '/api/sync/snapshot?with=references', '/api/sync/snapshot?with=references,till,open-price']) {
        const old = (await c.call('GET', path, reg.token)).json as Snapshot;
        assert.equal('giftCardMaxCents' in old.store, false, path);
        assert.equal(old.paymentMethods.includes('gift_card'), false, path);
        const { manifest: m, ...b } = old;
        assert.equal(snapshotChecksum(b), m.checksum, path);
      }

      const since = (await c.call('GET', '/api/sync/changes?since=0&with=gift-card', reg.token)).json.changeVersion as number;
      await c.call('PATCH', `/api/stores/${c.storeId}`, c.adminToken, { giftCardMaxCents: 20_000 });
      const changes = await c.call('GET', `/api/sync/changes?since=${since}&with=references,gift-card`, reg.token);
      assert.equal(changes.json.store.giftCardMaxCents, 20_000, 'the registers learn a new cap through their changes pull');
      const oldChanges = await c.call('GET', `/api/sync/changes?since=${since}&with=references,till`, reg.token);
      assert.equal('giftCardMaxCents' in oldChanges.json.store, false);
    });

    it("the card's account is in the store's chart: 419700 by default", async () => {
      const chart = await c.call('GET', '/api/accounting/accounts', c.managerToken);
      assert.equal(chart.status, 200, JSON.stringify(chart.json));
      assert.deepEqual(chart.json.items.find((i: { key: string }) => i.key === 'payment:gift_card'), { key: 'payment:gift_card', num: '419700', label: 'Clients - cartes cadeaux', isDefault: true });
    });
  });
}
