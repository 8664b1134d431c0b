import type { FastifyInstance } from 'fastify';
import { CreateUserRequest } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { createUser, listUsers } from './user.service';

export function userRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.post('/api/users', { config: { access: 'admin' } }, async (request, reply) =>
    reply.status(201).send(await createUser(ctxOf(request), CreateUserRequest.parse(request.body))),
  );
  app.get('/api/users', { config: { access: 'admin' } }, async (request) => listUsers(ctxOf(request)));
}
