import type { FastifyInstance } from 'fastify';
import { TicketNumberParams } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { authenticate } from '../auth/auth.service';
import { buildReceipt, printDuplicate } from './receipt.service';
import { readStoreIdentity } from './store-identity.service';

export function receiptRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  app.get('/api/store', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return readStoreIdentity(ctx);
  });

  app.get('/api/tickets/:number/receipt', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return buildReceipt(ctx, TicketNumberParams.parse(req.params).number);
  });

  /** A reprint: a signed record of the `duplicate` chain. */
  app.post('/api/tickets/:number/duplicates', async (req, reply) => {
    const actor = authenticate(ctx, req.headers.authorization);
    return reply.code(201).send(await printDuplicate(ctx, TicketNumberParams.parse(req.params).number, actor));
  });
}
