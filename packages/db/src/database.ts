import { Kysely } from 'kysely';
import { openSqliteFile, sqliteKysely } from './sqlite';
import { postgresKysely } from './postgres';

export type DialectName = 'sqlite' | 'postgres';

export interface OpenedDatabase<DB> {
  db: Kysely<DB>;
  dialect: DialectName;
  /** Where it lives, without credentials, for logs. */
  description: string;
  close(): Promise<void>;
}

/** A `postgres://` URL opens PostgreSQL; anything else is a SQLite file path. */
export function openDatabase<DB>(location: string): OpenedDatabase<DB> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    const { db } = postgresKysely<DB>(location);
    const u = new URL(location);
    return { db, dialect: 'postgres', description: `postgres://${u.host}${u.pathname}`, close: () => db.destroy() };
  }
  const db = sqliteKysely<DB>(openSqliteFile(location));
  return { db, dialect: 'sqlite', description: location, close: () => db.destroy() };
}
