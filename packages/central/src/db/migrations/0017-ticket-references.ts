import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';
import { defaultStoreCode } from '@comptoir/domain';

// Unambiguous tickets (issue 12, docs/architecture.md §18): a store's short code (`S01`, printed on
// every receipt of the store, unique in the chain) and each register's number within its store
// (1, 2…, never reused), so a ticket's printed reference `S01-C2-000123` names one ticket of the
// chain. Existing stores get S01, S02… by name; existing registers 1, 2… by creation, per store.

export function ticketReferencesMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('stores').addColumn('code', 'text', (c) => c.notNull().defaultTo('')).execute();
      await db.schema.alterTable('registers').addColumn('number_in_store', 'integer').execute();
      const stores = (await db.selectFrom('stores').select('id').orderBy('name').orderBy('id').execute()) as { id: string }[];
      for (const [i, s] of stores.entries()) {
        await db.updateTable('stores').set({ code: defaultStoreCode(i + 1) }).where('id', '=', s.id).execute();
      }
      const registers = (await db.selectFrom('registers').select(['id', 'store_id']).orderBy('created_at').orderBy('id').execute()) as {
        id: string;
        store_id: string;
      }[];
      const next = new Map<string, number>();
      for (const r of registers) {
        const n = (next.get(r.store_id) ?? 0) + 1;
        next.set(r.store_id, n);
        await db.updateTable('registers').set({ number_in_store: n }).where('id', '=', r.id).execute();
      }
      await db.schema.createIndex('stores_code_unique').on('stores').column('code').unique().execute();
      await db.schema.createIndex('registers_number_in_store_unique').on('registers').columns(['store_id', 'number_in_store']).unique().execute();
    },
  };
}
