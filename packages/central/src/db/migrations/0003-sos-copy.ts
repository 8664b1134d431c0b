import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// SOS copy (issue 3): what the fleet view shows of each register's copy beyond the core columns
// (row counts, next scheduled copy), and the register's own API URL reported in its heartbeat, which
// central calls for a store-wide "prepare for a planned outage". One definition for both dialects.

export function sosCopyMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('registers').addColumn('advertised_url', 'text').execute();
      await db.schema.alterTable('registers').addColumn('sos_counts', 'text').execute();
      await db.schema.alterTable('registers').addColumn('next_sos_copy_at', 'text').execute();
    },
  };
}
