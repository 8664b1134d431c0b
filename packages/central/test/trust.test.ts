import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ADMIN, CASHIER, DIALECTS, MANAGER, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';
import { Writable } from 'node:stream';
import pino from 'pino';
import { generateSigningKeyPair } from '@comptoir/domain';

// Trust on central (issue 9): the copy schedule's floor; sessions that end; throttled logins and enrolments;
// revocable register tokens, re-enrolment codes and their expiry.

after(stopSharedPostgres);

/** Calls `call` until it answers 401, for at most `ms`; returns that answer (or the last one, which the caller's assertion then refuses). */
async function refusedWithin(ms: number, call: () => Promise<{ status: number; json: any }>): Promise<{ status: number; json: any }> {
  const end = Date.now() + ms;
  for (;;) {
    const r = await call();
    if (r.status === 401 || Date.now() >= end) return r;
    await new Promise((done) => setTimeout(done, 20));
  }
}

for (const dialect of DIALECTS) {
  describe(`copy schedule floor [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let lowered: TestCentral;
    let reg: FakeRegister;
    before(async () => {
      c = await startTestCentral(dialect);
      reg = await c.enrolRegister('Caisse 1');
      lowered = await startTestCentral(dialect, { minSosIntervalSeconds: 60 });
    });
    after(async () => {
      await c?.close();
      await lowered?.close();
    });

    it('refuses an expression firing more often than every 15 minutes, naming it; stores nothing', async () => {
      const put = (cron: string[], central = c, id = reg.id) => central.call('PUT', `/api/registers/${id}/sos-schedule`, central.managerToken, { cron });
      assert.equal((await put(['0 0 6 * * *'])).status, 200);
      for (const frequent of ['* * * * * *', '*/5 * * * *', '0 0,10 12 * * *', '0 */14 * * * *']) {
        const bad = await put(['0 30 12 * * *', frequent]);
        assert.equal(bad.status, 400, frequent);
        assert.equal(bad.json.error.code, 'VALIDATION');
        assert.ok(bad.json.error.message.includes(`"${frequent}"`), `the message names ${frequent}: ${bad.json.error.message}`);
        assert.deepEqual(bad.json.error.details.invalid.map((i: { index: number; expression: string }) => [i.index, i.expression]), [[1, frequent]]);
        assert.match(bad.json.error.details.invalid[0].reason, /900 s/);
      }
      const fleet = await c.call('GET', '/api/registers', c.managerToken);
      assert.deepEqual(fleet.json.items.find((r: { id: string }) => r.id === reg.id).sosSchedule, ['0 0 6 * * *'], 'refusals stored nothing');
      // Exactly every 15 minutes, hourly, or twice a day: allowed.
      for (const fine of [['*/15 * * * *'], ['0 0,15,30,45 * * * *'], ['0 0 * * * *'], ['0 0 6 * * *', '0 0 13 * * *']]) {
        const ok = await put(fine);
        assert.equal(ok.status, 200, `${fine.join(' | ')}: ${JSON.stringify(ok.json)}`);
        assert.deepEqual(ok.json.sosSchedule, fine);
      }
    });

    it('the floor is a setting: a central started with 60 s accepts every minute, not every 30 s', async () => {
      const r = await lowered.enrolRegister('Caisse 9');
      const put = (cron: string[]) => lowered.call('PUT', `/api/registers/${r.id}/sos-schedule`, lowered.adminToken, { cron });
      assert.equal((await put(['* * * * *'])).status, 200);
      const bad = await put(['*/30 * * * * *']);
      assert.equal(bad.status, 400);
      assert.equal(bad.json.error.details.minIntervalSeconds, 60);
      assert.match(bad.json.error.message, /"\*\/30 \* \* \* \* \*"/);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`sessions end [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let other: Awaited<ReturnType<TestCentral['anotherInstance']>>;
    before(async () => {
      c = await startTestCentral(dialect);
      other = await c.anotherInstance();
    });
    after(async () => {
      await other?.close();
      await c?.close();
    });
    const login = async (u: { username: string; password: string }) => {
      const r = await c.call('POST', '/api/auth/login', null, u);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r.json.token as string;
    };
    /** The status a token gets on a staff route, on the first and on the second instance. */
    const seenAs = async (token: string) => [(await c.call('GET', '/api/registers', token)).status, (await other.call('GET', '/api/registers', token)).status];

    it('POST /api/auth/logout ends only the caller\'s own session, on every instance', async () => {
      const [first, second] = [await login(MANAGER), await login(MANAGER)];
      assert.deepEqual(await seenAs(first), [200, 200]);
      const out = await other.call('POST', '/api/auth/logout', first);
      assert.equal(out.status, 204);
      assert.equal(out.json, null);
      assert.deepEqual(await seenAs(first), [401, 401], 'the token is dead on both instances');
      assert.deepEqual(await seenAs(second), [200, 200], 'the other session of the same user stays');
      assert.equal((await c.call('POST', '/api/auth/logout', first)).status, 401, 'a dead token cannot log out');
      assert.equal((await c.call('POST', '/api/auth/logout', null)).status, 401);
      // A cashier (no back-office rights) may still end their own session.
      const cashier = await login({ username: CASHIER.username, password: CASHIER.password });
      assert.equal((await c.call('GET', '/api/registers', cashier)).status, 403);
      assert.equal((await c.call('POST', '/api/auth/logout', cashier)).status, 204);
      assert.equal((await c.call('GET', '/api/registers', cashier)).status, 401);
    });

    it('a password change, a role change, a deactivation end that user\'s sessions at once; a display name does not', async () => {
      const patch = (body: object) => c.call('PATCH', '/api/users/u-manager', c.adminToken, body);
      let token = await login(MANAGER);
      const bystander = await login(ADMIN);
      assert.equal((await patch({ displayName: 'Gérante principale' })).status, 200);
      assert.deepEqual(await seenAs(token), [200, 200], 'a new display name keeps the session');

      assert.equal((await patch({ password: 'manager-password-2' })).status, 200);
      assert.deepEqual(await seenAs(token), [401, 401], 'password changed: old session gone everywhere');
      assert.equal((await c.call('POST', '/api/auth/login', null, MANAGER)).status, 401, 'the old password no longer works');
      const m2 = { username: MANAGER.username, password: 'manager-password-2' };
      token = await login(m2);

      assert.equal((await patch({ role: 'admin' })).status, 200);
      assert.deepEqual(await seenAs(token), [401, 401], 'role changed');
      token = await login(m2);
      assert.equal((await patch({ role: 'manager' })).status, 200);
      token = await login(m2);

      assert.equal((await patch({ active: false })).status, 200);
      assert.deepEqual(await seenAs(token), [401, 401], 'deactivated');
      const rows = await c.db.selectFrom('sessions').select('user_id').where('user_id', '=', 'u-manager').execute();
      assert.equal(rows.length, 0, 'no session row of the manager is left');
      assert.deepEqual(await seenAs(bystander), [200, 200], 'other users keep theirs');
      assert.equal((await patch({ active: true })).status, 200);
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`login and enrolment throttling [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let other: Awaited<ReturnType<TestCentral['anotherInstance']>>;
    const logs: string[] = [];
    before(async () => {
      const sink = new Writable({ write: (chunk, _enc, done) => (logs.push(String(chunk)), done()) });
      c = await startTestCentral(dialect, { logger: pino({ level: 'warn' }, sink) });
      other = await c.anotherInstance();
    });
    after(async () => {
      await other?.close();
      await c?.close();
    });
    /** A call from a given client address (what the throttle sees as request.ip). */
    const from = async (address: string, method: 'POST' | 'GET', url: string, body?: object, token?: string, app = c.app) => {
      const res = await app.inject({ method, url, remoteAddress: address, ...(body ? { payload: body } : {}), headers: token ? { authorization: `Bearer ${token}` } : {} });
      return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : null, retryAfter: res.headers['retry-after'] };
    };
    const advance = (ms: number) => (c.now.value = new Date(c.now.value.getTime() + ms));

    it('per account: 5 wrong passwords, then even the right one is 429 + Retry-After, on every instance; the lock grows', async () => {
      for (let i = 0; i < 5; i++) assert.equal((await from(`10.0.1.${i}`, 'POST', '/api/auth/login', { ...MANAGER, password: 'wrong' })).status, 401);
      const locked = await from('10.0.1.99', 'POST', '/api/auth/login', MANAGER);
      assert.equal(locked.status, 429, JSON.stringify(locked.json));
      assert.equal(locked.json.error.code, 'TOO_MANY_ATTEMPTS');
      assert.equal(locked.retryAfter, '30');
      const elsewhere = await other.call('POST', '/api/auth/login', null, MANAGER);
      assert.equal(elsewhere.status, 429, 'the other instance sees the same lock (counters in the database)');
      assert.ok(logs.some((l) => l.includes('login locked') && l.includes(`login:${MANAGER.username}`)), 'the lockout is logged');
      advance(31_000);
      // Lock over: one more wrong guess locks again, twice as long.
      assert.equal((await from('10.0.1.98', 'POST', '/api/auth/login', { ...MANAGER, password: 'wrong' })).status, 401);
      const longer = await from('10.0.1.97', 'POST', '/api/auth/login', MANAGER);
      assert.equal(longer.status, 429);
      assert.equal(longer.retryAfter, '60');
      advance(61_000);
      assert.equal((await from('10.0.1.96', 'POST', '/api/auth/login', MANAGER)).status, 200, 'after the lock the right password works');
      // …and the success ended the run: 4 failures lock nothing.
      for (let i = 0; i < 4; i++) assert.equal((await from('10.0.1.95', 'POST', '/api/auth/login', { ...MANAGER, password: 'wrong' })).status, 401);
      assert.equal((await from('10.0.1.94', 'POST', '/api/auth/login', MANAGER)).status, 200);
      // Other accounts were never touched.
      assert.equal((await from('10.0.1.1', 'POST', '/api/auth/login', ADMIN)).status, 200);
    });

    it('per address: guesses at many accounts from one address lock that address only', async () => {
      for (let i = 0; i < 5; i++) assert.equal((await from('10.0.2.1', 'POST', '/api/auth/login', { username: `nobody${i}`, password: 'x' })).status, 401);
      const locked = await from('10.0.2.1', 'POST', '/api/auth/login', ADMIN);
      assert.equal(locked.status, 429);
      assert.ok(Number(locked.retryAfter) >= 1);
      assert.equal((await from('10.0.2.2', 'POST', '/api/auth/login', ADMIN)).status, 200, 'another address logs in');
    });

    it('enrolment: wrong codes lock the address (429 even for a valid code); successes never count; the sync API is never throttled', async () => {
      const reg = await c.enrolRegister('Caisse 1');
      const create = async () => (await c.call('POST', '/api/registers', c.adminToken, { name: 'Caisse' })).json.enrolCode as string;
      const enrol = (address: string, enrolCode: string) => from(address, 'POST', '/api/registers/enrol', { enrolCode, publicKeyPem: generateSigningKeyPair().publicKeyPem });
      // A chain's store enrols many tills through one NAT address: all succeed.
      for (let i = 0; i < 8; i++) assert.equal((await enrol('10.0.3.1', await create())).status, 200, `till ${i + 1}`);
      for (let i = 0; i < 5; i++) {
        const bad = await enrol('10.0.3.2', 'ABCDEFGHJK');
        assert.equal(bad.status, 401);
        assert.equal(bad.json.error.code, 'ENROL_CODE_INVALID');
      }
      const code = await create();
      const locked = await enrol('10.0.3.2', code);
      assert.equal(locked.status, 429);
      assert.equal(locked.json.error.code, 'TOO_MANY_ATTEMPTS');
      assert.equal(locked.retryAfter, '30');
      assert.equal((await enrol('10.0.3.3', code)).status, 200, 'the code was not used by the refused attempt');
      // An enrolled register behind the locked address syncs as usual.
      const hb = await from('10.0.3.2', 'POST', '/api/sync/heartbeat', { mode: 'connected', pendingRecords: 0, lastSosCopyAt: null, lastSosCopyKind: null, sosChecksum: null, changeVersion: 0, autonomousSince: null }, reg.token);
      assert.equal(hb.status, 200, JSON.stringify(hb.json));
      const rows = await c.db.selectFrom('login_failures').select(['key', 'failures']).where('key', '=', 'enrol:10.0.3.1').execute();
      assert.deepEqual(rows, [], 'successful enrolments left no count');
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`register tokens and enrolment codes [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let other: Awaited<ReturnType<TestCentral['anotherInstance']>>;
    before(async () => {
      c = await startTestCentral(dialect);
      other = await c.anotherInstance();
    });
    after(async () => {
      await other?.close();
      await c?.close();
    });
    const HB = { mode: 'connected', pendingRecords: 0, lastSosCopyAt: null, lastSosCopyKind: null, sosChecksum: null, changeVersion: 0, autonomousSince: null };
    const fleetRow = async (id: string) => (await c.call('GET', '/api/registers', c.adminToken)).json.items.find((r: { id: string }) => r.id === id);

    it('revoke (admin): the token answers 401 at once here and within a second on every other instance, the fleet shows it revoked', async () => {
      const reg = await c.enrolRegister('Caisse volée');
      assert.equal((await other.call('POST', '/api/sync/heartbeat', reg.token, HB)).status, 200);
      assert.equal((await c.call('POST', `/api/registers/${reg.id}/revoke`, c.managerToken)).status, 403, 'a manager may not');
      assert.equal((await c.call('POST', '/api/registers/nope/revoke', c.adminToken)).status, 404);
      const revoked = await c.call('POST', `/api/registers/${reg.id}/revoke`, c.adminToken);
      assert.equal(revoked.status, 200, JSON.stringify(revoked.json));
      assert.equal(revoked.json.revokedAt, c.now.value.toISOString());
      for (const central of [c, other]) {
        // The other instance remembered the token (PostgreSQL): it forgets it when the NOTIFY arrives (modules/fleet/presence.ts).
        const hb = central === c ? await central.call('POST', '/api/sync/heartbeat', reg.token, HB) : await refusedWithin(1000, () => central.call('POST', '/api/sync/heartbeat', reg.token, HB));
        assert.equal(hb.status, 401);
        assert.equal(hb.json.error.code, 'UNAUTHENTICATED');
        assert.match(hb.json.error.message, /revoked/);
        assert.equal((await central.call('GET', '/api/sync/changes?since=0', reg.token)).status, 401);
      }
      const row = await fleetRow(reg.id);
      assert.equal(row.revokedAt, revoked.json.revokedAt);
      assert.equal(row.enrolled, true, 'the §8 fields stay');
      assert.equal(row.enrolCodeExpiresAt, null);
    });

    it('enrol-code (admin): a replaced till re-enrols under a new key; the old token dies, the revocation is lifted', async () => {
      const reg = await c.enrolRegister('Caisse remplacée');
      await c.call('POST', `/api/registers/${reg.id}/revoke`, c.adminToken);
      assert.equal((await c.call('POST', `/api/registers/${reg.id}/enrol-code`, c.managerToken)).status, 403);
      assert.equal((await c.call('POST', '/api/registers/nope/enrol-code', c.adminToken)).status, 404);
      const issued = await c.call('POST', `/api/registers/${reg.id}/enrol-code`, c.adminToken);
      assert.equal(issued.status, 201, JSON.stringify(issued.json));
      assert.match(issued.json.enrolCode, /^[A-Z0-9]{10}$/);
      assert.equal(issued.json.enrolCodeExpiresAt, new Date(c.now.value.getTime() + 24 * 3600_000).toISOString(), '24 h by default');
      assert.equal((await fleetRow(reg.id)).enrolCodeExpiresAt, issued.json.enrolCodeExpiresAt);
      const keys = generateSigningKeyPair();
      const enrolled = await c.call('POST', '/api/registers/enrol', null, { enrolCode: issued.json.enrolCode, publicKeyPem: keys.publicKeyPem });
      assert.equal(enrolled.status, 200, JSON.stringify(enrolled.json));
      assert.equal(enrolled.json.registerId, reg.id);
      assert.equal((await c.call('POST', '/api/sync/heartbeat', enrolled.json.token, HB)).status, 200, 'the new token works');
      assert.equal((await c.call('POST', '/api/sync/heartbeat', reg.token, HB)).status, 401, 'the old one does not');
      const row = await fleetRow(reg.id);
      assert.equal(row.revokedAt, null);
      assert.equal(row.enrolCodeExpiresAt, null, 'no code pending');
      assert.equal((await c.call('GET', `/api/registers/${reg.id}/keys`, c.adminToken)).json.items.length, 2, 'both keys kept');
      assert.equal((await c.call('POST', '/api/registers/enrol', null, { enrolCode: issued.json.enrolCode, publicKeyPem: keys.publicKeyPem })).status, 401, 'used once');
    });

    it('enrolment codes expire (24 h by default): an expired code is refused and stores nothing', async () => {
      const created = await c.call('POST', '/api/registers', c.adminToken, { name: 'Caisse en retard' });
      assert.equal(created.status, 201);
      assert.equal(created.json.enrolCodeExpiresAt, new Date(c.now.value.getTime() + 24 * 3600_000).toISOString());
      const saved = c.now.value;
      c.now.value = new Date(Date.parse(created.json.enrolCodeExpiresAt) + 1000);
      try {
        const late = await c.call('POST', '/api/registers/enrol', null, { enrolCode: created.json.enrolCode, publicKeyPem: generateSigningKeyPair().publicKeyPem });
        assert.equal(late.status, 401);
        assert.equal(late.json.error.code, 'ENROL_CODE_INVALID');
        const row = await c.db.selectFrom('registers').select(['enrolled_at', 'token_hash']).where('id', '=', created.json.id).executeTakeFirstOrThrow();
        assert.deepEqual(row, { enrolled_at: null, token_hash: null }, 'not enrolled');
      } finally {
        c.now.value = saved;
      }
      const onTime = await c.call('POST', '/api/registers/enrol', null, { enrolCode: created.json.enrolCode, publicKeyPem: generateSigningKeyPair().publicKeyPem });
      assert.equal(onTime.status, 200, 'before expiry it works');
    });
  });
}
