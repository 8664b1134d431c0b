import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Credit notes (avoirs, issue 12 §3, docs/architecture.md §19): every avoir a pushed return issued,
// and every part of one spent (or reserved for a sale about to be signed), whatever register spent
// it. A spend's primary key is its reservation id: a retried reservation, or the issuing register's
// LAN reservation arriving after the sale that used it, is harmless. One definition for both dialects.

export function creditNotesMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('credit_notes')
        .addColumn('reference', 'text', (c) => c.primaryKey())
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addColumn('register_id', 'text', (c) => c.notNull())
        .addColumn('return_number', 'bigint', (c) => c.notNull())
        .addColumn('amount_cents', 'bigint', (c) => c.notNull())
        .addColumn('issued_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('credit_note_spends')
        .addColumn('reservation_id', 'text', (c) => c.primaryKey())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addColumn('amount_cents', 'bigint', (c) => c.notNull())
        .addColumn('spending_register_id', 'text', (c) => c.notNull())
        .addColumn('ticket_number', 'bigint')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('credit_note_spends_reference_idx').on('credit_note_spends').column('reference').execute();
    },
  };
}
