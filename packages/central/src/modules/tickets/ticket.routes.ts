import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { TicketsQuery } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { getTicket, listTickets } from './ticket.service';

const TicketParams = z.object({ registerId: z.string().min(1), number: z.coerce.number().int().positive() });

export function ticketRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.get('/api/tickets', { config: { access: 'staff' } }, async (request) =>
    listTickets(ctxOf(request), TicketsQuery.parse(request.query)),
  );
  app.get('/api/tickets/:registerId/:number', { config: { access: 'staff' } }, async (request) => {
    const p = TicketParams.parse(request.params);
    return getTicket(ctxOf(request), p.registerId, p.number);
  });
}
