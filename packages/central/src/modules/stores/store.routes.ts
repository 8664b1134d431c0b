import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { CreateStoreRequest, IdParams, PatchStoreRequest, Store, listOf } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { createStore, patchStore } from './store-admin.service';
import { listStores } from './store-list.service';

export function storeRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // Staff: an admin sees every store, a manager only their own (store-scope.ts).
  api.get('/api/stores', { config: { access: 'staff' }, schema: { response: { 200: listOf(Store) } } }, async (request) => listStores(ctxOf(request)));
  api.post('/api/stores', { config: { access: 'admin' }, schema: { body: CreateStoreRequest, response: { 201: Store } } }, async (request, reply) =>
    reply.status(201).send(await createStore(ctxOf(request), request.body)),
  );
  api.patch('/api/stores/:id', { config: { access: 'admin' }, schema: { params: IdParams, body: PatchStoreRequest, response: { 200: Store } } }, async (request) =>
    patchStore(ctxOf(request), request.params.id, request.body),
  );
}
