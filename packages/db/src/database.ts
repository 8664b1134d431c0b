import { Kysely } from 'kysely';
import { openSqliteFile, sqliteKysely } from './sqlite';
import { postgresKysely } from './postgres';

export type DialectName = 'sqlite' | 'postgres';

export interface OpenedDatabase<DB> {
  db: Kysely<DB>;
  dialect: DialectName;
  /** Where it lives, without credentials, for logs. */
  description: string;
  /**
   * SQLite only: `PRAGMA data_version` of this connection — it moves when ANOTHER connection (another
   * process on the same file) commits, never for this connection's own writes. Lets a cache tell
   * "nobody else wrote" without reading what it caches.
   */
  dataVersion?: () => number;
  close(): Promise<void>;
}

/** A `postgres://` URL opens PostgreSQL; anything else is a SQLite file path. */
export function openDatabase<DB>(location: string): OpenedDatabase<DB> {
  if (/^postgres(ql)?:\/\//.test(location)) {
    const { db } = postgresKysely<DB>(location);
    const u = new URL(location);
    return { db, dialect: 'postgres', description: `postgres://${u.host}${u.pathname}`, close: () => db.destroy() };
  }
  const file = openSqliteFile(location);
  const db = sqliteKysely<DB>(file);
  const dataVersion = file.prepare('PRAGMA data_version').pluck();
  return { db, dialect: 'sqlite', description: location, dataVersion: () => Number(dataVersion.get()), close: () => db.destroy() };
}
