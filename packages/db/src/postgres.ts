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

export interface PostgresListener {
  close(): Promise<void>;
}

/**
 * A dedicated connection LISTENing on `channel` (PostgreSQL's NOTIFY). Phases: connecting →
 * listening (`onListening` called: the caller re-reads what it may have missed while not
 * listening) → on any error or end, reconnecting after `retryMs` → … until `close`. Invariant: a
 * notification is only a hint; whatever it announces is read from the database, so one lost while
 * reconnecting costs a delay, never data.
 */
export function listenPostgres(
  url: string,
  channel: string,
  onNotify: (payload: string) => void,
  onListening: () => void,
  retryMs = 1000,
): PostgresListener {
  let closed = false;
  let client: pg.Client | null = null;
  let retry: NodeJS.Timeout | null = null;
  const connect = async () => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url });
    client = c;
    let failed = false;
    const fail = () => {
      if (failed) return;
      failed = true;
      c.removeAllListeners('notification');
      void c.end().catch(() => {});
      if (!closed) retry = setTimeout(() => void connect(), retryMs);
    };
    c.on('error', fail);
    c.on('end', fail);
    c.on('notification', (n) => {
      if (n.channel === channel) onNotify(n.payload ?? '');
    });
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      if (!closed) onListening();
    } catch {
      fail();
    }
  };
  void connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      await client?.end().catch(() => {});
    },
  };
}
