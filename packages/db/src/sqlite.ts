import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { privateFile, tightenFile } from './private-files';

/**
 * Opens a SQLite file for Comptoir. Invariants: WAL journal and synchronous=FULL, so a committed
 * transaction survives a power cut (an acknowledged sale is never lost); foreign keys enforced;
 * a writer waits for a lock instead of failing at once. A file opened for writing is 0600, and so
 * are its -wal and -shm (SQLite gives them the database file's mode), whatever the umask.
 */
export function openSqliteFile(file: string, opts: { readonly?: boolean } = {}): Database.Database {
  const inMemory = file === ':memory:' || file === '';
  if (!opts.readonly && !inMemory) {
    privateFile(file);
    for (const suffix of ['-wal', '-shm', '-journal']) tightenFile(file + suffix);
  }
  const sqlite = new Database(file, { readonly: opts.readonly ?? false });
  if (!opts.readonly) sqlite.pragma('journal_mode = WAL');
  if (!opts.readonly && !inMemory) for (const suffix of ['-wal', '-shm']) tightenFile(file + suffix);
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  return sqlite;
}

export function sqliteKysely<DB>(sqlite: Database.Database): Kysely<DB> {
  return new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
}
