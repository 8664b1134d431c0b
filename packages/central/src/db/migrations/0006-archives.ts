import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// NF525 archive records are listed newest first, like closures (0005): a partial index holds only
// them, so the ingest of tickets pays nothing for it. One definition for both dialects.

export function archivesMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('records_archives_idx')
        .on('records')
        .columns(['recorded_at', 'register_id'])
        .where(sql.ref('chain'), '=', 'archive')
        .execute();
    },
  };
}
