import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { snapshotChecksum } from '@comptoir/protocol/node';
import type { Snapshot, TicketPayload } from '@comptoir/protocol';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import { ticketPayload, type FakeRegister } from './fixtures/records';

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

    it('a reservation freed after its sale was refused is reported freed to the issuing register, which may have read it as spent', async () => {
      // Register `reg` sells a 20,00 € card; another till of the store spends it through central.
      const other = await c.enrolRegister('Caisse 2');
      const card = reg.giftCardSale(2000);
      const reference = (card.payload as TicketPayload).giftCard!.reference;
      const pushed = await c.call('POST', '/api/sync/push', reg.token, { records: [card] });
      assert.equal(pushed.status, 200, JSON.stringify(pushed.json));
      const since = new Date(c.now.value.getTime() - 60_000).toISOString();
      const reservationId = randomUUID();
      const units = async (token = reg.token) => (await c.call('GET', `/api/sync/returned-units?since=${encodeURIComponent(since)}`, token)).json;

      const reserved = await c.call('POST', '/api/sync/gift-cards/spend', other.token, { reservationId, reference, amountCents: 700 });
      assert.equal(reserved.status, 201, JSON.stringify(reserved.json));
      assert.equal(reserved.json.balanceCents, 1300);
      const seen = await units();
      const spend = seen.storedValueSpends.find((s: { reservationId: string }) => s.reservationId === reservationId);
      assert.deepEqual([spend?.amountCents, spend?.spendingRegisterId], [700, other.id], 'the issuing register learns the reservation as a spend');
      assert.deepEqual(seen.releasedStoredValueSpends, [], 'nothing freed yet');

      // The sale is refused after the reserve: the spending till frees it.
      const freed = await c.call('DELETE', `/api/sync/gift-cards/spend/${reservationId}`, other.token);
      assert.deepEqual([freed.status, freed.json.released], [200, 1]);
      const after = await units();
      assert.equal(after.storedValueSpends.some((s: { reservationId: string }) => s.reservationId === reservationId), false);
      assert.deepEqual(after.releasedStoredValueSpends, [{ reservationId, createdAt: spend.createdAt }], 'the release names the spend it freed');
      assert.equal((await c.call('GET', `/api/sync/gift-cards/${reference}`, other.token)).json.balanceCents, 2000);
      // Freed by someone else, or twice: nothing more.
      assert.equal((await c.call('DELETE', `/api/sync/gift-cards/spend/${reservationId}`, other.token)).json.released, 0);
      assert.equal((await units()).releasedStoredValueSpends.length, 1);
      // A register of another till's card reads none of it.
      assert.deepEqual((await units(other.token)).releasedStoredValueSpends, []);
    });

    it("the card's account is in the store's chart: 419700 by default", async () => {
      const chart = await c.call('GET', '/api/accounting/accounts', c.managerToken);
      assert.equal(chart.status, 200, JSON.stringify(chart.json));
      assert.deepEqual(chart.json.items.find((i: { key: string }) => i.key === 'payment:gift_card'), { key: 'payment:gift_card', num: '419700', label: 'Clients - cartes cadeaux', isDefault: true });
    });
  });
}
