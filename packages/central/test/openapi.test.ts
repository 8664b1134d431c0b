// The central server's HTTP contract is published from the routes' own zod schemas:
// GET /api/openapi.json (OpenAPI 3) and /api/docs answer without a token and list the main routes
// with their request and response schemas.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { centralEndpoints } from '@comptoir/protocol';
import { endpointsOutsideDocument } from '@comptoir/testing';
import { startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';

after(stopSharedPostgres);

type Schema = { type?: string; properties?: Record<string, Schema>; required?: string[]; items?: Schema };
type Operation = {
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
  security?: unknown[];
};

describe('central OpenAPI document', () => {
  let c: TestCentral;
  let doc: { openapi: string; security?: unknown; paths: Record<string, Record<string, Operation>> };
  const op = (path: string, method: string): Operation => {
    const o = doc.paths[path]?.[method];
    assert.ok(o, `${method} ${path} is documented`);
    return o;
  };
  const json = (o: Operation, status: string): Schema => o.responses[status]!.content!['application/json']!.schema;

  before(async () => {
    c = await startTestCentral('sqlite');
    const r = await c.call('GET', '/api/openapi.json', null);
    assert.equal(r.status, 200);
    doc = r.json;
  });
  after(async () => c?.close());

  it('is OpenAPI 3 and lists the §8 routes, not itself, the docs page or the back office files', () => {
    assert.match(doc.openapi, /^3\./);
    for (const [path, method] of [
      ['/api/health', 'get'],
      ['/api/auth/login', 'post'],
      ['/api/registers', 'post'],
      ['/api/registers', 'get'],
      ['/api/registers/{id}/sos-schedule', 'put'],
      ['/api/stores/{id}/prepare-outage', 'post'],
      ['/api/products', 'get'],
      ['/api/products/{sku}', 'patch'],
      ['/api/tickets', 'get'],
      ['/api/stock/{sku}', 'get'],
      ['/api/sync/push', 'post'],
      ['/api/sync/heartbeat', 'post'],
      ['/api/registers/enrol', 'post'],
    ]) {
      op(path!, method!);
    }
    assert.equal(doc.paths['/api/openapi.json'], undefined);
    assert.equal(Object.keys(doc.paths).some((p) => p.startsWith('/api/docs') || p === '/*'), false);
  });

  it('carries the request schemas: bodies, query strings and path parameters', () => {
    const login = op('/api/auth/login', 'post');
    assert.deepEqual(login.requestBody!.content['application/json']!.schema.required?.slice().sort(), ['password', 'username']);
    const push = op('/api/sync/push', 'post').requestBody!.content['application/json']!.schema;
    assert.equal(push.properties!.records!.type, 'array');
    const products = op('/api/products', 'get');
    assert.deepEqual(products.parameters!.filter((p) => p.in === 'query').map((p) => p.name).sort(), ['limit', 'offset', 'q']);
    assert.deepEqual(op('/api/products/{sku}', 'patch').parameters!.map((p) => [p.in, p.name, p.required]), [['path', 'sku', true]]);
    assert.ok(op('/api/registers/{id}/sos-schedule', 'put').requestBody!.content['application/json']!.schema.properties!.cron);
  });

  it('carries the response schemas', () => {
    const product = json(op('/api/products', 'get'), '200').properties!.items!.items!;
    for (const field of ['sku', 'label', 'priceCents', 'vatRate', 'barcodes']) assert.ok(product.properties![field], field);
    const ticket = json(op('/api/tickets', 'get'), '200').properties!.items!.items!;
    for (const field of ['registerId', 'number', 'totalCents', 'soldAt', 'soldOffline', 'integratedAt', 'anomalies']) assert.ok(ticket.properties![field], field);
    assert.deepEqual(json(op('/api/registers', 'post'), '201').required?.slice().sort(), ['enrolCode', 'enrolCodeExpiresAt', 'id']);
    assert.ok(json(op('/api/auth/login', 'post'), '200').properties!.token);
    assert.ok(json(op('/api/stock/{sku}', 'get'), '200').properties!.quantity);
  });

  it("the one API client's central endpoints are its routes, with the same bodies and answers", () => {
    assert.deepEqual(endpointsOutsideDocument(doc as never, centralEndpoints), []);
  });

  it('says who needs a token: a bearer everywhere, none on the public routes', () => {
    assert.deepEqual(doc.security, [{ bearer: [] }]);
    assert.deepEqual(op('/api/health', 'get').security, []);
    assert.deepEqual(op('/api/auth/login', 'post').security, []);
    assert.deepEqual(op('/api/registers/enrol', 'post').security, []);
    assert.equal(op('/api/tickets', 'get').security, undefined);
  });

  it('the interactive page answers without a token', async () => {
    const res = await c.app.inject({ method: 'GET', url: '/api/docs' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /text\/html/);
    assert.match(res.body, /swagger/i);
  });
});
