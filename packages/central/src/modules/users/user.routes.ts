import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { CreateUserRequest, UserSummary, listOf } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { createUser, listUsers } from './user.service';

export function userRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/users', { config: { access: 'admin' }, schema: { body: CreateUserRequest, response: { 201: UserSummary } } }, async (request, reply) =>
    reply.status(201).send(await createUser(ctxOf(request), request.body)),
  );
  api.get('/api/users', { config: { access: 'admin' }, schema: { response: { 200: listOf(UserSummary) } } }, async (request) => listUsers(ctxOf(request)));
}
