import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Versions across the fleet (issue 15): the software and sync protocol versions each register last
// reported in its heartbeat. One definition for both dialects.

export function fleetVersionsMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('registers').addColumn('software_version', 'text').execute();
      await db.schema.alterTable('registers').addColumn('protocol_version', 'integer').execute();
    },
  };
}
