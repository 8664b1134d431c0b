import type { FastifyInstance } from 'fastify';
import { StockQuery } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { getStockLevel } from './stock.service';

export function stockRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.get<{ Params: { sku: string } }>('/api/stock/:sku', { config: { access: 'staff' } }, async (request) =>
    getStockLevel(ctxOf(request), request.params.sku, StockQuery.parse(request.query).storeId),
  );
}
