import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AdjustmentRequest, MovementsQuery, ReceptionRequest, StockListQuery } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { adjustStock, listMovements, listStock, receiveGoods } from './stock-admin.service';

const SkuParam = z.object({ sku: z.string().trim().min(1).max(64) });

export function stockAdminRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.get('/api/stock', { config: { access: 'staff' } }, async (request) => listStock(ctxOf(request), StockListQuery.parse(request.query)));
  app.get('/api/stock/:sku/movements', { config: { access: 'staff' } }, async (request) =>
    listMovements(ctxOf(request), SkuParam.parse(request.params).sku, MovementsQuery.parse(request.query)),
  );
  app.post('/api/stock/receptions', { config: { access: 'staff' } }, async (request, reply) =>
    reply.status(201).send(await receiveGoods(ctxOf(request), ReceptionRequest.parse(request.body))),
  );
  app.post('/api/stock/adjustments', { config: { access: 'staff' } }, async (request, reply) =>
    reply.status(201).send(await adjustStock(ctxOf(request), AdjustmentRequest.parse(request.body))),
  );
}
