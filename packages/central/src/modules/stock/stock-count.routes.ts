import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { IdParams, SaveStockCountRequest, StartStockCountRequest, StockCount, StockCountsQuery, StockCountsResponse } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { listStockCounts, postStockCount, saveStockCount, startStockCount, stockCount } from './stock-count.service';

/** Stock counts (inventaire, docs/architecture.md §21): staff, i.e. a manager (their own store) or an admin. */
export function stockCountRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const staff = { access: 'staff' } as const;
  api.get('/api/stock-counts', { config: staff, schema: { querystring: StockCountsQuery, response: { 200: StockCountsResponse } } }, async (request) =>
    listStockCounts(ctxOf(request), request.query),
  );
  api.post('/api/stock-counts', { config: staff, schema: { body: StartStockCountRequest, response: { 201: StockCount } } }, async (request, reply) =>
    reply.status(201).send(await startStockCount(ctxOf(request), request.body)),
  );
  api.get('/api/stock-counts/:id', { config: staff, schema: { params: IdParams, response: { 200: StockCount } } }, async (request) => stockCount(ctxOf(request), request.params.id));
  // A sheet of 2000 lines is over the 64 KB default.
  api.put('/api/stock-counts/:id/lines', { config: staff, bodyLimit: 256 * 1024, schema: { params: IdParams, body: SaveStockCountRequest, response: { 200: StockCount } } }, async (request) =>
    saveStockCount(ctxOf(request), request.params.id, request.body),
  );
  api.post('/api/stock-counts/:id/post', { config: staff, schema: { params: IdParams, response: { 201: StockCount } } }, async (request, reply) =>
    reply.status(201).send(await postStockCount(ctxOf(request), request.params.id)),
  );
}
