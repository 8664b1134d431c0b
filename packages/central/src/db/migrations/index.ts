import type { Kysely, Migration } from 'kysely';
import { migrateToLatest, type DialectName } from '@comptoir/db';
import { initialMigration } from './0001-initial';

/** Every migration of the central database, by name (applied in name order). */
export function centralMigrations(dialect: DialectName): Record<string, Migration> {
  return { '0001-initial': initialMigration(dialect) };
}

export function migrateCentral(db: Kysely<any>, dialect: DialectName): Promise<string[]> {
  return migrateToLatest(db, centralMigrations(dialect));
}
