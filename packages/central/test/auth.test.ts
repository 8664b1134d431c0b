import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, CASHIER, DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import { hashSecret, verifySecret } from '../src/modules/auth/password';

after(stopSharedPostgres);

describe('password hashing', () => {
  it('hashes with scrypt in the shared format and verifies', async () => {
    const h = await hashSecret('1234');
    assert.match(h, /^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]+\$[A-Za-z0-9_-]+$/);
    assert.equal(await verifySecret('1234', h), true);
    assert.equal(await verifySecret('1235', h), false);
    assert.notEqual(await hashSecret('1234'), h, 'salted');
    assert.equal(await verifySecret('1234', 'scrypt$garbage'), false);
    assert.equal(await verifySecret('1234', null), false);
  });
});

for (const dialect of DIALECTS) {
  describe(`auth and roles [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    before(async () => {
      c = await startTestCentral(dialect);
    });
    after(async () => c?.close());

    it('health needs no token and names the database', async () => {
      const r = await c.call('GET', '/api/health', null);
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { ok: true, database: dialect });
    });

    it('login returns a token, role and expiry; wrong password is 401', async () => {
      const ok = await c.call('POST', '/api/auth/login', null, ADMIN);
      assert.equal(ok.status, 200);
      assert.equal(ok.json.role, 'admin');
      assert.ok(typeof ok.json.token === 'string' && ok.json.token.length > 40);
      assert.ok(Date.parse(ok.json.expiresAt) > c.now.value.getTime());
      const bad = await c.call('POST', '/api/auth/login', null, { username: ADMIN.username, password: 'nope' });
      assert.equal(bad.status, 401);
      assert.equal(bad.json.error.code, 'INVALID_CREDENTIALS');
      const unknown = await c.call('POST', '/api/auth/login', null, { username: 'ghost', password: 'nope' });
      assert.equal(unknown.status, 401);
      const malformed = await c.call('POST', '/api/auth/login', null, { username: '' });
      assert.equal(malformed.status, 400);
      assert.equal(malformed.json.error.code, 'VALIDATION');
      assert.ok(Array.isArray(malformed.json.error.details.issues));
    });

    it('tokens are stored hashed, never in clear', async () => {
      const rows = await c.db.selectFrom('sessions').select('token_hash').execute();
      assert.ok(rows.length >= 2);
      assert.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.token_hash) && r.token_hash !== c.adminToken));
    });

    it('no token, a bad token, or an expired session is refused', async () => {
      assert.equal((await c.call('GET', '/api/products', null)).status, 401);
      assert.equal((await c.call('GET', '/api/products', 'cu_bogus')).status, 401);
      const saved = c.now.value;
      c.now.value = new Date(saved.getTime() + 13 * 3600 * 1000);
      try {
        assert.equal((await c.call('GET', '/api/products', c.adminToken)).status, 401);
      } finally {
        c.now.value = saved;
      }
      assert.equal((await c.call('GET', '/api/products', c.adminToken)).status, 200);
    });

    it('a cashier has no access to the back-office API', async () => {
      const login = await c.call('POST', '/api/auth/login', null, { username: CASHIER.username, password: CASHIER.password });
      assert.equal(login.status, 200);
      assert.equal(login.json.role, 'cashier');
      for (const url of ['/api/products', '/api/registers', '/api/tickets', '/api/customers', '/api/tamper-alerts']) {
        const r = await c.call('GET', url, login.json.token);
        assert.equal(r.status, 403, url);
        assert.equal(r.json.error.code, 'FORBIDDEN');
      }
    });

    it('a manager may not create registers or users, an admin may', async () => {
      assert.equal((await c.call('POST', '/api/registers', c.managerToken, { name: 'X' })).status, 403);
      assert.equal((await c.call('POST', '/api/users', c.managerToken, { username: 'x', displayName: 'X', role: 'cashier', pin: '1111' })).status, 403);
      assert.equal((await c.call('GET', '/api/registers', c.managerToken)).status, 200);
      const u = await c.call('POST', '/api/users', c.adminToken, { username: 'paul', displayName: 'Paul', role: 'cashier', pin: '4321' });
      assert.equal(u.status, 201);
      assert.equal(u.json.role, 'cashier');
      assert.equal(u.json.hasPin, true);
      assert.equal(u.json.storeId, c.storeId);
      const row = await c.db.selectFrom('users').select('pin_hash').where('username', '=', 'paul').executeTakeFirstOrThrow();
      assert.equal(await verifySecret('4321', row.pin_hash), true);
      const dup = await c.call('POST', '/api/users', c.adminToken, { username: 'paul', displayName: 'Paul', role: 'cashier', pin: '4321' });
      assert.equal(dup.status, 409);
      const noPin = await c.call('POST', '/api/users', c.adminToken, { username: 'pierre', displayName: 'P', role: 'cashier' });
      assert.equal(noPin.status, 400);
    });

    it('a register token may call only /api/sync/*, a user token no sync route', async () => {
      const reg = await c.enrolRegister();
      const r = await c.call('GET', '/api/products', reg.token);
      assert.equal(r.status, 403);
      const hb = await c.call('POST', '/api/sync/heartbeat', c.adminToken, {
        mode: 'connected', pendingRecords: 0, lastSosCopyAt: null, lastSosCopyKind: null, sosChecksum: null, changeVersion: 0, autonomousSince: null,
      });
      assert.equal(hb.status, 403);
      assert.equal((await c.call('GET', '/api/sync/snapshot', null)).status, 401);
    });

    it('unknown routes answer a coded 404', async () => {
      const r = await c.call('GET', '/api/nothing-here', null);
      assert.equal(r.status, 404);
      assert.equal(r.json.error.code, 'NOT_FOUND');
    });
  });
}
