import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '@comptoir/protocol';
import { ADMIN, DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';
import { parseAddressList } from '../src/modules/system/address-list';

after(stopSharedPostgres);

// Central behind a reverse proxy (`--trust-proxy`, docs/security.md): from a trusted proxy the
// client's address is X-Forwarded-For's, so login throttling counts the real client (not the proxy,
// which would lock the whole chain out at once) and a heartbeat's advertisedUrl is pinned to the
// register's own address. Without the option X-Forwarded-For is ignored: a client cannot pick the
// address it is counted under. Real HTTP on a listening central.

const HEARTBEAT = { mode: 'connected', pendingRecords: 0, lastSosCopyAt: null, lastSosCopyKind: null, sosChecksum: null, changeVersion: 0, autonomousSince: null };

async function listening(c: TestCentral): Promise<string> {
  await c.app.listen({ port: 0, host: '127.0.0.1' });
  return `http://127.0.0.1:${(c.app.server.address() as AddressInfo).port}`;
}

function post(url: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), ...headers }, body: JSON.stringify(body) });
}

/** Five wrong passwords, each for another account (only the address counts them all), from `forwardedFor`. */
async function fiveFailures(url: string, forwardedFor: (i: number) => string): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const r = await post(url, '/api/auth/login', { username: `intrus${i}`, password: 'wrong-password' }, { 'x-forwarded-for': forwardedFor(i) });
    assert.equal(r.status, 401, `failure ${i}`);
  }
}

describe('address lists (--trust-proxy, --metrics-allow)', () => {
  it('take addresses and CIDR blocks, v4 and v6, and name what is not one', () => {
    assert.deepEqual(parseAddressList(' 127.0.0.1, 10.0.0.0/8,fd00::/8 ,::1,'), { entries: ['127.0.0.1', '10.0.0.0/8', 'fd00::/8', '::1'], invalid: [] });
    assert.deepEqual(parseAddressList('10.0.0.0/33,proxy.lan,1.2.3.4/8/1,::1/129,10.0.0.1/x').invalid, ['10.0.0.0/33', 'proxy.lan', '1.2.3.4/8/1', '::1/129', '10.0.0.1/x']);
  });
});

for (const dialect of DIALECTS) {
  describe(`central behind a trusted reverse proxy [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let url: string;
    let reg: FakeRegister;
    before(async () => {
      c = await startTestCentral(dialect, { trustProxy: ['127.0.0.1/32'] });
      reg = await c.enrolRegister('Caisse derrière le proxy');
      url = await listening(c);
    });
    after(async () => c?.close());

    it('throttles the client X-Forwarded-For names, not the proxy; a forged earlier hop does not count', async () => {
      // The client forged "198.51.100.99"; the proxy appended the address it really saw.
      await fiveFailures(url, () => '198.51.100.99, 203.0.113.7');
      const locked = await post(url, '/api/auth/login', ADMIN, { 'x-forwarded-for': '203.0.113.7' });
      assert.equal(locked.status, 429, 'the real client is locked, even with the right password');
      assert.ok(Number(locked.headers.get('retry-after')) > 0);
      const other = await post(url, '/api/auth/login', ADMIN, { 'x-forwarded-for': '198.51.100.99' });
      assert.equal(other.status, 200, 'another client behind the same proxy is not (nor the forged address)');
      const rows = await c.db.selectFrom('login_failures').select(['key', 'failures']).where('key', 'like', 'addr:%').where('failures', '>', 0).execute();
      assert.deepEqual(rows.map((r) => [r.key, Number(r.failures)]), [['addr:203.0.113.7', 5]], 'counted under the real client only');
    });

    it("pins a heartbeat's advertisedUrl to the register's address, not the proxy's", async () => {
      const r = await post(url, '/api/sync/heartbeat', { ...HEARTBEAT, advertisedUrl: 'http://10.0.0.12:4101' }, { authorization: `Bearer ${reg.token}`, 'x-forwarded-for': '10.0.0.12' });
      assert.equal(r.status, 200, await r.text());
      const row = await c.db.selectFrom('registers').select('advertised_url').where('id', '=', reg.id).executeTakeFirstOrThrow();
      assert.equal(row.advertised_url, 'http://10.0.0.12:4101');
    });
  });

  describe(`central without --trust-proxy ignores X-Forwarded-For [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let url: string;
    let reg: FakeRegister;
    before(async () => {
      c = await startTestCentral(dialect);
      reg = await c.enrolRegister('Caisse');
      url = await listening(c);
    });
    after(async () => c?.close());

    it('a client changing X-Forwarded-For at each guess is still counted under its own address', async () => {
      await fiveFailures(url, (i) => `203.0.113.${10 + i}`);
      const locked = await post(url, '/api/auth/login', ADMIN, { 'x-forwarded-for': '203.0.113.99' });
      assert.equal(locked.status, 429);
      const rows = await c.db.selectFrom('login_failures').select('key').where('key', 'like', 'addr:%').where('failures', '>', 0).execute();
      assert.deepEqual(rows.map((r) => r.key), ['addr:127.0.0.1']);
    });

    it('a heartbeat cannot pin its advertisedUrl to a forwarded address', async () => {
      const r = await post(url, '/api/sync/heartbeat', { ...HEARTBEAT, advertisedUrl: 'http://10.0.0.12:4101' }, { authorization: `Bearer ${reg.token}`, 'x-forwarded-for': '10.0.0.12' });
      assert.equal(r.status, 200, await r.text());
      const row = await c.db.selectFrom('registers').select('advertised_url').where('id', '=', reg.id).executeTakeFirstOrThrow();
      assert.equal(row.advertised_url, 'http://127.0.0.1:4101');
    });
  });
}
