// The one HTTP client (`@comptoir/protocol`'s createApiClient) against a real server that installs
// the one HTTP contract: every failure is an ApiError with the server's code, status, message and
// field issues; a typed endpoint's answer is checked against its schema; nobody answering is status 0.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ApiError, ComptoirError, createApiClient, endpoint, screenSession } from '@comptoir/protocol';
import { installHttpContract, type ZodTypeProvider } from '../src/index';

const Line = z.object({ sku: z.string().min(1), quantity: z.number().int().positive() });
const SaleBody = z.object({ lines: z.array(Line).min(1) });
const SaleAnswer = z.object({ n: z.number(), by: z.string().nullable() });

const sale = endpoint('POST', '/api/sales', { body: SaleBody, response: SaleAnswer });
const item = endpoint('GET', '/api/items/:n', { response: z.object({ n: z.number(), q: z.string().nullable() }) });
/** What a client believes the server answers, while the server answers something else. */
const wrong = endpoint('GET', '/api/items/:n', { response: z.object({ n: z.string() }) });

describe('the one API client', () => {
  let app: FastifyInstance;
  let base: string;

  before(async () => {
    app = Fastify({ logger: false });
    installHttpContract(app, { title: 't', description: 'd', version: '1' });
    app.register(async (scope) => {
      const api = scope.withTypeProvider<ZodTypeProvider>();
      api.post('/api/sales', { schema: { body: SaleBody, response: { 200: SaleAnswer } } }, async (req) => ({
        n: req.body.lines.length,
        by: req.headers.authorization ?? null,
      }));
      api.get('/api/items/:n', { schema: { params: z.object({ n: z.coerce.number().int().positive() }), querystring: z.object({ q: z.string().max(3).optional() }) } }, async (req) => ({
        n: req.params.n,
        q: req.query.q ?? null,
      }));
      api.get('/api/refused', async () => {
        throw new ComptoirError('SALE_REFUSED', 'not today', { reason: 'closed' });
      });
      api.get('/api/private', async (req) => {
        if (req.headers.authorization !== 'Bearer good') throw new ComptoirError('UNAUTHENTICATED', 'log in first');
        return { ok: true };
      });
      api.post('/api/csv', async (req, reply) => reply.type('text/plain').send(`got ${String(req.headers['content-type'])}: ${String(req.body)}`));
      api.addContentTypeParser('text/csv', { parseAs: 'string' }, (_r, body, done) => done(null, body));
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  after(async () => app?.close());

  it('calls a typed endpoint: path parameters, query, token, and the answer parsed by its schema', async () => {
    const client = createApiClient({ baseUrl: base, token: () => 'abc' });
    const r = await client.call(sale, { body: { lines: [{ sku: 'A', quantity: 2 }] } });
    assert.deepEqual(r, { n: 1, by: 'Bearer abc' });
    assert.deepEqual(await client.call(item, { params: { n: 7 }, query: { q: 'ab', skipped: undefined, empty: '' } }), { n: 7, q: 'ab' });
    assert.deepEqual(await client.call(sale, { body: { lines: [{ sku: 'B', quantity: 1 }] }, token: null }), { n: 1, by: null });
  });

  it("a refusal is an ApiError with the server's code, status, message and details", async () => {
    const client = createApiClient({ baseUrl: base });
    const e = await client.json('GET', '/api/refused').catch((x: unknown) => x);
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 422);
    assert.equal(e.code, 'SALE_REFUSED');
    assert.equal(e.message, 'not today');
    assert.deepEqual(e.details, { reason: 'closed' });
    assert.deepEqual(e.issues, []);
    const unknown = await client.json('GET', '/api/nowhere').catch((x: unknown) => x);
    assert.ok(unknown instanceof ApiError);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.code, 'NOT_FOUND');
  });

  it('a 400 VALIDATION carries its field issues', async () => {
    const client = createApiClient({ baseUrl: base });
    // Deliberately outside the schema (the type would refuse it): the server is the judge.
    const e = await client.call(sale, { body: { lines: [{ sku: '', quantity: 0 }] } as never }).catch((x: unknown) => x);
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 400);
    assert.equal(e.code, 'VALIDATION');
    assert.deepEqual(e.issues.map((i) => i.path).sort(), ['lines.0.quantity', 'lines.0.sku']);
    assert.ok(e.issues.every((i) => i.message.length > 0));
  });

  it('an answer outside its schema is BAD_RESPONSE, unless validation is off', async () => {
    const e = await createApiClient({ baseUrl: base }).call(wrong, { params: { n: 3 } }).catch((x: unknown) => x);
    assert.ok(e instanceof ApiError);
    assert.equal(e.code, 'BAD_RESPONSE');
    assert.match(e.message, /GET \/api\/items\/3 answered outside its schema: n: /);
    assert.deepEqual(await createApiClient({ baseUrl: base, validateResponses: false }).call(wrong, { params: { n: 3 } }), { n: 3, q: null });
  });

  it('json() by method and path checks the answer when its endpoints know the route', async () => {
    const checked = createApiClient({ baseUrl: base, endpoints: { wrong } });
    assert.equal((await checked.json('GET', '/api/items/3').catch((x: ApiError) => x) as ApiError).code, 'BAD_RESPONSE');
    assert.deepEqual(await createApiClient({ baseUrl: base, endpoints: { item } }).json('GET', '/api/items/3?q=x'), { n: 3, q: 'x' });
  });

  it('a 401 to a call that carried a token ends the session; one without a token does not', async () => {
    let lost = 0;
    const client = createApiClient({ baseUrl: base, token: 'stale', onUnauthenticated: () => lost++ });
    const e = await client.json('GET', '/api/private').catch((x: unknown) => x);
    assert.ok(e instanceof ApiError && e.status === 401 && e.code === 'UNAUTHENTICATED');
    assert.equal(lost, 1);
    await client.json('GET', '/api/private', { token: null }).catch(() => undefined);
    assert.equal(lost, 1);
    assert.deepEqual(await client.json('GET', '/api/private', { token: 'good' }), { ok: true });
  });

  it("a screen's session: its token on every call, and told once the server ends it", async () => {
    const session = screenSession();
    let lost = 0;
    session.onSessionLost(() => lost++);
    const client = createApiClient({ baseUrl: base, session });
    await client.json('GET', '/api/private').catch(() => undefined);
    assert.equal(lost, 0, 'no token yet: nothing to lose');
    session.setToken('good');
    assert.deepEqual(await client.json('GET', '/api/private'), { ok: true });
    session.setToken('expired');
    await assert.rejects(client.json('GET', '/api/private'), (e: unknown) => e instanceof ApiError && e.status === 401);
    assert.equal(lost, 1);
  });

  it('sends text bodies as is and hands back raw answers', async () => {
    const client = createApiClient({ baseUrl: base });
    const res = await client.send('POST', '/api/csv', { text: 'sku;label' });
    assert.equal(await res.text(), 'got text/csv: sku;label');
  });

  it('exchange() answers any status without throwing (the tests’ view)', async () => {
    const client = createApiClient({ baseUrl: base });
    const r = await client.exchange('GET', '/api/refused');
    assert.equal(r.status, 422);
    assert.equal(r.body.error.code, 'SALE_REFUSED');
    assert.equal((await client.exchange('POST', '/api/csv', { text: 'x' })).body, 'got text/csv: x');
  });

  it('nobody answering is status 0 with the client’s code; a silent server hits the deadline', async () => {
    const closed = Fastify();
    const url = await closed.listen({ port: 0, host: '127.0.0.1' });
    await closed.close();
    const e = await createApiClient({ baseUrl: url, unreachableCode: 'AGENT_UNREACHABLE' }).json('GET', '/api/status').catch((x: unknown) => x);
    assert.ok(e instanceof ApiError);
    assert.equal(e.status, 0);
    assert.equal(e.code, 'AGENT_UNREACHABLE');
    assert.match(e.message, /ECONNREFUSED/);

    const silent = Fastify({ forceCloseConnections: true });
    silent.get('/api/slow', () => new Promise(() => {}));
    const slowUrl = await silent.listen({ port: 0, host: '127.0.0.1' });
    try {
      const t = await createApiClient({ baseUrl: slowUrl, timeoutMs: 100 }).json('GET', '/api/slow').catch((x: unknown) => x);
      assert.ok(t instanceof ApiError);
      assert.equal(t.status, 0);
      assert.equal(t.code, 'UNREACHABLE');
    } finally {
      await silent.close();
    }
  });
});
