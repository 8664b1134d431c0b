import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

/**
 * The documents list's day filters are days on the store's clock (architecture §23): `from`/`to`
 * run from 00:00 to 24:00 in the time zone of each ticket's store, not in UTC. Three stores far
 * apart — Paris (UTC+1 in March), Martinique (UTC−4), Nouméa (UTC+11) — each with tickets just
 * before, at and after its own midnights, on both databases.
 */
for (const dialect of DIALECTS) {
  describe(`documents: a day is the store's calendar day [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let martinique: string;
    let noumea: string;
    const regs: Record<'paris' | 'martinique' | 'noumea', FakeRegister> = {} as never;

    /** Pushes one sale per instant (ISO, UTC), in order, at `reg`; offline when asked. */
    async function sellAt(reg: FakeRegister, sales: { at: string; offline?: boolean }[]) {
      const records = sales.map((s) => {
        reg.setClock(new Date(Date.parse(s.at) - 1000).toISOString()); // the next record is signed 1 s later: at `at`
        return reg.sale([{ sku: 'PAIN', quantity: 1, unitPriceCents: 120 }], { soldOffline: s.offline === true });
      });
      const push = await c.call('POST', '/api/sync/push', reg.token, { records });
      assert.equal(push.status, 200, JSON.stringify(push.json));
    }

    async function newStore(name: string, timezone: string): Promise<string> {
      const r = await c.call('POST', '/api/stores', c.adminToken, { name, address: '1 rue du Port', siret: '912 345 675 00033', vatNumber: 'FR65912345675', timezone });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      return r.json.id;
    }

    before(async () => {
      c = await startTestCentral(dialect);
      await c.addProduct('PAIN', 120, 100);
      martinique = await newStore('Comptoir Fort-de-France', 'America/Martinique');
      noumea = await newStore('Comptoir Nouméa', 'Pacific/Noumea');
      regs.paris = await c.enrolRegister('Caisse Paris');
      regs.martinique = await c.enrolRegister('Caisse Fort-de-France', martinique);
      regs.noumea = await c.enrolRegister('Caisse Nouméa', noumea);
      // Paris, 14 March: 1 at 00:00 (23:00Z the 13th), 2 at 23:59, 3 at 00:00 on the 15th.
      await sellAt(regs.paris, [{ at: '2025-03-13T23:00:00.000Z' }, { at: '2025-03-14T22:59:00.000Z' }, { at: '2025-03-14T23:00:00.000Z' }]);
      // Martinique: 1 at 23:59 on the 13th (03:59Z the 14th), 2 at 00:00 the 14th (04:00Z, offline),
      // 3 at 22:30 the 14th (02:30Z the 15th), 4 at 01:00 the 15th (05:00Z, offline).
      await sellAt(regs.martinique, [
        { at: '2025-03-14T03:59:00.000Z', offline: true },
        { at: '2025-03-14T04:00:00.000Z', offline: true },
        { at: '2025-03-15T02:30:00.000Z' },
        { at: '2025-03-15T05:00:00.000Z', offline: true },
      ]);
      // Nouméa: 1 at 23:59 on the 13th (12:59Z the 13th), 2 at 00:00 the 14th (13:00Z the 13th),
      // 3 at 23:30 the 14th (12:30Z the 14th), 4 at 00:00 the 15th (13:00Z the 14th).
      await sellAt(regs.noumea, [
        { at: '2025-03-13T12:59:00.000Z' },
        { at: '2025-03-13T13:00:00.000Z' },
        { at: '2025-03-14T12:30:00.000Z' },
        { at: '2025-03-14T13:00:00.000Z' },
      ]);
    });
    after(async () => c?.close());

    const keys = (json: { items: { registerId: string; number: number }[] }) => json.items.map((d) => `${d.registerId}/${d.number}`).sort();
    const key = (reg: FakeRegister, ...numbers: number[]) => numbers.map((n) => `${reg.id}/${n}`);
    async function listed(query: string, token = c.adminToken): Promise<string[]> {
      const r = await c.call('GET', `/api/documents?${query}`, token);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.total, r.json.items.length, query);
      return keys(r.json);
    }

    it("one store named: its own day, from its midnight to the next (not UTC's)", async () => {
      const day = 'from=2025-03-14&to=2025-03-14';
      assert.deepEqual(await listed(`storeId=${c.storeId}&${day}`), key(regs.paris, 1, 2).sort());
      assert.deepEqual(await listed(`storeId=${martinique}&${day}`), key(regs.martinique, 2, 3).sort(), 'UTC days would give 1 and 2');
      assert.deepEqual(await listed(`storeId=${noumea}&${day}`), key(regs.noumea, 2, 3).sort(), 'UTC days would give 3 and 4');
      // Open ranges: from a day on, up to a day.
      assert.deepEqual(await listed(`storeId=${martinique}&from=2025-03-15`), key(regs.martinique, 4));
      assert.deepEqual(await listed(`storeId=${martinique}&to=2025-03-13`), key(regs.martinique, 1));
      assert.deepEqual(await listed(`storeId=${noumea}&from=2025-03-14&to=2025-03-15`), key(regs.noumea, 2, 3, 4).sort());
      assert.deepEqual(await listed(`storeId=${noumea}&from=2025-03-16`), []);
    });

    it('several stores at once: each ticket on the day of its own store', async () => {
      const day = 'from=2025-03-14&to=2025-03-14';
      const expected = [...key(regs.paris, 1, 2), ...key(regs.martinique, 2, 3), ...key(regs.noumea, 2, 3)].sort();
      assert.deepEqual(await listed(day), expected);
      // With a register (no store named) and with other filters, pages and cursors: the same day.
      assert.deepEqual(await listed(`registerId=${regs.martinique.id}&${day}`), key(regs.martinique, 2, 3).sort());
      assert.deepEqual(await listed(`soldOffline=true&${day}`), key(regs.martinique, 2));
      const first = await c.call('GET', `/api/documents?limit=4&${day}`, c.adminToken);
      const next = await c.call('GET', `/api/documents?limit=4&${day}&cursor=${first.json.nextCursor}`, c.adminToken);
      assert.equal(next.status, 200, JSON.stringify(next.json));
      assert.deepEqual([...keys(first.json), ...keys(next.json)].sort(), expected);
      // A manager sees their store only: its day, the others' tickets left out.
      assert.deepEqual(await listed(day, c.managerToken), key(regs.paris, 1, 2).sort());
    });

    it("the dashboard's offline tickets of a store's day are the ones its link lists", async () => {
      const dash = await c.call('GET', `/api/dashboard?date=2025-03-14&storeId=${martinique}`, c.adminToken);
      assert.equal(dash.status, 200, JSON.stringify(dash.json));
      const store = dash.json.stores[0];
      assert.equal(store.offlineTickets, 1);
      // What the back office's link asks (dashboard.screen.tsx): that store, that day, sold offline.
      assert.deepEqual(await listed(`soldOffline=true&storeId=${martinique}&from=${store.date}&to=${store.date}`), key(regs.martinique, 2));
    });

    it("the OpenAPI document says whose clock the days are on; a malformed day, or one that does not exist, is 400", async () => {
      const doc = await c.call('GET', '/api/openapi.json', null);
      const params: { name: string; description?: string }[] = doc.json.paths['/api/documents'].get.parameters;
      for (const name of ['from', 'to']) assert.match(params.find((p) => p.name === name)?.description ?? '', /store's clock/, name);
      for (const day of ['14/03/2025', '2025-02-30', '2025-13-01']) {
        const bad = await c.call('GET', `/api/documents?from=${day}`, c.adminToken);
        assert.equal(bad.status, 400, day);
        assert.equal(bad.json.error.code, 'VALIDATION', day);
      }
    });
  });
}
