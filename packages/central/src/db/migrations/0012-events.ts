import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// The event journal (JET, `GET /api/events`) is listed newest first, like closures (0005) and
// archives (0006): a partial index holds only the `event` chain. One definition for both dialects.

export function eventsMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createIndex('records_events_idx')
        .on('records')
        .columns(['recorded_at', 'register_id'])
        .where(sql.ref('chain'), '=', 'event')
        .execute();
    },
  };
}
