import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Snapshot } from '@comptoir/protocol';
import { canonicalLineText, snapshotChecksum } from '@comptoir/protocol/node';
import { openDatabase, migrateToLatest } from '@comptoir/db';
import { tempDir } from '@comptoir/testing';
import { join } from 'node:path';
import { centralMigrations } from '../src/db/migrations/index';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';

after(stopSharedPostgres);

// Unambiguous tickets (issue 12, docs/architecture.md §18): a store's short code (unique, S<rank>
// by default) and each register's number within its store, carried in the copy's store line to
// registers that ask for them — and only to those, so an older register's copy keeps its checksum.

const store = { name: 'Boulangerie B', address: '2 rue de Lyon', siret: '91234567500025', vatNumber: 'FR65912345675', timezone: 'Europe/Paris' };

for (const dialect of DIALECTS) {
  describe(`store codes and register numbers [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    const opened: TestCentral[] = [];
    before(async () => {
      c = await startTestCentral(dialect);
      opened.push(c);
    });
    after(async () => Promise.all(opened.map((x) => x.close())));

    it('a store gets the first free S<rank> code, or its own; a taken or malformed code is refused, nothing stored', async () => {
      const b = await c.call('POST', '/api/stores', c.adminToken, store);
      assert.equal(b.status, 201, JSON.stringify(b.json));
      assert.equal(b.json.code, 'S02', 'S01 is the first store');
      const lyon = await c.call('POST', '/api/stores', c.adminToken, { ...store, name: 'Lyon', code: ' lyon2 ' });
      assert.equal(lyon.status, 201, JSON.stringify(lyon.json));
      assert.equal(lyon.json.code, 'LYON2');
      const taken = await c.call('POST', '/api/stores', c.adminToken, { ...store, name: 'Doublon', code: 'S02' });
      assert.equal(taken.status, 409, JSON.stringify(taken.json));
      assert.equal(taken.json.error.code, 'CONFLICT');
      for (const code of ['1AB', 'S-01', 'TOOLONG7', '']) {
        const r = await c.call('POST', '/api/stores', c.adminToken, { ...store, name: 'Mauvais', code });
        assert.equal(r.status, 400, code);
      }
      assert.equal((await c.call('GET', '/api/stores', c.adminToken)).json.total, 3, 'refused stores stored nothing');
      assert.equal((await c.call('PATCH', `/api/stores/${b.json.id}`, c.adminToken, { code: 'LYON2' })).status, 409);
      const renamed = await c.call('PATCH', `/api/stores/${b.json.id}`, c.adminToken, { code: 'B1' });
      assert.equal(renamed.status, 200, JSON.stringify(renamed.json));
      assert.equal(renamed.json.code, 'B1');
      const next = await c.call('POST', '/api/stores', c.adminToken, { ...store, name: 'Suivant' });
      assert.equal(next.json.code, 'S02', 'a freed default code is given again');
    });

    it('registers are numbered per store; the copy names them only for a register that asks', async () => {
      // A separate central: the first test's stores would make "the admin's default store" ambiguous.
      c = await startTestCentral(dialect);
      opened.push(c);
      const r1 = await c.enrolRegister('Caisse 1');
      const before = (await c.call('GET', '/api/sync/changes?since=0&with=references', r1.token)).json.changeVersion as number;
      const r2 = await c.enrolRegister('Caisse 2');
      const withRefs = await c.call('GET', '/api/sync/snapshot?with=references', r1.token);
      assert.equal(withRefs.status, 200, JSON.stringify(withRefs.json));
      const snap = withRefs.json as Snapshot;
      assert.equal(snap.store.code, 'S01');
      assert.deepEqual(snap.store.registers, [
        { id: r1.id, name: 'Caisse 1', number: 1 },
        { id: r2.id, name: 'Caisse 2', number: 2 },
      ]);
      const { manifest, ...body } = snap;
      assert.equal(snapshotChecksum(body), manifest.checksum, 'the checksum covers the references');
      assert.match(canonicalLineText({ t: 'store', r: snap.store }), /"registers":\[/);

      // An older register (no `with`): exactly the fields it knows, so what it hashes is what central hashed.
      const old = (await c.call('GET', '/api/sync/snapshot', r1.token)).json as Snapshot;
      assert.equal('code' in old.store, false);
      assert.equal('registers' in old.store, false);
      const { manifest: oldManifest, ...oldBody } = old;
      assert.equal(snapshotChecksum(oldBody), oldManifest.checksum);

      // Register 1 learns of register 2 through its changes pull: the store line changed with it.
      const changes = await c.call('GET', `/api/sync/changes?since=${before}&with=references`, r1.token);
      assert.deepEqual(changes.json.store.registers.map((r: { number: number }) => r.number), [1, 2]);
      const oldChanges = await c.call('GET', `/api/sync/changes?since=${before}`, r1.token);
      assert.equal('registers' in oldChanges.json.store, false);
    });
  });
}

describe('migration 0017 numbers what exists [sqlite]', () => {
  it('existing stores get S01, S02… by name, existing registers 1, 2… per store by creation', async () => {
    const dir = await tempDir('comptoir-0017-');
    const opened = openDatabase<any>(join(dir.path, 'central.sqlite'));
    try {
      const all = centralMigrations('sqlite');
      const upTo0014 = Object.fromEntries(Object.entries(all).filter(([name]) => name < '0015'));
      await migrateToLatest(opened.db, upTo0014);
      const s = (id: string, name: string) => ({ id, name, address: 'a', siret: '91234567500017', vat_number: 'FR65912345675', timezone: 'Europe/Paris', change_version: 1 });
      await opened.db.insertInto('stores').values([s('b', 'Zèbre'), s('a', 'Abeille')]).execute();
      const r = (id: string, storeId: string, createdAt: string) => ({ id, store_id: storeId, name: id, created_at: createdAt });
      await opened.db.insertInto('registers').values([r('r3', 'a', '2025-01-03'), r('r1', 'a', '2025-01-01'), r('r2', 'b', '2025-01-02')]).execute();
      await migrateToLatest(opened.db, all);
      const stores = await opened.db.selectFrom('stores').select(['id', 'code']).orderBy('id').execute();
      assert.deepEqual(stores, [{ id: 'a', code: 'S01' }, { id: 'b', code: 'S02' }]);
      const regs = await opened.db.selectFrom('registers').select(['id', 'number_in_store']).orderBy('id').execute();
      assert.deepEqual(regs, [{ id: 'r1', number_in_store: 1 }, { id: 'r2', number_in_store: 1 }, { id: 'r3', number_in_store: 2 }]);
    } finally {
      await opened.close();
      await dir.cleanup();
    }
  });
});
