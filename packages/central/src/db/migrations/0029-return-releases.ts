import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Freed return reservations (docs/architecture.md §17): a reservation of units that no return used
// (the returning register's own signing failed after reserving; or, over the LAN, released at the
// issuing register) is deleted from `returned_units`, and kept here, so that the issuing register,
// which may have read it among the units of its tickets returned by others meanwhile
// (GET /api/sync/returned-units), learns that it is freed and stops counting it. Keyed by the
// reservation and when central made its rows: a later reservation under the same id is another,
// never freed by this one. Rows are only ever inserted. One definition for both dialects.

export function returnReleasesMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('returned_unit_releases')
        .addColumn('reservation_id', 'text', (c) => c.notNull())
        .addColumn('reserved_at', 'text', (c) => c.notNull())
        .addColumn('original_register_id', 'text', (c) => c.notNull())
        .addColumn('released_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('returned_unit_releases_pk', ['reservation_id', 'reserved_at'])
        .execute();
      await db.schema.createIndex('returned_unit_releases_original_idx').on('returned_unit_releases').columns(['original_register_id', 'released_at']).execute();
    },
  };
}
