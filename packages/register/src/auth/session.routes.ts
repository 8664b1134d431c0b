import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import type { RegisterContext } from '../context';
import { actorOf } from './session.guard';
import { logout } from './session.service';

export function sessionRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/auth/logout', { config: { access: 'cashier' }, schema: { description: 'Ends the session (204, no body).' } }, async (req, reply) => {
    logout(ctx, req.headers.authorization!, actorOf(req));
    return reply.code(204).send();
  });
}
