import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import pg from 'pg';
import { generateSigningKeyPair } from '@comptoir/domain';
import { PROTOCOL_HEADER, PROTOCOL_VERSION, type SignedRecord } from '@comptoir/protocol';
import { eventually, http, startCentralProcess, tempDir, type CentralProcess } from '@comptoir/testing';
import { onDialect, sharedPostgres, stopSharedPostgres } from './fixtures/central';
import { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

// Several centrals on one PostgreSQL (the production shape: stateless instances behind any load
// balancer): two real central processes on one database. Registers split across them; one
// register's pushes alternate between them with overlaps (a retry landing on the other instance)
// and every record is held exactly once; a logout on one is honoured by the other; a price changed
// on one instance is announced, through LISTEN/NOTIFY, to a register listening on the other within
// a second.
describe('two central instances on one PostgreSQL', onDialect('postgres'), () => {
  let a: CentralProcess;
  let b: CentralProcess;
  let admin: string;
  let databaseUrl: string;
  let cleanup: () => Promise<void>;

  before(async () => {
    const dir = await tempDir('comptoir-two-centrals-');
    databaseUrl = await (await sharedPostgres()).createDatabase(`two_centrals_${process.pid}_${Date.now()}`);
    // One data folder: the second instance finds the demo credentials the first one seeded.
    a = await startCentralProcess({ dataDir: join(dir.path, 'central'), databaseUrl, name: 'central-a' });
    b = await startCentralProcess({ dataDir: join(dir.path, 'central'), databaseUrl, name: 'central-b' });
    cleanup = async () => {
      await a.handle.stop();
      await b.handle.stop();
      await dir.cleanup();
    };
    admin = (await http(a.url, 'POST', '/api/auth/login', { body: a.credentials().admin })).body.token;
  });
  after(async () => cleanup?.());

  async function enrol(via: CentralProcess, name: string): Promise<FakeRegister> {
    const created = await http(via.url, 'POST', '/api/registers', { token: admin, body: { name } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const keys = generateSigningKeyPair();
    const enrolled = await http(via.url, 'POST', '/api/registers/enrol', { body: { enrolCode: created.body.enrolCode, publicKeyPem: keys.publicKeyPem } });
    assert.equal(enrolled.status, 200, JSON.stringify(enrolled.body));
    return new FakeRegister(created.body.id, a.credentials().storeId, enrolled.body.token, keys.privateKeyPem);
  }
  const push = (via: CentralProcess, reg: FakeRegister, records: SignedRecord[]) =>
    http(via.url, 'POST', '/api/sync/push', { token: reg.token, body: { records }, timeoutMs: 60_000 });
  const beat = (via: CentralProcess, reg: FakeRegister) =>
    http(via.url, 'POST', '/api/sync/heartbeat', {
      token: reg.token,
      body: { mode: 'connected', pendingRecords: 0, lastSosCopyAt: null, lastSosCopyKind: null, sosChecksum: null, changeVersion: 0, autonomousSince: null },
    });

  it('registers split across the instances: each instance sees the whole fleet', async () => {
    const r1 = await enrol(a, 'Caisse A');
    const r2 = await enrol(b, 'Caisse B');
    assert.equal((await beat(a, r1)).status, 200);
    assert.equal((await beat(b, r2)).status, 200);
    for (const via of [a, b]) {
      const fleet = await eventually('both registers online', async () => {
        const res = await http(via.url, 'GET', '/api/registers', { token: admin });
        const rows = (res.body.items as { id: string; online: boolean }[]).filter((r) => r.id === r1.id || r.id === r2.id);
        return rows.length === 2 && rows.every((r) => r.online) ? rows : null;
      }, 5000);
      assert.equal(fleet.length, 2);
    }
  });

  it("one register's pushes alternate between instances, with overlapping retries: every ticket once", async () => {
    const reg = await enrol(a, 'Caisse qui alterne');
    const products = await http(a.url, 'GET', '/api/products?limit=1', { token: admin });
    const { sku, priceCents } = products.body.items[0] as { sku: string; priceCents: number };
    const tickets = Array.from({ length: 120 }, () => reg.sale([{ sku, quantity: 1, unitPriceCents: priceCents }], { soldOffline: true }));
    // Reintegration after an outage: batches of 40, each one also sent again to the other instance
    // (its answer "lost"), the next batch starting on that other instance.
    const instances = [a, b];
    for (let i = 0, turn = 0; i < tickets.length; i += 40, turn++) {
      const batch = tickets.slice(i, i + 40);
      const first = await push(instances[turn % 2]!, reg, batch);
      assert.equal(first.status, 200, JSON.stringify(first.body));
      const replay = await push(instances[(turn + 1) % 2]!, reg, batch);
      assert.equal(replay.status, 200, JSON.stringify(replay.body));
      assert.equal(replay.body.heads.ticket, i + batch.length);
    }
    for (const via of [a, b]) {
      const list = await http(via.url, 'GET', `/api/tickets?registerId=${reg.id}&limit=1000`, { token: admin });
      assert.equal(list.body.total, 120);
      assert.deepEqual((list.body.items as { number: number }[]).map((t) => t.number), Array.from({ length: 120 }, (_, k) => k + 1));
    }
  });

  it('a logout on one instance is honoured by the other at once', async () => {
    const session = (await http(a.url, 'POST', '/api/auth/login', { body: a.credentials().admin })).body.token as string;
    assert.equal((await http(a.url, 'GET', '/api/registers', { token: session })).status, 200);
    const out = await fetch(`${b.url}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${session}` } });
    assert.equal(out.status, 204);
    assert.equal((await http(a.url, 'GET', '/api/registers', { token: session })).status, 401, 'the other instance refuses the ended session');
  });

  it('a revocation and a new schedule made on one instance are honoured by the other within a second, though it remembered the register', async () => {
    const reg = await enrol(a, 'Caisse retenue');
    // B now remembers the token, the state and the schedule (modules/fleet/presence.ts).
    assert.equal((await beat(b, reg)).status, 200);
    assert.equal((await beat(b, reg)).status, 200);
    const put = await http(a.url, 'PUT', `/api/registers/${reg.id}/sos-schedule`, { token: admin, body: { cron: ['0 45 6 * * *'] } });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    const scheduledAt = Date.now();
    await eventually('the new schedule answered by the other instance', async () => ((await beat(b, reg)).body.config?.sosSchedule ?? []).includes('0 45 6 * * *'), 1000);
    assert.ok(Date.now() - scheduledAt < 1000);
    assert.equal((await http(a.url, 'POST', `/api/registers/${reg.id}/revoke`, { token: admin })).status, 200);
    const revokedAt = Date.now();
    const refused = await eventually('the revocation honoured by the other instance', async () => {
      const r = await beat(b, reg);
      return r.status === 401 ? r : null;
    }, 1000);
    assert.ok(Date.now() - revokedAt < 1000, 'within a second');
    assert.match(refused.body.error.message, /revoked/);
    // The instances hold a connection listening for each other's forgets.
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN "comptoir_presence"'`);
      assert.equal(rows[0].n, 2, 'each instance LISTENs on comptoir_presence');
    } finally {
      await client.end();
    }
  });

  it('a price changed on one instance reaches a register listening on the other within a second', async () => {
    const reg = await enrol(a, 'Caisse à l’écoute');
    const ac = new AbortController();
    const res = await fetch(`${b.url}/api/sync/events`, {
      headers: { authorization: `Bearer ${reg.token}`, accept: 'text/event-stream', [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) },
      signal: ac.signal,
    });
    assert.equal(res.status, 200);
    const versions: { version: number; at: number }[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buf = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += decoder.decode(chunk, { stream: true });
        for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
          const data = /data: (.*)/.exec(buf.slice(0, i))?.[1];
          buf = buf.slice(i + 2);
          if (data) versions.push({ version: (JSON.parse(data) as { changeVersion: number }).changeVersion, at: Date.now() });
        }
      }
    })().catch(() => {});
    try {
      await eventually('the first event', async () => versions.length > 0, 5000);
      const initial = versions[0]!.version;
      const products = await http(a.url, 'GET', '/api/products?limit=1', { token: admin });
      const { sku, priceCents } = products.body.items[0] as { sku: string; priceCents: number };
      const changedAt = Date.now();
      const patched = await http(a.url, 'PATCH', `/api/products/${encodeURIComponent(sku)}`, { token: admin, body: { priceCents: priceCents + 10 } });
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      const hint = await eventually('the change announced on the other instance', async () => versions.find((v) => v.version > initial), 5000);
      // The hint came through LISTEN/NOTIFY: the instance holds a connection listening on the channel.
      const client = new pg.Client({ connectionString: databaseUrl });
      await client.connect();
      try {
        const { rows } = await client.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN "comptoir_change"'`);
        assert.ok(rows[0].n >= 1, 'an instance LISTENs on comptoir_change');
      } finally {
        await client.end();
      }
      assert.ok(hint.at - changedAt < 1000, `announced ${hint.at - changedAt} ms after the change`);
      const changes = await http(b.url, 'GET', `/api/sync/changes?since=${initial}`, { token: reg.token });
      assert.equal(changes.status, 200);
      assert.equal((changes.body.products as { sku: string; priceCents: number }[]).find((p) => p.sku === sku)?.priceCents, priceCents + 10);
    } finally {
      ac.abort();
      await reading;
    }
  });
});
