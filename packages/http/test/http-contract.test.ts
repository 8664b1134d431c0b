// The HTTP contract both servers install: one error body `{error:{code,message,details?}}` for every
// failure (schema validation, coded errors, Fastify's own refusals, unknown routes, a bad answer).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { z } from 'zod';
import { ComptoirError } from '@comptoir/protocol';
import { installHttpContract, type ZodTypeProvider } from '../src/index';

function app() {
  const a = Fastify({ logger: false });
  installHttpContract(a, { title: 't', description: 'd', version: '1' });
  a.register(async (scope) => {
    const api = scope.withTypeProvider<ZodTypeProvider>();
    const Line = z.object({ sku: z.string().min(1), quantity: z.number().int().positive() });
    api.post('/api/sales', { schema: { body: z.object({ lines: z.array(Line).min(1) }), response: { 200: z.object({ n: z.number() }) } } }, async (req) => ({ n: req.body.lines.length }));
    api.get('/api/items/:n', { schema: { params: z.object({ n: z.coerce.number().int().positive() }), querystring: z.object({ q: z.string().max(3).optional() }) } }, async (req) => ({ n: req.params.n, q: req.query.q ?? null }));
    api.get('/api/refused', async () => {
      throw new ComptoirError('SALE_REFUSED', 'not today', { reason: 'closed' });
    });
    api.get('/api/service-zod', async () => z.object({ a: z.string() }).parse({ a: 1 }));
    api.get('/api/broken', { schema: { response: { 200: z.object({ ok: z.boolean() }) } } }, async () => ({ ok: 'yes' }) as unknown as { ok: boolean });
    api.get('/api/crash', async () => {
      throw new Error('secret detail');
    });
  });
  return a;
}

describe('HTTP contract', () => {
  it('validates bodies from the schema: 400 VALIDATION with one issue per field (path + message)', async () => {
    const a = app();
    const ok = await a.inject({ method: 'POST', url: '/api/sales', payload: { lines: [{ sku: 'A', quantity: 2 }] } });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), { n: 1 });
    const bad = await a.inject({ method: 'POST', url: '/api/sales', payload: { lines: [{ sku: '', quantity: 0 }] } });
    assert.equal(bad.statusCode, 400);
    const body = bad.json();
    assert.equal(body.error.code, 'VALIDATION');
    assert.deepEqual(body.error.details.issues.map((i: { path: string }) => i.path).sort(), ['lines.0.quantity', 'lines.0.sku']);
    assert.ok(body.error.details.issues.every((i: { message: unknown }) => typeof i.message === 'string' && i.message.length > 0));
    assert.match(body.error.message, /lines\.0\.sku: /);
    const empty = await a.inject({ method: 'POST', url: '/api/sales', payload: {} });
    assert.deepEqual(empty.json().error.details.issues.map((i: { path: string }) => i.path), ['lines']);
  });

  it('validates path parameters and query strings the same way', async () => {
    const a = app();
    assert.deepEqual((await a.inject({ method: 'GET', url: '/api/items/7?q=ab' })).json(), { n: 7, q: 'ab' });
    const badParam = await a.inject({ method: 'GET', url: '/api/items/zero' });
    assert.equal(badParam.statusCode, 400);
    assert.equal(badParam.json().error.details.issues[0].path, 'n');
    const badQuery = await a.inject({ method: 'GET', url: '/api/items/7?q=abcd' });
    assert.equal(badQuery.statusCode, 400);
    assert.equal(badQuery.json().error.details.issues[0].path, 'q');
  });

  it('a ZodError thrown by a service is the same 400', async () => {
    const r = await app().inject({ method: 'GET', url: '/api/service-zod' });
    assert.equal(r.statusCode, 400);
    assert.deepEqual(r.json().error.details.issues.map((i: { path: string }) => i.path), ['a']);
  });

  it('coded errors keep their status, message and details', async () => {
    const r = await app().inject({ method: 'GET', url: '/api/refused' });
    assert.equal(r.statusCode, 422);
    assert.deepEqual(r.json(), { error: { code: 'SALE_REFUSED', message: 'not today', details: { reason: 'closed' } } });
  });

  it("Fastify's own refusals and unknown routes answer in the same shape", async () => {
    const a = app();
    const json = await a.inject({ method: 'POST', url: '/api/sales', headers: { 'content-type': 'application/json' }, payload: '{"lines": [' });
    assert.equal(json.statusCode, 400);
    assert.equal(json.json().error.code, 'BAD_REQUEST');
    const missing = await a.inject({ method: 'GET', url: '/api/nothing?x=1' });
    assert.equal(missing.statusCode, 404);
    assert.deepEqual(missing.json(), { error: { code: 'NOT_FOUND', message: 'No route GET /api/nothing' } });
  });

  it('an answer that breaks its response schema, or a crash, is a 500 that hides the detail', async () => {
    const a = app();
    for (const url of ['/api/broken', '/api/crash']) {
      const r = await a.inject({ method: 'GET', url });
      assert.equal(r.statusCode, 500, url);
      assert.deepEqual(r.json(), { error: { code: 'INTERNAL', message: 'Internal error' } });
    }
  });
});
