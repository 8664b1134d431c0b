import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { ZodTypeProvider } from '@comptoir/http';
import { StockLevel, StockQuery } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { getStockLevel } from './stock.service';

/** Any SKU as written (an unknown one answers 0): not trimmed, unlike a SKU being created. */
const StockSkuParams = z.object({ sku: z.string().min(1) });

export function stockRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/stock/:sku', { config: { access: 'staff' }, schema: { params: StockSkuParams, querystring: StockQuery, response: { 200: StockLevel } } }, async (request) =>
    getStockLevel(ctxOf(request), request.params.sku, request.query.storeId),
  );
}
