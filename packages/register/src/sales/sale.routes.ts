import type { FastifyInstance } from 'fastify';
import { LocalTicketsQuery, ReturnRequest, SaleRequest, TicketNumberParams } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import type { RegisterMetrics } from '../status/register-metrics.service';
import { authenticate } from '../auth/auth.service';
import { createReturn, createSale } from './sale.service';
import { getTicket, listTickets } from './ticket.service';

export function saleRoutes(app: FastifyInstance, ctx: RegisterContext, metrics: RegisterMetrics): void {
  app.post('/api/sales', async (req, reply) => {
    const actor = authenticate(ctx, req.headers.authorization);
    const body = SaleRequest.parse(req.body);
    const out = metrics.commit('sale', () => createSale(ctx, body, actor));
    return reply.code(out.created ? 201 : 200).send(out.sale);
  });

  app.post('/api/returns', async (req, reply) => {
    const actor = authenticate(ctx, req.headers.authorization);
    const body = ReturnRequest.parse(req.body);
    const out = metrics.commit('return', () => createReturn(ctx, body, actor));
    return reply.code(out.created ? 201 : 200).send(out.sale);
  });

  app.get('/api/tickets', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return listTickets(ctx, LocalTicketsQuery.parse(req.query));
  });

  app.get('/api/tickets/:number', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return getTicket(ctx, TicketNumberParams.parse(req.params).number);
  });
}
