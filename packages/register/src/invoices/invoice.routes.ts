import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { Invoice, InvoiceNumberParams, IssueInvoiceRequest, REMOTE_INVOICE_PATH, RemoteInvoiceRequest, TicketNumberParams, remoteInvoiceSigningString } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { actorOf } from '../auth/session.guard';
import { verifyCentralCall } from '../sync/remote-copy';
import { getInvoice, getTicketInvoice, issueInvoice, printInvoiceDuplicate } from './invoice.service';

/** 201 for an invoice issued now, 200 for the one the ticket had already. */
const InvoiceAnswers = { 200: Invoice, 201: Invoice };

export function invoiceRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(
    '/api/tickets/:number/invoice',
    { config: { access: 'cashier' }, schema: { params: TicketNumberParams, body: IssueInvoiceRequest, response: InvoiceAnswers } },
    async (req, reply) => {
      const out = issueInvoice(ctx, req.params.number, req.body.customerId, { cashierId: actorOf(req).cashierId });
      return reply.code(out.created ? 201 : 200).send(out.invoice);
    },
  );
  api.get('/api/tickets/:number/invoice', { config: { access: 'cashier' }, schema: { params: TicketNumberParams, response: { 200: Invoice } } }, async (req) =>
    getTicketInvoice(ctx, req.params.number),
  );
  api.get('/api/invoices/:number', { config: { access: 'cashier' }, schema: { params: InvoiceNumberParams, response: { 200: Invoice } } }, async (req) =>
    getInvoice(ctx, req.params.number),
  );
  /** A reprint of an invoice: a signed record of the `duplicate` chain naming the invoice (DUPLICATA). */
  api.post('/api/invoices/:number/duplicates', { config: { access: 'cashier' }, schema: { params: InvoiceNumberParams, response: { 201: Invoice } } }, async (req, reply) =>
    reply.code(201).send(printInvoiceDuplicate(ctx, req.params.number, actorOf(req))),
  );
  /**
   * Central relays a back-office request for a ticket's invoice (its HMAC headers, see remote-copy.ts).
   * The signature is checked before the body is validated (an anonymous caller gets 401, never a 400
   * that describes the body): it covers the body's fields, so a body other than the one central
   * signed fails it too.
   */
  api.post(
    REMOTE_INVOICE_PATH,
    {
      config: { access: 'central' },
      schema: { security: [], body: RemoteInvoiceRequest, response: InvoiceAnswers },
      preValidation: async (req) => {
        // Not validated yet: a missing field signs as "undefined", which central never signs.
        const unchecked = (req.body ?? {}) as RemoteInvoiceRequest;
        verifyCentralCall(ctx, req.headers, (registerId, timestamp) => remoteInvoiceSigningString(registerId, timestamp, unchecked));
      },
    },
    async (req, reply) => {
      const out = issueInvoice(ctx, req.body.ticketNumber, req.body.customerId, { cashierId: null, requestedBy: req.body.requestedBy });
      return reply.code(out.created ? 201 : 200).send(out.invoice);
    },
  );
}
