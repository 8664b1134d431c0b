import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { IdParams, PatchUserRequest, UserSummary } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { patchUser } from './user-admin.service';

export function userAdminRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.patch('/api/users/:id', { config: { access: 'admin' }, schema: { params: IdParams, body: PatchUserRequest, response: { 200: UserSummary } } }, async (request) =>
    patchUser(ctxOf(request), request.params.id, request.body),
  );
}
