import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Back office (issue 5): review acknowledgements of flagged tickets, notes on stock movements made
// from the back office (who, why), and the indexes the document filters need. One definition for
// SQLite and PostgreSQL. Nothing here touches a signed fact: tickets stay append-only; an
// acknowledgement is a separate row, written once.

export function backofficeMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      // At most one acknowledgement per ticket (primary key): a second one is a conflict.
      await db.schema
        .createTable('ticket_reviews')
        .addColumn('register_id', 'text', (c) => c.notNull())
        .addColumn('number', 'bigint', (c) => c.notNull())
        .addColumn('acknowledged_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('acknowledged_at', 'text', (c) => c.notNull())
        .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
        .addPrimaryKeyConstraint('ticket_reviews_pk', ['register_id', 'number'])
        .execute();

      // Who moved stock from the back office and why (receptions, adjustments). One row per movement.
      await db.schema
        .createTable('stock_movement_notes')
        .addColumn('movement_id', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('note', 'text', (c) => c.notNull())
        .execute();

      await db.schema.createIndex('tickets_customer_idx').on('tickets').columns(['customer_id', 'sold_at']).execute();
      await db.schema.createIndex('tickets_sold_at_idx').on('tickets').column('sold_at').execute();
      await db.schema.createIndex('stock_movements_created_idx').on('stock_movements').columns(['store_id', 'sku', 'created_at']).execute();
    },
  };
}
