import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Returns at any register of the store (issue 11): the units of each ticket line that are refunded
// or reserved for a refund, whatever register made the return. One row per reservation and line of
// the original; the primary key makes a retried reservation harmless. One definition for both dialects.

export function returnReservationsMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('returned_units')
        .addColumn('reservation_id', 'text', (c) => c.notNull())
        .addColumn('line_no', 'integer', (c) => c.notNull())
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addColumn('original_register_id', 'text', (c) => c.notNull())
        .addColumn('original_number', 'bigint', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('returning_register_id', 'text', (c) => c.notNull())
        .addColumn('return_number', 'bigint')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('returned_units_pk', ['reservation_id', 'line_no'])
        .execute();
      await db.schema.createIndex('returned_units_original_idx').on('returned_units').columns(['original_register_id', 'original_number']).execute();
    },
  };
}
