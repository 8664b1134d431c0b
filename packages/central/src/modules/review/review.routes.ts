import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { AcknowledgeRequest, ReviewItem, ReviewQuery, ReviewResponse, TicketKeyParams } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { acknowledge, reviewQueue } from './review.service';

export function reviewRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/review', { config: { access: 'staff' }, schema: { querystring: ReviewQuery, response: { 200: ReviewResponse } } }, async (request) =>
    reviewQueue(ctxOf(request), request.query),
  );
  api.post(
    '/api/review/:registerId/:number/ack',
    { config: { access: 'staff' }, schema: { params: TicketKeyParams, body: AcknowledgeRequest.optional(), response: { 200: ReviewItem } } },
    async (request) => acknowledge(ctxOf(request), request.params.registerId, request.params.number, request.body?.note ?? ''),
  );
}
