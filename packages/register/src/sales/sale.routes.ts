import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { LocalTicket, LocalTicketsQuery, ReturnRequest, SaleRequest, SaleResponse, SellGiftCardRequest, TicketNumberParams, listOf } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import type { RegisterMetrics } from '../status/register-metrics.service';
import { actorOf } from '../auth/session.guard';
import { approverOf } from '../auth/approval.service';
import { createSale, sellGiftCard } from './sale.service';
import { returnTicket } from '../returns/store-return.service';
import { getTicket, listTickets } from './ticket.service';
import { sellWithStoredValues } from '../credit-notes/stored-value-tender.service';

/** 201 for a new sale or return, 200 for a replay of the same clientSaleId (same body). */
const SaleAnswers = { 200: SaleResponse, 201: SaleResponse };

export function saleRoutes(app: FastifyInstance, ctx: RegisterContext, metrics: RegisterMetrics): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/sales', { config: { access: 'cashier' }, schema: { body: SaleRequest, response: SaleAnswers } }, async (req, reply) => {
    const actor = actorOf(req);
    const approver = await approverOf(ctx, actor, req.body.approval, req.ip);
    const out = await sellWithStoredValues(ctx, req.body, approver, (storedValues) => metrics.commit('sale', () => createSale(ctx, req.body, actor, approver, storedValues)));
    return reply.code(out.created ? 201 : 200).send(out.sale);
  });

  /** A gift card's sale (§25): a signed ticket whose one line is the card, its reference CC-<register>-<number>. */
  api.post('/api/gift-cards', { config: { access: 'cashier' }, schema: { body: SellGiftCardRequest, response: SaleAnswers } }, async (req, reply) => {
    const out = metrics.commit('sale', () => sellGiftCard(ctx, req.body, actorOf(req)));
    return reply.code(out.created ? 201 : 200).send(out.sale);
  });

  api.post('/api/returns', { config: { access: 'cashier' }, schema: { body: ReturnRequest, response: SaleAnswers } }, async (req, reply) => {
    const actor = actorOf(req);
    const approver = await approverOf(ctx, actor, req.body.approval, req.ip);
    const out = await returnTicket(ctx, req.body, actor, approver, (commit) => metrics.commit('return', commit));
    return reply.code(out.created ? 201 : 200).send(out.sale);
  });

  api.get('/api/tickets', { config: { access: 'cashier' }, schema: { querystring: LocalTicketsQuery, response: { 200: listOf(LocalTicket) } } }, async (req) =>
    listTickets(ctx, req.query),
  );

  api.get('/api/tickets/:number', { config: { access: 'cashier' }, schema: { params: TicketNumberParams, response: { 200: LocalTicket } } }, async (req) =>
    getTicket(ctx, req.params.number),
  );
}
