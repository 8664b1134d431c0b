import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from '../../routes';
import { listStores } from './store-list.service';

export function storeRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.get('/api/stores', { config: { access: 'staff' } }, async (request) => listStores(ctxOf(request)));
}
