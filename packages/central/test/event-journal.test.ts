// Central's event journal (JET): `GET /api/events` filtered by register, code and time window, on
// both databases; v1 events (no signed code) are found by their kind's code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventPayload } from '@comptoir/protocol';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

for (const dialect of DIALECTS) {
  describe(`event journal filters [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let a: FakeRegister;
    let b: FakeRegister;
    const events = async (query: string) => {
      const r = await c.call('GET', `/api/events${query}`, c.adminToken);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r.json.items as { registerId: string; number: number; code: number; event: string; recordedAt: string }[];
    };

    before(async () => {
      c = await startTestCentral(dialect);
      a = await c.enrolRegister('Caisse A');
      b = await c.enrolRegister('Caisse B');
      // A: login (v1, code 1010 from the table), degraded mode on (v2, signed code 70), off (v2, 120).
      const recordsA = [a.event('login'), a.next('event', eventPayload('offline_start', { pending: 2 })), a.next('event', eventPayload('offline_end', { durationMs: 5000 }))];
      const recordsB = [b.event('offline_start'), b.event('login')];
      assert.equal((await c.call('POST', '/api/sync/push', a.token, { records: recordsA })).status, 200);
      assert.equal((await c.call('POST', '/api/sync/push', b.token, { records: recordsB })).status, 200);
    });
    after(async () => c?.close());

    it('filters by code (signed v2 code, or a v1 kind through the table), by register, and both', async () => {
      const degraded = await events('?code=70');
      assert.deepEqual(degraded.map((e) => [e.registerId, e.event, e.code]).sort(), [[a.id, 'offline_start', 70], [b.id, 'offline_start', 70]].sort());
      assert.deepEqual((await events(`?code=70&registerId=${a.id}`)).map((e) => e.number), [2]);
      assert.deepEqual((await events(`?code=1010&registerId=${b.id}`)).map((e) => [e.event, e.number]), [['login', 2]]);
      assert.deepEqual(await events('?code=999999'), [], 'a code no event has: nothing');
      assert.equal((await events(`?registerId=${a.id}`)).length, 3);
    });

    it('filters by a time window on recordedAt (from inclusive, to exclusive, any offset)', async () => {
      const all = await events(`?registerId=${a.id}`);
      const [third, second, first] = all; // newest first
      const window = await events(`?registerId=${a.id}&from=${encodeURIComponent(second!.recordedAt)}&to=${encodeURIComponent(third!.recordedAt)}`);
      assert.deepEqual(window.map((e) => e.number), [2]);
      // The same instant written with an offset (+01:00) bounds the same way.
      const shifted = new Date(Date.parse(first!.recordedAt) + 3600_000).toISOString().replace('Z', '+01:00');
      assert.deepEqual((await events(`?registerId=${a.id}&to=${encodeURIComponent(shifted)}`)).map((e) => e.number), []);
      assert.deepEqual((await events(`?registerId=${a.id}&from=${encodeURIComponent(shifted)}`)).map((e) => e.number), [3, 2, 1]);
    });

    it('refuses a bad code or date with 400, naming the field', async () => {
      for (const q of ['?code=abc', '?code=0', '?from=yesterday', '?to=2025-13-01T00:00:00Z']) {
        const r = await c.call('GET', `/api/events${q}`, c.adminToken);
        assert.equal(r.status, 400, q);
        assert.equal(r.json.error.code, 'VALIDATION');
        assert.ok(r.json.error.details.issues.length > 0, q);
      }
    });
  });
}
