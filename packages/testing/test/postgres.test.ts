// A real throwaway PostgreSQL server: start, create a database, query it, stop.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import pg from 'pg';
import { onDialect, startPostgres } from '../src/index';

describe('postgres', onDialect('postgres'), () => {
  it('starts a server, creates a fresh database, runs select 1, stops', async () => {
    // Always its own server (even when the run shares one through COMPTOIR_TEST_DATABASE_URL).
    const server = await startPostgres({ throwaway: true });
    try {
      const url = await server.createDatabase(`comptoir_t_${process.pid}`);
      assert.match(url, new RegExp(`/comptoir_t_${process.pid}$`));
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const res = await client.query<{ one: number; db: string }>('select 1 as one, current_database() as db');
        assert.equal(res.rows[0]?.one, 1);
        assert.equal(res.rows[0]?.db, `comptoir_t_${process.pid}`);
      } finally {
        await client.end();
      }
    } finally {
      await server.stop();
    }
    // The throwaway server is gone: its port refuses connections.
    const client = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 2000 });
    await assert.rejects(client.connect());
    await client.end().catch(() => undefined);
  });
});
