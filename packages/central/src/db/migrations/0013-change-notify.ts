import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Change hints through PostgreSQL's LISTEN/NOTIFY (issue 13): every move of the change counter
// notifies `comptoir_change` with the new version. NOTIFY inside a transaction is delivered at commit
// (and never for a rollback), so a hint never announces a version a reader cannot see yet. SQLite
// (one instance) keeps polling the counter: nothing to add there.

export const CHANGE_CHANNEL = 'comptoir_change';

export function changeNotifyMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      if (dialect !== 'postgres') return;
      await sql`CREATE OR REPLACE FUNCTION comptoir_notify_change() RETURNS trigger AS $$
        BEGIN
          PERFORM pg_notify('comptoir_change', NEW.value::text);
          RETURN NULL;
        END $$ LANGUAGE plpgsql`.execute(db);
      await sql`CREATE TRIGGER counters_change_notify AFTER UPDATE ON counters
        FOR EACH ROW WHEN (NEW.name = 'change_version' AND NEW.value IS DISTINCT FROM OLD.value)
        EXECUTE FUNCTION comptoir_notify_change()`.execute(db);
    },
  };
}
