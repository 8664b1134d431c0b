import { after, before, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

/**
 * What the issuing register learns of its tickets' returns at other tills (docs/architecture.md §17):
 * `GET /api/sync/returned-units` answers the units other registers reserved or returned through
 * central, and the reservations freed since (no return used them), each by its id and the time of
 * its rows, so that a register that learned the units stops counting them.
 */
for (const dialect of DIALECTS) {
  describe(`returned units of a register's tickets [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let issuing: FakeRegister;
    let other: FakeRegister;

    before(async () => {
      c = await startTestCentral(dialect);
      issuing = await c.enrolRegister('Caisse 1');
      other = await c.enrolRegister('Caisse 2');
      const pushed = await c.call('POST', '/api/sync/push', issuing.token, { records: [issuing.sale([{ sku: 'PAIN', quantity: 3, unitPriceCents: 120 }])] });
      assert.equal(pushed.status, 200, JSON.stringify(pushed.json));
    });
    after(async () => c?.close());

    it('a reservation freed by the till that made it is reported freed to the issuing register, once, and to nobody else', async () => {
      const since = new Date(c.now.value.getTime() - 60_000).toISOString();
      const units = async (token: string) => (await c.call('GET', `/api/sync/returned-units?since=${encodeURIComponent(since)}`, token)).json;
      const reservationId = randomUUID();
      const reserved = await c.call('POST', '/api/sync/returns', other.token, { reservationId, original: { registerId: issuing.id, number: 1 }, lines: [{ lineNo: 1, quantity: 2 }] });
      assert.equal(reserved.status, 201, JSON.stringify(reserved.json));

      const seen = await units(issuing.token);
      const item = seen.items.find((i: { reservationId: string }) => i.reservationId === reservationId);
      assert.deepEqual([item?.quantity, item?.returningRegisterId, item?.originalNumber], [2, other.id, 1], 'the issuing register learns the units reserved');
      assert.deepEqual(seen.releasedReservations, [], 'nothing freed yet');

      // Someone else than the till that reserved cannot free it.
      assert.equal((await c.call('DELETE', `/api/sync/returns/${reservationId}`, issuing.token)).json.released, 0);
      assert.deepEqual((await units(issuing.token)).releasedReservations, []);

      // The return failed after the reserve: its till frees it.
      const freed = await c.call('DELETE', `/api/sync/returns/${reservationId}`, other.token);
      assert.deepEqual([freed.status, freed.json.released], [200, 1]);
      const after = await units(issuing.token);
      assert.equal(after.items.some((i: { reservationId: string }) => i.reservationId === reservationId), false);
      assert.deepEqual(after.releasedReservations, [{ reservationId, createdAt: item.createdAt }], 'the release names the reservation and the time of its rows');
      // The units are free again at central: the whole line can be reserved.
      const again = await c.call('POST', '/api/sync/returns', other.token, { reservationId: randomUUID(), original: { registerId: issuing.id, number: 1 }, lines: [{ lineNo: 1, quantity: 3 }] });
      assert.equal(again.status, 201, JSON.stringify(again.json));
      // Freed twice: nothing more; the returning till reads no release of a ticket not its own.
      assert.equal((await c.call('DELETE', `/api/sync/returns/${reservationId}`, other.token)).json.released, 0);
      assert.equal((await units(issuing.token)).releasedReservations.length, 1);
      assert.deepEqual((await units(other.token)).releasedReservations, []);
    });
  });
}
