// Refuse by default on the register (docs/security.md): every route says who may call it in
// `config: { access }`, and one guard (src/auth/session.guard.ts) checks it. This test enumerates
// the routes of the real app: one that says nothing fails here, and is never public meanwhile.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRegister, type RunningRegister } from '../src/index';
import { api } from './helpers';
import { centralPerFile } from './support/central';
import { startEnrolledRegister, type EnrolledRegister } from './support/enrolled-register';

const centralOfFile = centralPerFile();

/** Routes a plugin adds inside publicUndocumented (the screen's files, /api/docs): public by construction. */
const PLUGIN_ROUTES = /^\/(assets\/|\*$|api\/docs)/;

describe('register routes declare who may call them', () => {
  let env: EnrolledRegister;
  let reg: RunningRegister;

  before(async () => {
    // Enrolled: an unenrolled register refuses most routes earlier (409 NOT_ENROLLED).
    env = await startEnrolledRegister(await centralOfFile(), 'Caisse des accès');
    reg = env.reg;
  });
  after(async () => env?.close());

  test('every route of the app declares its access', () => {
    const routes = reg.app.declaredRoutes().filter((r) => r.method !== 'HEAD');
    assert.ok(routes.length >= 30, `the routes are enumerated (${routes.length})`);
    const undeclared = routes.filter((r) => r.access === undefined).map((r) => `${r.method} ${r.url}`);
    assert.deepEqual(undeclared, [], `routes without config.access: ${undeclared.join(', ')}`);
    const pub = routes.filter((r) => r.access === 'public' && !PLUGIN_ROUTES.test(r.url)).map((r) => `${r.method} ${r.url}`).sort();
    assert.deepEqual(pub, ['GET /api/openapi.json', 'GET /api/status', 'GET /metrics', 'POST /api/auth/login'], 'the only public API routes');
  });

  test('GET /metrics without a metrics token is disabled: 404 with a coded error, never the screen', async () => {
    const res = await fetch(`${reg.url}/metrics`, { headers: { authorization: 'Bearer any-token-0123456789abcdef' } });
    assert.equal(res.status, 404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'NOT_FOUND');
    assert.match(body.error.message, /COMPTOIR_METRICS_TOKEN/);
  });

  test('every non-public route refuses a caller without a session (401), over HTTP', async () => {
    const guarded = reg.app.declaredRoutes().filter((r) => r.method !== 'HEAD' && r.access !== 'public');
    assert.ok(guarded.length >= 25);
    for (const r of guarded) {
      const path = r.url.replace(/:[A-Za-z]+/g, '1');
      const res = await api(reg.url, r.method, path, r.method === 'GET' ? {} : { body: {} });
      assert.equal(res.status, 401, `${r.method} ${r.url} without a token: ${res.status} ${JSON.stringify(res.body)}`);
    }
  });

  test('a route that forgets to declare its access needs a cashier session, never nothing', async () => {
    const app = buildRegister({ ctx: reg.ctx, agent: reg.agent });
    app.register(async (scope) => {
      scope.get('/api/forgotten', async () => ({ secret: true }));
    });
    await app.ready();
    try {
      assert.equal(app.declaredRoutes().find((r) => r.url === '/api/forgotten')?.access, undefined, 'it declared nothing');
      const res = await app.inject({ method: 'GET', url: '/api/forgotten' });
      assert.equal(res.statusCode, 401, res.body);
      assert.equal(res.json().error.code, 'UNAUTHENTICATED');
    } finally {
      await app.close();
    }
  });
});
