import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '@comptoir/testing';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

// Cheap liveness (issue 13, modules/fleet/presence.ts): a heartbeat that reports what was last
// written writes nothing and its time reaches the row in the next batched flush; a changed state is
// written at once; a schedule change, a push, a revocation and a re-enrolment are seen by the very
// next heartbeat. Each behaviour is shown on the database itself, not on counters.

after(stopSharedPostgres);

const HB = { mode: 'connected', pendingRecords: 0, lastSosCopyAt: null, lastSosCopyKind: null, sosChecksum: null, changeVersion: 0, autonomousSince: null };
const FLUSH_MS = 300;

for (const dialect of DIALECTS) {
  describe(`presence: heartbeats that cost no write [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let reg: FakeRegister;
    const row = () => c.db.selectFrom('registers').select(['mode', 'pending_records', 'last_seen_at']).where('id', '=', reg.id).executeTakeFirstOrThrow();
    const beat = (body: object = HB) => c.call('POST', '/api/sync/heartbeat', reg.token, body);

    before(async () => {
      c = await startTestCentral(dialect, { presence: { flushMs: FLUSH_MS } });
      await c.addProduct('BAGUETTE', 130, 10);
      reg = await c.enrolRegister('Caisse presence');
    });
    after(async () => c?.close());

    it('the same state twice: the second heartbeat writes nothing, its time is flushed in a batch and shown at once', async () => {
      assert.equal((await beat()).status, 200);
      const t1 = c.now.value.toISOString();
      await eventually('the first state flushed', async () => (await row()).last_seen_at === t1, 10 * FLUSH_MS);
      const first = await row();
      assert.equal(first.mode, 'connected');
      // Changed behind central's back: a heartbeat that wrote its state would put 'connected' back.
      await c.db.updateTable('registers').set({ mode: 'autonomous' }).where('id', '=', reg.id).execute();
      c.now.value = new Date(c.now.value.getTime() + 1000);
      const t2 = c.now.value.toISOString();
      assert.equal((await beat()).status, 200);
      const after = await row();
      assert.equal(after.mode, 'autonomous', 'the unchanged state was not written again');
      assert.equal(after.last_seen_at, first.last_seen_at, 'the last-seen time waits for the batch');
      // The fleet of this instance already shows the newer time.
      const listed = (await c.call('GET', '/api/registers', c.adminToken)).json.items.find((r: any) => r.id === reg.id);
      assert.equal(listed.lastSeenAt, t2);
      await eventually('the batched flush', async () => (await row()).last_seen_at === t2, 10 * FLUSH_MS);
      assert.equal((await row()).mode, 'autonomous', 'the flush writes the time only');
    });

    it('a changed state is shown at once by this instance and reaches the row with the next flush', async () => {
      c.now.value = new Date(c.now.value.getTime() + 1000);
      const at = c.now.value.toISOString();
      assert.equal((await beat({ ...HB, mode: 'reintegrating', pendingRecords: 4 })).status, 200);
      const listed = (await c.call('GET', '/api/registers', c.adminToken)).json.items.find((r: any) => r.id === reg.id);
      assert.equal(listed.mode, 'reintegrating');
      assert.equal(listed.pendingRecords, 4);
      assert.equal(listed.lastSeenAt, at);
      await eventually('the state flushed', async () => Number((await row()).pending_records) === 4, 10 * FLUSH_MS);
      const r = await row();
      assert.equal(r.mode, 'reintegrating');
      assert.equal(r.last_seen_at, at);
    });

    it('a new schedule is in the very next heartbeat; pushed records move the heads it answers', async () => {
      const before = await beat({ ...HB, pendingRecords: 4 });
      assert.equal(before.status, 200);
      const put = await c.call('PUT', `/api/registers/${reg.id}/sos-schedule`, c.adminToken, { cron: ['0 15 7 * * *'] });
      assert.equal(put.status, 200, JSON.stringify(put.json));
      const hb = await beat({ ...HB, pendingRecords: 4 });
      assert.deepEqual(hb.json.config.sosSchedule, ['0 15 7 * * *']);
      assert.ok(hb.json.changeVersion > before.json.changeVersion, 'the schedule change moved the change version, and the heartbeat says so');

      const headBefore = hb.json.heads.ticket ?? 0;
      const pushed = await c.call('POST', '/api/sync/push', reg.token, { records: [reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }])] });
      assert.equal(pushed.status, 200, JSON.stringify(pushed.json));
      const afterPush = await beat({ ...HB, pendingRecords: 4 });
      assert.equal(afterPush.json.heads.ticket, headBefore + 1, 'the heads answered are those after the push');
    });

    it('a revoked token is refused by the next heartbeat; a re-enrolled till is known by its new token only', async () => {
      assert.equal((await beat()).status, 200);
      assert.equal((await c.call('POST', `/api/registers/${reg.id}/revoke`, c.adminToken)).status, 200);
      const refused = await beat();
      assert.equal(refused.status, 401);
      assert.match(refused.json.error.message, /revoked/);
      const code = await c.call('POST', `/api/registers/${reg.id}/enrol-code`, c.adminToken);
      assert.equal(code.status, 201);
      const enrolled = await c.call('POST', '/api/registers/enrol', null, { enrolCode: code.json.enrolCode, publicKeyPem: reg.publicKeyPem });
      assert.equal(enrolled.status, 200, JSON.stringify(enrolled.json));
      assert.equal((await beat()).status, 401, 'the old token stays dead');
      assert.equal((await c.call('POST', '/api/sync/heartbeat', enrolled.json.token, HB)).status, 200);
    });
  });
}

describe('presence: closing the app writes the pending last-seen times', () => {
  it('a heartbeat answered just before close reaches the row', async () => {
    const c = await startTestCentral('sqlite', { presence: { flushMs: 60_000 } });
    try {
      const reg = await c.enrolRegister('Caisse close');
      assert.equal((await c.call('POST', '/api/sync/heartbeat', reg.token, HB)).status, 200);
      c.now.value = new Date(c.now.value.getTime() + 1000);
      assert.equal((await c.call('POST', '/api/sync/heartbeat', reg.token, HB)).status, 200);
      await c.app.close();
      const seen = await c.db.selectFrom('registers').select('last_seen_at').where('id', '=', reg.id).executeTakeFirstOrThrow();
      assert.equal(seen.last_seen_at, c.now.value.toISOString());
    } finally {
      await c.close();
    }
  });
});
