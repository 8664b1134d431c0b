import pg from 'pg';
import { Kysely, PostgresDialect } from 'kysely';

// int8 (COUNT, SUM, bigint columns) and numeric arrive as strings by default; every such value in
// Comptoir is a count or an amount in cents, far below 2^53, so they are read as numbers.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

export function postgresKysely<DB>(url: string, opts: { max?: number } = {}): { db: Kysely<DB>; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: opts.max ?? 10 });
  // An idle pooled connection may be closed by the server (restart, failover, shutdown): the pool
  // drops it and opens another on next use. Without a listener that 'error' would kill the process.
  pool.on('error', () => {});
  return { db: new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }), pool };
}
