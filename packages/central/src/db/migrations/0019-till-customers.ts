import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Customers created at a till (issue 12 §4, docs/architecture.md §16): one row per UUID a register
// pushed, naming the customer central holds for it — a new customer under that same id, or an
// existing customer of the store it was linked to (same normalised e-mail or phone). The key makes
// the integration idempotent: the same id pushed again answers the same customer. Tickets keep the
// id they were signed with; readers resolve it through this table.

export function tillCustomersMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('till_customers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addColumn('register_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('till_customers_customer_idx').on('till_customers').columns(['customer_id']).execute();
    },
  };
}
