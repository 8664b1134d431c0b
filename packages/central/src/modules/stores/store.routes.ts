import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { Store, listOf } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { listStores } from './store-list.service';

export function storeRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/stores', { config: { access: 'staff' }, schema: { response: { 200: listOf(Store) } } }, async (request) => listStores(ctxOf(request)));
}
