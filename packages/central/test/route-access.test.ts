// Refuse by default on central (docs/security.md): every route says who may call it in
// `config: { access }`, and one guard (src/modules/auth/auth.guard.ts) checks it. This test
// enumerates the routes of the real app (`declaredRoutes()`, as the register's route-access test
// does): a new route without a rule fails here, the public ones are exactly the expected few, and
// over real HTTP every guarded route refuses a caller without a token, a cashier, a register token
// off the sync API, and a manager on admin routes. A route that forgets its rule is staff-only.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '@comptoir/protocol';
import { buildCentral } from '../src/app';
import { CASHIER, startTestCentral, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

/**
 * Routes a plugin adds inside publicUndocumented, public by construction: the back office's files
 * (@fastify/static adds one route per built file — /index.html, /assets/… — and the app's /*) and
 * /api/docs. Everything else under /api, and /metrics, must be in the lists below.
 */
const PLUGIN_ROUTES = /^\/(?!api\/|metrics$)|^\/api\/docs/;
const PUBLIC_API = ['GET /api/health', 'GET /api/openapi.json', 'POST /api/auth/login', 'POST /api/registers/enrol'];

describe('central routes declare who may call them', () => {
  let c: TestCentral;
  let url: string;
  let reg: FakeRegister;
  let cashierToken: string;
  const routes = () => c.app.declaredRoutes().filter((r) => r.method !== 'HEAD');
  const call = async (method: string, path: string, token: string | null) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION), ...(token ? { authorization: `Bearer ${token}` } : {}), ...(method === 'GET' ? {} : { 'content-type': 'application/json' }) },
      ...(method === 'GET' ? {} : { body: '{}' }),
    });
    return { status: res.status, text: await res.text() };
  };
  const concrete = (u: string) => u.replace(/:[A-Za-z]+/g, '1');

  before(async () => {
    c = await startTestCentral('sqlite', { metricsToken: 'metrics-token-of-the-route-test' });
    reg = await c.enrolRegister('Caisse des accès');
    // A cashier may sign in (a session with the role cashier), but reaches no back-office route.
    const login = await c.call('POST', '/api/auth/login', null, { username: CASHIER.username, password: CASHIER.password });
    assert.equal(login.status, 200);
    cashierToken = login.json.token;
    await c.app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(c.app.server.address() as AddressInfo).port}`;
  });
  after(async () => c?.close());

  test('every route of the app declares its access; the public API routes are exactly the expected ones', () => {
    const all = routes();
    assert.ok(all.length >= 60, `the routes are enumerated (${all.length})`);
    const undeclared = all.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(undeclared, [], `routes without config.access: ${undeclared.join(', ')}`);
    const pub = all.filter((r) => r.access === 'public' && !PLUGIN_ROUTES.test(r.url)).map((r) => `${r.method} ${r.url}`).sort();
    assert.deepEqual(pub, PUBLIC_API, 'the only public API routes');
    const register = all.filter((r) => r.access === 'register').map((r) => r.url);
    assert.ok(register.length >= 5 && register.every((u) => u.startsWith('/api/sync/')), `register tokens reach only /api/sync/*: ${register.join(', ')}`);
    assert.ok(all.filter((r) => r.url.startsWith('/api/sync/')).every((r) => r.access === 'register'), 'and every sync route wants one');
    assert.deepEqual(all.filter((r) => r.access === 'metrics').map((r) => `${r.method} ${r.url}`), ['GET /metrics']);
  });

  test('over HTTP, every guarded route refuses no token (401) and a register token off the sync API (403)', async () => {
    const guarded = routes().filter((r) => r.access !== 'public');
    assert.ok(guarded.length >= 55);
    for (const r of guarded) {
      const path = concrete(r.url);
      const anonymous = await call(r.method, path, null);
      assert.equal(anonymous.status, 401, `${r.method} ${r.url} without a token: ${anonymous.status} ${anonymous.text.slice(0, 200)}`);
      if (r.access !== 'register' && r.access !== 'metrics') {
        const asRegister = await call(r.method, path, reg.token);
        assert.equal(asRegister.status, 403, `${r.method} ${r.url} with a register token: ${asRegister.status}`);
      }
    }
  });

  test('admin routes refuse a manager (403); user routes refuse a cashier; sync routes refuse an admin', async () => {
    const all = routes();
    const admin = all.filter((r) => r.access === 'admin');
    assert.ok(admin.length >= 10, `admin routes: ${admin.length}`);
    for (const r of admin) {
      const res = await call(r.method, concrete(r.url), c.managerToken);
      assert.equal(res.status, 403, `${r.method} ${r.url} as a manager: ${res.status} ${res.text.slice(0, 200)}`);
    }
    for (const r of all.filter((x) => x.access === 'staff' || x.access === 'admin')) {
      assert.equal((await call(r.method, concrete(r.url), cashierToken)).status, 403, `${r.method} ${r.url} as a cashier`);
    }
    for (const r of all.filter((x) => x.access === 'register')) {
      assert.equal((await call(r.method, concrete(r.url), c.adminToken)).status, 403, `${r.method} ${r.url} with a user's session`);
    }
  });

  test('a route that forgets to declare its access is staff-only, never public', async () => {
    const app = buildCentral({ db: c.db, dialect: c.dialect, clock: () => c.now.value });
    app.register(async (scope) => {
      scope.get('/api/forgotten', async () => ({ secret: true }));
    });
    await app.ready();
    try {
      assert.equal(app.declaredRoutes().find((r) => r.url === '/api/forgotten')?.access, undefined, 'it declared nothing');
      const anonymous = await app.inject({ method: 'GET', url: '/api/forgotten' });
      assert.equal(anonymous.statusCode, 401, anonymous.body);
      assert.equal(anonymous.json().error.code, 'UNAUTHENTICATED');
      const asRegister = await app.inject({ method: 'GET', url: '/api/forgotten', headers: { authorization: `Bearer ${reg.token}` } });
      assert.equal(asRegister.statusCode, 403);
      const asManager = await app.inject({ method: 'GET', url: '/api/forgotten', headers: { authorization: `Bearer ${c.managerToken}` } });
      assert.equal(asManager.statusCode, 200, 'staff: a manager may');
    } finally {
      await app.close();
    }
  });
});
