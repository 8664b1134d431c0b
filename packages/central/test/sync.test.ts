import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Snapshot, ChangesResponse, HeartbeatResponse } from '@comptoir/protocol';
import { snapshotChecksum } from '@comptoir/protocol/node';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import { generateSigningKeyPair } from '@comptoir/domain';
import type { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

const HEARTBEAT = { mode: 'autonomous', pendingRecords: 7, lastSosCopyAt: '2025-03-14T06:00:00.000Z', lastSosCopyKind: 'scheduled', sosChecksum: 'abc', changeVersion: 3, autonomousSince: '2025-03-14T08:59:00.000Z' };

for (const dialect of DIALECTS) {
  describe(`registers and sync [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let reg: FakeRegister;
    before(async () => {
      c = await startTestCentral(dialect);
      await c.addProduct('BAGUETTE', 130, 10);
      reg = await c.enrolRegister('Caisse 1');
    });
    after(async () => c?.close());

    it('creates a register with a one-time enrolment code; reuse and bad keys are refused', async () => {
      const created = await c.call('POST', '/api/registers', c.adminToken, { name: 'Caisse 2' });
      assert.equal(created.status, 201);
      assert.match(created.json.enrolCode, /^[A-Z0-9]{10}$/);
      const row = await c.db.selectFrom('registers').selectAll().where('id', '=', created.json.id).executeTakeFirstOrThrow();
      assert.notEqual(row.enrol_code_hash, created.json.enrolCode, 'stored hashed');
      assert.equal(row.store_id, c.storeId);

      const badKey = await c.call('POST', '/api/registers/enrol', null, { enrolCode: created.json.enrolCode, publicKeyPem: `-----BEGIN PUBLIC KEY-----\n${'A'.repeat(120)}\n-----END PUBLIC KEY-----\n` });
      assert.equal(badKey.status, 400);
      const keys = generateSigningKeyPair();
      const ok = await c.call('POST', '/api/registers/enrol', null, { enrolCode: created.json.enrolCode, publicKeyPem: keys.publicKeyPem });
      assert.equal(ok.status, 200);
      assert.deepEqual({ ...ok.json, token: undefined }, { registerId: created.json.id, registerName: 'Caisse 2', storeId: c.storeId, token: undefined });
      const again = await c.call('POST', '/api/registers/enrol', null, { enrolCode: created.json.enrolCode, publicKeyPem: keys.publicKeyPem });
      assert.equal(again.status, 401);
      assert.equal(again.json.error.code, 'ENROL_CODE_INVALID');
      const unknown = await c.call('POST', '/api/registers/enrol', null, { enrolCode: 'ZZZZZZZZZZ', publicKeyPem: keys.publicKeyPem });
      assert.equal(unknown.status, 401);
    });

    it('heartbeat updates the fleet view and returns the configuration and heads', async () => {
      await c.call('POST', '/api/sync/push', reg.token, { records: [reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }])] });
      const hb = await c.call('POST', '/api/sync/heartbeat', reg.token, HEARTBEAT);
      assert.equal(hb.status, 200, JSON.stringify(hb.json));
      const body = HeartbeatResponse.parse(hb.json);
      assert.deepEqual(body.config, { sosSchedule: ['0 0 6 * * *', '0 0 13 * * *'], heartbeatIntervalMs: 1000 });
      assert.equal(body.heads.ticket, 1);
      assert.equal(body.serverTime, c.now.value.toISOString());
      const fleet = await c.call('GET', '/api/registers', c.managerToken);
      const me = fleet.json.items.find((r: any) => r.id === reg.id);
      assert.equal(me.mode, 'autonomous');
      assert.equal(me.pendingRecords, 7);
      assert.equal(me.online, true);
      assert.equal(me.lastSeenAt, c.now.value.toISOString());
      assert.equal(me.lastSosCopyAt, HEARTBEAT.lastSosCopyAt);
      assert.equal(me.autonomousSince, HEARTBEAT.autonomousSince);
      assert.equal(me.enrolled, true);
      assert.equal(fleet.json.total, fleet.json.items.length);
      // Not heard from for 10 s: offline.
      const saved = c.now.value;
      c.now.value = new Date(saved.getTime() + 10000);
      try {
        const later = await c.call('GET', '/api/registers', c.managerToken);
        assert.equal(later.json.items.find((r: any) => r.id === reg.id).online, false);
      } finally {
        c.now.value = saved;
      }
      const bad = await c.call('POST', '/api/sync/heartbeat', reg.token, { ...HEARTBEAT, mode: 'sleeping' });
      assert.equal(bad.status, 400);
    });

    it('till customers waiting at the register: reported apart from the records, unknown (null) for a register that does not say', async () => {
      const mine = async () => (await c.call('GET', '/api/registers', c.managerToken)).json.items.find((r: any) => r.id === reg.id);
      // Each heartbeat a second after the last (the fleet shows the newest state by its time).
      const beat = (body: object) => {
        c.now.value = new Date(c.now.value.getTime() + 1000);
        return c.call('POST', '/api/sync/heartbeat', reg.token, body);
      };
      // Beats as a register does, until the fleet shows the state: on PostgreSQL a push's forget
      // (the previous test's) may reach this instance late and drop a state not yet written; the
      // next heartbeat writes it again (modules/fleet/presence.ts).
      const beatUntil = async (body: object, shown: (r: any) => boolean) => {
        for (let i = 0; i < 5; i++) {
          assert.equal((await beat(body)).status, 200);
          const r = await mine();
          if (shown(r)) return r;
          await new Promise((done) => setTimeout(done, 300));
        }
        assert.fail(`the fleet never showed ${JSON.stringify(body)}: ${JSON.stringify(await mine())}`);
      };
      // A register of an older release: no pendingCustomers in its heartbeat.
      const older = await beatUntil({ ...HEARTBEAT, pendingRecords: 6 }, (r) => r.pendingRecords === 6);
      assert.equal(older.pendingCustomers, null, 'not reported: unknown, not 0');
      const me = await beatUntil({ ...HEARTBEAT, pendingCustomers: 3 }, (r) => r.pendingRecords === 7);
      assert.deepEqual([me.pendingRecords, me.pendingCustomers], [7, 3]);
      const fleet = await c.call('GET', '/api/fleet', c.managerToken);
      assert.equal(fleet.json.items.find((r: any) => r.id === reg.id).pendingCustomers, 3, 'the back office fleet view carries it');
      for (const pendingCustomers of [-1, 1.5, 'deux']) {
        const bad = await beat({ ...HEARTBEAT, pendingCustomers });
        assert.equal(bad.status, 400, String(pendingCustomers));
        assert.equal(bad.json.error.code, 'VALIDATION');
      }
      assert.equal((await mine()).pendingCustomers, 3, 'a refused heartbeat stores nothing');
      const none = await beatUntil({ ...HEARTBEAT, pendingCustomers: 0 }, (r) => r.pendingCustomers === 0);
      assert.equal(none.pendingCustomers, 0);
    });

    it('validates SOS schedules with croner and carries them in the next heartbeat', async () => {
      const bad = await c.call('PUT', `/api/registers/${reg.id}/sos-schedule`, c.managerToken, { cron: ['0 30 12 * * *', 'every day at noon'] });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.error.code, 'VALIDATION');
      assert.equal(bad.json.error.details.invalid[0].expression, 'every day at noon');
      assert.equal(bad.json.error.details.invalid[0].index, 1);
      assert.ok(bad.json.error.details.invalid[0].reason.length > 0);
      const before = (await c.call('POST', '/api/sync/heartbeat', reg.token, HEARTBEAT)).json.changeVersion;
      const ok = await c.call('PUT', `/api/registers/${reg.id}/sos-schedule`, c.managerToken, { cron: ['0 30 12 * * *', '0 0 20 * * 1-5'] });
      assert.equal(ok.status, 200);
      assert.deepEqual(ok.json.sosSchedule, ['0 30 12 * * *', '0 0 20 * * 1-5']);
      const hb = await c.call('POST', '/api/sync/heartbeat', reg.token, HEARTBEAT);
      assert.deepEqual(hb.json.config.sosSchedule, ['0 30 12 * * *', '0 0 20 * * 1-5']);
      assert.ok(hb.json.changeVersion > before);
      assert.equal((await c.call('PUT', '/api/registers/nope/sos-schedule', c.managerToken, { cron: [] })).status, 404);
    });

    it('snapshot: store, catalog, customers, PIN holders, stock; checksum of its body', async () => {
      await c.call('POST', '/api/customers', c.managerToken, { name: 'Camille', email: 'camille@example.fr' });
      const r = await c.call('GET', '/api/sync/snapshot', reg.token);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      const snap = Snapshot.parse(r.json);
      const { manifest, ...body } = snap;
      assert.equal(manifest.checksum, snapshotChecksum(body));
      assert.equal(snap.store.id, c.storeId);
      assert.deepEqual(snap.paymentMethods, ['cash', 'card', 'cheque', 'credit_note']);
      assert.deepEqual(snap.products.map((p) => p.sku), ['BAGUETTE']);
      assert.deepEqual(snap.cashiers.map((u) => u.login), ['marie'], 'only users with a PIN');
      assert.match(snap.cashiers[0]!.pinHash!, /^scrypt\$/);
      assert.equal(snap.customers.length, 1);
      assert.deepEqual(snap.stock, [{ sku: 'BAGUETTE', quantity: 9 }]);
      assert.deepEqual(manifest.counts, { products: 1, customers: 1, cashiers: 1, stock: 1, documents: 0 });
      // The checksum must change when the content does.
      const tampered = { ...body, stock: [{ sku: 'BAGUETTE', quantity: 10 }] };
      assert.notEqual(snapshotChecksum(tampered), manifest.checksum);
    });

    it('changes since a version carry a PATCHed product, deactivated rows included', async () => {
      const v0 = (await c.call('GET', '/api/sync/snapshot', reg.token)).json.manifest.changeVersion as number;
      const none = ChangesResponse.parse((await c.call('GET', `/api/sync/changes?since=${v0}`, reg.token)).json);
      assert.deepEqual([none.products, none.customers, none.cashiers, none.store], [[], [], [], null]);
      const patched = await c.call('PATCH', '/api/products/BAGUETTE', c.adminToken, { priceCents: 140 });
      assert.equal(patched.status, 200);
      assert.equal(patched.json.priceCents, 140);
      const ch = ChangesResponse.parse((await c.call('GET', `/api/sync/changes?since=${v0}`, reg.token)).json);
      assert.ok(ch.changeVersion > v0);
      assert.deepEqual(ch.products.map((p) => [p.sku, p.priceCents, p.active]), [['BAGUETTE', 140, true]]);
      await c.db.updateTable('products').set({ active: 0, change_version: ch.changeVersion + 1 }).where('sku', '=', 'BAGUETTE').execute();
      await c.db.updateTable('counters').set({ value: ch.changeVersion + 1 }).execute();
      const ch2 = ChangesResponse.parse((await c.call('GET', `/api/sync/changes?since=${ch.changeVersion}`, reg.token)).json);
      assert.deepEqual(ch2.products.map((p) => [p.sku, p.active]), [['BAGUETTE', false]]);
      assert.equal((await c.call('GET', '/api/sync/changes?since=-1', reg.token)).status, 400);
      assert.equal((await c.call('PATCH', '/api/products/BAGUETTE', c.adminToken, {})).status, 400);
      assert.equal((await c.call('PATCH', '/api/products/NOPE', c.adminToken, { label: 'x' })).status, 404);
    });

    it('products: create, list with barcodes and search, conflicts', async () => {
      const created = await c.call('POST', '/api/products', c.adminToken, { sku: 'CROISSANT', label: 'Croissant pur beurre', priceCents: 120, vatRate: 550, category: 'Boulangerie', barcodes: ['3760010000076'] });
      assert.equal(created.status, 201);
      assert.deepEqual(created.json, { sku: 'CROISSANT', label: 'Croissant pur beurre', priceCents: 120, vatRate: 550, category: 'Boulangerie', barcodes: ['3760010000076'], openPrice: false, openPriceMaxCents: null, mealVoucherEligible: true });
      assert.equal((await c.call('POST', '/api/products', c.adminToken, { sku: 'CROISSANT', label: 'x', priceCents: 1, vatRate: 550 })).status, 409);
      assert.equal((await c.call('POST', '/api/products', c.adminToken, { sku: 'X', label: 'x', priceCents: -1, vatRate: 550 })).status, 400);
      // The catalog is the chain's: a manager may not add to it or change a price (403, nothing stored).
      assert.equal((await c.call('POST', '/api/products', c.managerToken, { sku: 'GERANT', label: 'x', priceCents: 1, vatRate: 550 })).status, 403);
      assert.equal((await c.call('PATCH', '/api/products/CROISSANT', c.managerToken, { priceCents: 1 })).status, 403);
      assert.equal((await c.call('GET', '/api/products/GERANT', c.managerToken)).status, 404);
      assert.equal((await c.call('GET', '/api/products/CROISSANT', c.managerToken)).json.priceCents, 120);
      const list = await c.call('GET', '/api/products?limit=10&offset=0', c.managerToken);
      assert.equal(list.status, 200);
      assert.ok(list.json.items.some((p: any) => p.sku === 'CROISSANT' && p.barcodes[0] === '3760010000076'));
      const q = await c.call('GET', '/api/products?q=croiss', c.managerToken);
      assert.deepEqual(q.json.items.map((p: any) => p.sku), ['CROISSANT']);
      const byCode = await c.call('GET', '/api/products?q=3760010000076', c.managerToken);
      assert.deepEqual(byCode.json.items.map((p: any) => p.sku), ['CROISSANT']);
      assert.equal((await c.call('GET', '/api/products?limit=5000', c.managerToken)).status, 400);
      const stock = await c.call('GET', '/api/stock/CROISSANT', c.managerToken);
      assert.deepEqual(stock.json, { sku: 'CROISSANT', storeId: c.storeId, quantity: 0 });
      assert.equal((await c.call('GET', '/api/stock/CROISSANT?storeId=nope', c.adminToken)).status, 404);
      assert.equal((await c.call('GET', '/api/stock/CROISSANT?storeId=nope', c.managerToken)).status, 403, 'not the manager\'s store');
      const customers = await c.call('GET', '/api/customers', c.managerToken);
      assert.equal(customers.json.total, 1);
    });
  });
}
