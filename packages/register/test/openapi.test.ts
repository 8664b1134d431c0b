// The register's HTTP contract is published from the routes' own zod schemas: GET /api/openapi.json
// (OpenAPI 3) and /api/docs answer without a session, and list the main routes with their schemas.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningRegister } from '../src/index';
import { registerEndpoints } from '@comptoir/protocol';
import { endpointsOutsideDocument } from '@comptoir/testing';
import { api, startTestRegister, tmp } from './helpers';

type Operation = {
  parameters?: { in: string; name: string; required?: boolean }[];
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }> };
  responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }>;
  security?: unknown[];
};

describe('register OpenAPI document', () => {
  let dir: Awaited<ReturnType<typeof tmp>>;
  let reg: RunningRegister;
  let doc: { openapi: string; security?: unknown; paths: Record<string, Record<string, Operation>> };

  before(async () => {
    dir = await tmp();
    // Not enrolled and no central to reach: the document does not depend on either.
    reg = await startTestRegister(dir.path, 'http://127.0.0.1:9');
    const r = await api(reg.url, 'GET', '/api/openapi.json');
    assert.equal(r.status, 200);
    doc = r.body;
  });
  after(async () => {
    await reg?.close();
    await dir?.cleanup();
  });

  test('is OpenAPI 3 and lists the cashier routes, not the documentation or the screen', () => {
    assert.match(doc.openapi, /^3\./);
    for (const [path, method] of [
      ['/api/status', 'get'],
      ['/api/auth/login', 'post'],
      ['/api/sales', 'post'],
      ['/api/returns', 'post'],
      ['/api/tickets', 'get'],
      ['/api/tickets/{number}', 'get'],
      ['/api/sos-copy', 'post'],
      ['/api/closures/day', 'post'],
      ['/api/products/by-code/{code}', 'get'],
      ['/api/cash/drawer/open', 'post'],
      ['/api/training', 'put'],
    ]) {
      assert.ok(doc.paths[path!]?.[method!], `${method} ${path}`);
    }
    assert.equal(doc.paths['/api/openapi.json'], undefined);
    assert.equal(Object.keys(doc.paths).some((p) => p.startsWith('/api/docs') || p === '/*'), false);
  });

  test('request and response schemas come from the protocol', () => {
    const sale = doc.paths['/api/sales']!.post!;
    const body = sale.requestBody!.content['application/json']!.schema;
    assert.deepEqual([...(body.required ?? [])].sort(), ['lines', 'payments']);
    assert.ok(body.properties!.customerId, 'optional customerId is documented');
    assert.ok(sale.responses['201']!.content!['application/json']!.schema.properties!.totalCents);
    const login = doc.paths['/api/auth/login']!.post!;
    assert.deepEqual([...(login.requestBody!.content['application/json']!.schema.required ?? [])].sort(), ['login', 'pin']);
    assert.ok(login.responses['200']!.content!['application/json']!.schema.properties!.token);
    const status = doc.paths['/api/status']!.get!;
    for (const field of ['registerId', 'mode', 'pendingRecords', 'lastSosCopyAt', 'sosSchedule']) {
      assert.ok(status.responses['200']!.content!['application/json']!.schema.properties![field], field);
    }
    const tickets = doc.paths['/api/tickets']!.get!;
    assert.deepEqual(tickets.parameters!.filter((p) => p.in === 'query').map((p) => p.name).sort(), ['limit', 'offset']);
    assert.deepEqual(doc.paths['/api/tickets/{number}']!.get!.parameters!.map((p) => [p.in, p.name, p.required]), [['path', 'number', true]]);
  });

  test("the one API client's register endpoints are its routes, with the same bodies and answers", () => {
    assert.deepEqual(endpointsOutsideDocument(doc as never, registerEndpoints), []);
  });

  test('says which routes need a session', () => {
    assert.deepEqual(doc.paths['/api/status']!.get!.security, []);
    assert.deepEqual(doc.paths['/api/auth/login']!.post!.security, []);
    assert.deepEqual(doc.security, [{ bearer: [] }]);
    assert.equal(doc.paths['/api/sales']!.post!.security, undefined, 'the document-wide bearer requirement applies');
  });

  test('the interactive page answers without a session', async () => {
    const res = await fetch(`${reg.url}/api/docs`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await res.text(), /swagger/i);
  });
});
