import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Till customers waiting to be pushed (issue 12 §6, docs/architecture.md §3 "Fleet view"): the count
// a register reports in its heartbeat beside `pending_records`. Nullable, no default: null means the
// register never reported it (a release before it, or never seen), which the fleet shows as unknown,
// not as 0.

export function pendingCustomersMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('registers').addColumn('pending_customers', 'integer').execute();
    },
  };
}
