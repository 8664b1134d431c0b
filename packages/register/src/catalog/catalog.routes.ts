import type { FastifyInstance } from 'fastify';
import { LocalSearchQuery } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { authenticate } from '../auth/auth.service';
import { searchCustomers, searchProducts } from './catalog.service';

export function catalogRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  app.get('/api/products', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return searchProducts(ctx, LocalSearchQuery.parse(req.query));
  });

  app.get('/api/customers', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return searchCustomers(ctx, LocalSearchQuery.parse(req.query));
  });
}
