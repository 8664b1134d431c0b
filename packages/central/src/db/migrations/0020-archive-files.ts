import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// NF525 archive files as the registers wrote them (issue 10 item 6, docs/architecture.md §6): the
// file a register wrote when it signed an archive record, sent to central once that record is
// integrated (`PUT /api/sync/archives/:number/file`). Kept as bytes in the database (blob / bytea),
// not as a file under central's data directory: central may run as several instances on one
// PostgreSQL (no shared directory), and the database's backups then carry the files with the
// records they archive. One file per archive record, never replaced: the route stores it only when
// its header is central's own for that record and its body hashes to the signed SHA-256, so a
// second upload can only be the same bytes. `archive_file_downloads`: who took a stored file from
// central and when (central signs nothing for a register; the register's own downloads are signed
// `archive_downloaded` events). Both append-only like `records` (docs/architecture.md §6).

export function archiveFilesMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('archive_files')
        .addColumn('register_id', 'text', (c) => c.notNull())
        .addColumn('number', 'bigint', (c) => c.notNull())
        .addColumn('period_key', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size_bytes', 'bigint', (c) => c.notNull())
        .addColumn('content', dialect === 'sqlite' ? 'blob' : 'bytea', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('archive_files_pk', ['register_id', 'number'])
        .execute();
      await db.schema
        .createTable('archive_file_downloads')
        .addColumn('register_id', 'text', (c) => c.notNull())
        .addColumn('number', 'bigint', (c) => c.notNull())
        .addColumn('user_id', 'text', (c) => c.notNull())
        .addColumn('downloaded_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('archive_file_downloads_idx').on('archive_file_downloads').columns(['register_id', 'number']).execute();
      for (const table of ['archive_files', 'archive_file_downloads']) {
        if (dialect === 'sqlite') {
          await sql.raw(`CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`).execute(db);
          await sql.raw(`CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table} BEGIN SELECT RAISE(ABORT, '${table} is append-only'); END`).execute(db);
        } else {
          // comptoir_append_only() is migration 0001's.
          await sql.raw(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION comptoir_append_only()`).execute(db);
        }
      }
    },
  };
}
