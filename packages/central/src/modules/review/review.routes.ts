import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { AcknowledgeRequest, ReviewQuery } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { acknowledge, reviewQueue } from './review.service';

const TicketKey = z.object({ registerId: z.string().min(1).max(64), number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

export function reviewRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.get('/api/review', { config: { access: 'staff' } }, async (request) => reviewQueue(ctxOf(request), ReviewQuery.parse(request.query)));
  app.post('/api/review/:registerId/:number/ack', { config: { access: 'staff' } }, async (request) => {
    const k = TicketKey.parse(request.params);
    return acknowledge(ctxOf(request), k.registerId, k.number, AcknowledgeRequest.parse(request.body ?? {}).note);
  });
}
