import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Daily closures (Z) are records of the `closure` chain, listed newest first. A partial index holds
// only those rows, so the ingest of tickets pays nothing for it. One definition for both dialects.

export function closuresMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('records_closures_idx')
        .on('records')
        .columns(['recorded_at', 'register_id'])
        .where(sql.ref('chain'), '=', 'closure')
        .execute();
    },
  };
}
