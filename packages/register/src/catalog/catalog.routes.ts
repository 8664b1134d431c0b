import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { LocalCustomer, LocalProduct, LocalSearchQuery, listOf } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { searchCustomers, searchProducts } from './catalog.service';

export function catalogRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/products', { config: { access: 'cashier' }, schema: { querystring: LocalSearchQuery, response: { 200: listOf(LocalProduct) } } }, async (req) =>
    searchProducts(ctx, req.query),
  );

  api.get('/api/customers', { config: { access: 'cashier' }, schema: { querystring: LocalSearchQuery, response: { 200: listOf(LocalCustomer) } } }, async (req) =>
    searchCustomers(ctx, req.query),
  );
}
