import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { ReturnQuote, ReturnQuoteRequest, ReturnableQuery, ReturnableTicket, TicketNumberParams } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { quoteReturn, returnableTicket } from './return-quote.service';

export function returnQuoteRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/tickets/:number/returnable', { config: { access: 'cashier' }, schema: { params: TicketNumberParams, querystring: ReturnableQuery, response: { 200: ReturnableTicket } } }, async (req) =>
    returnableTicket(ctx, req.params.number, req.query.registerId),
  );

  api.post('/api/returns/quote', { config: { access: 'cashier' }, schema: { body: ReturnQuoteRequest, response: { 200: ReturnQuote } } }, async (req) =>
    quoteReturn(ctx, req.body),
  );
}
