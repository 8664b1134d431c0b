import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { HeldSale, HeldSaleList, HeldSaleParams, HoldSaleRequest } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { actorOf } from '../auth/session.guard';
import { heldSales, holdSale, recallSale } from './held-sale.service';

/** Sales on hold: any cashier signed in on this register (session guard). */
export function heldSaleRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/held-sales', { config: { access: 'cashier' }, schema: { body: HoldSaleRequest, response: { 201: HeldSale } } }, async (req, reply) =>
    reply.code(201).send(holdSale(ctx, actorOf(req), req.body)),
  );
  api.get('/api/held-sales', { config: { access: 'cashier' }, schema: { response: { 200: HeldSaleList } } }, async () => heldSales(ctx));
  api.post('/api/held-sales/:id/recall', { config: { access: 'cashier' }, schema: { params: HeldSaleParams, response: { 200: HeldSale } } }, async (req) =>
    recallSale(ctx, req.params.id),
  );
}
