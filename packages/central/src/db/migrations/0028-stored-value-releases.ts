import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Freed reservations of avoirs and gift cards (docs/architecture.md §19, §25): a reservation freed
// (its sale refused after the reserve) is deleted from `credit_note_spends`, and kept here, so that
// the issuing register, which may have read it among the spends of its stored values meanwhile
// (GET /api/sync/returned-units), learns that it is freed and stops counting it. Keyed by the spend
// it frees (reservation and when central made it): a later spend under the same reservation id is
// another row, never freed by this one. Rows are only ever inserted. One definition for both dialects.

export function storedValueReleasesMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('credit_note_releases')
        .addColumn('reservation_id', 'text', (c) => c.notNull())
        .addColumn('spend_created_at', 'text', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('released_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('credit_note_releases_pk', ['reservation_id', 'spend_created_at'])
        .execute();
      await db.schema.createIndex('credit_note_releases_reference_idx').on('credit_note_releases').columns(['reference', 'released_at']).execute();
    },
  };
}
