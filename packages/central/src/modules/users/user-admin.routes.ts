import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PatchUserRequest } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { patchUser } from './user-admin.service';

const IdParam = z.object({ id: z.string().min(1).max(64) });

export function userAdminRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.patch('/api/users/:id', { config: { access: 'admin' } }, async (request) =>
    patchUser(ctxOf(request), IdParam.parse(request.params).id, PatchUserRequest.parse(request.body)),
  );
}
