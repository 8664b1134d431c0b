import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Trust (issue 9): login throttling counters shared by every central instance (`login_failures`,
// one row per key: `login:<username>`, `addr:<ip>`, `enrol:<ip>`), revocable register tokens
// (`registers.revoked_at`) and enrolment codes that expire (`registers.enrol_code_expires_at`).
// One definition for both dialects.

export function trustMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('login_failures')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('locked_until', 'text')
        .addColumn('last_failure_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.alterTable('registers').addColumn('revoked_at', 'text').execute();
      await db.schema.alterTable('registers').addColumn('enrol_code_expires_at', 'text').execute();
    },
  };
}
