import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { Closure, ClosureList, ClosuresQuery } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { actorOf } from '../auth/session.guard';
import { closeDay, listClosures } from './closure.service';

export function closureRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/closures/day', { config: { access: 'cashier' }, schema: { response: { 201: Closure } } }, async (req, reply) =>
    reply.code(201).send(closeDay(ctx, actorOf(req))),
  );

  api.get('/api/closures', { config: { access: 'cashier' }, schema: { querystring: ClosuresQuery, response: { 200: ClosureList } } }, async (req) => ({
    items: listClosures(ctx, req.query.limit),
  }));
}
