import type { FastifyInstance } from 'fastify';
import { ReturnQuoteRequest, TicketNumberParams } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { authenticate } from '../auth/auth.service';
import { quoteReturn, returnableTicket } from './return-quote.service';

export function returnQuoteRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  app.get('/api/tickets/:number/returnable', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return returnableTicket(ctx, TicketNumberParams.parse(req.params).number);
  });

  app.post('/api/returns/quote', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return quoteReturn(ctx, ReturnQuoteRequest.parse(req.body));
  });
}
