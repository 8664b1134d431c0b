import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { Closure, ClosureList, ClosuresQuery, CloseDayRequest } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { actorOf } from '../auth/session.guard';
import { approverOf } from '../auth/approval.service';
import { closeDay, listClosures } from './closure.service';

export function closureRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // The body is optional (a Z without a count); with one, the drawer's count (a total or coins and notes).
  api.post('/api/closures/day', { config: { access: 'cashier' }, schema: { body: CloseDayRequest.nullish(), response: { 201: Closure } } }, async (req, reply) => {
    const body = req.body ?? {};
    const count = body.countedCashCents !== undefined || body.denominations !== undefined ? body : null;
    const actor = actorOf(req);
    return reply.code(201).send(closeDay(ctx, actor, count, await approverOf(ctx, actor, body.approval, req.ip)));
  });

  api.get('/api/closures', { config: { access: 'cashier' }, schema: { querystring: ClosuresQuery, response: { 200: ClosureList } } }, async (req) => ({
    items: listClosures(ctx, req.query.limit),
  }));
}
