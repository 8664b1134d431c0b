import type { FastifyInstance } from 'fastify';
import type { RegisterContext } from '../context';
import { authenticate } from './auth.service';
import { logout } from './session.service';

export function sessionRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  app.post('/api/auth/logout', async (req, reply) => {
    const actor = authenticate(ctx, req.headers.authorization);
    logout(ctx, req.headers.authorization!, actor);
    return reply.code(204).send();
  });
}
