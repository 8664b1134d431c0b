import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Signed invoices (issue 10, docs/architecture.md §20): an index of the `invoice` chain's records
// (the records themselves stay in `records`, verified and chained like every chain), written by the
// ingest in the same transaction, so the back office finds a ticket's invoice without reading every
// payload. Not unique on the ticket: the ingest never refuses a signed record for a business reason
// (the register's own unique index makes a second invoice of a ticket impossible there).
// Append-only like `records` (docs/architecture.md §6): no update, no delete, whoever writes SQL.

export function invoicesMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('invoices')
        .addColumn('register_id', 'text', (c) => c.notNull())
        .addColumn('number', 'bigint', (c) => c.notNull())
        .addColumn('ticket_number', 'bigint', (c) => c.notNull())
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('invoices_pk', ['register_id', 'number'])
        .execute();
      await db.schema.createIndex('invoices_ticket_idx').on('invoices').columns(['register_id', 'ticket_number']).execute();
      if (dialect === 'sqlite') {
        await sql`CREATE TRIGGER invoices_no_update BEFORE UPDATE ON invoices BEGIN SELECT RAISE(ABORT, 'invoices is append-only'); END`.execute(db);
        await sql`CREATE TRIGGER invoices_no_delete BEFORE DELETE ON invoices BEGIN SELECT RAISE(ABORT, 'invoices is append-only'); END`.execute(db);
      } else {
        // comptoir_append_only() is migration 0001's.
        await sql`CREATE TRIGGER invoices_append_only BEFORE UPDATE OR DELETE ON invoices FOR EACH ROW EXECUTE FUNCTION comptoir_append_only()`.execute(db);
      }
    },
  };
}
