import type { FastifyInstance } from 'fastify';
import { ClosuresQuery } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { authenticate } from '../auth/auth.service';
import { closeDay, listClosures } from './closure.service';

export function closureRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  app.post('/api/closures/day', async (req, reply) => {
    const actor = authenticate(ctx, req.headers.authorization);
    return reply.code(201).send(closeDay(ctx, actor));
  });

  app.get('/api/closures', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return { items: listClosures(ctx, ClosuresQuery.parse(req.query).limit) };
  });
}
