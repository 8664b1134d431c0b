import { Kysely, Migrator, type Migration, type MigrationProvider } from 'kysely';

/** Applies every migration not yet applied, in name order; throws if one fails (nothing half-done:
 *  Kysely runs each migration in a transaction on both dialects). */
export async function migrateToLatest(db: Kysely<any>, migrations: Record<string, Migration>): Promise<string[]> {
  const provider: MigrationProvider = { getMigrations: async () => migrations };
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
