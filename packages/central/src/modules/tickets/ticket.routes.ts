import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { CentralTicket, TicketKeyParams, TicketsQuery, listOf } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { getTicket, listTickets } from './ticket.service';

export function ticketRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/tickets', { config: { access: 'staff' }, schema: { querystring: TicketsQuery, response: { 200: listOf(CentralTicket) } } }, async (request) =>
    listTickets(ctxOf(request), request.query),
  );
  api.get('/api/tickets/:registerId/:number', { config: { access: 'staff' }, schema: { params: TicketKeyParams, response: { 200: CentralTicket } } }, async (request) =>
    getTicket(ctxOf(request), request.params.registerId, request.params.number),
  );
}
