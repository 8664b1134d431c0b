import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { AdjustmentRequest, MovementsQuery, MovementsResponse, ReceptionRequest, SkuParams, StockChangeResult, StockListQuery, StockListResponse } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { adjustStock, listMovements, listStock, receiveGoods } from './stock-admin.service';

export function stockAdminRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/stock', { config: { access: 'staff' }, schema: { querystring: StockListQuery, response: { 200: StockListResponse } } }, async (request) =>
    listStock(ctxOf(request), request.query),
  );
  api.get(
    '/api/stock/:sku/movements',
    { config: { access: 'staff' }, schema: { params: SkuParams, querystring: MovementsQuery, response: { 200: MovementsResponse } } },
    async (request) => listMovements(ctxOf(request), request.params.sku, request.query),
  );
  // A delivery note of 1000 lines with long SKUs is over the 64 KB default.
  api.post('/api/stock/receptions', { config: { access: 'staff' }, bodyLimit: 256 * 1024, schema: { body: ReceptionRequest, response: { 201: StockChangeResult } } }, async (request, reply) =>
    reply.status(201).send(await receiveGoods(ctxOf(request), request.body)),
  );
  api.post('/api/stock/adjustments', { config: { access: 'staff' }, schema: { body: AdjustmentRequest, response: { 201: StockChangeResult } } }, async (request, reply) =>
    reply.status(201).send(await adjustStock(ctxOf(request), request.body)),
  );
}
