import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DocumentsQuery, InvoiceQuery, PatchCustomerRequest, Pagination } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { getCustomerDetail, getDocument, listDocuments, patchCustomer } from './document.service';
import { invoicePdf } from './invoice-pdf.service';

const TicketKey = z.object({ registerId: z.string().min(1).max(64), number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const IdParam = z.object({ id: z.string().min(1).max(64) });

export function documentRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.get('/api/documents', { config: { access: 'staff' } }, async (request) =>
    listDocuments(ctxOf(request), DocumentsQuery.parse(request.query)),
  );
  app.get('/api/documents/:registerId/:number', { config: { access: 'staff' } }, async (request) => {
    const k = TicketKey.parse(request.params);
    return getDocument(ctxOf(request), k.registerId, k.number);
  });
  app.get('/api/documents/:registerId/:number/invoice.pdf', { config: { access: 'staff' } }, async (request, reply) => {
    const k = TicketKey.parse(request.params);
    const { filename, pdf } = await invoicePdf(ctxOf(request), k.registerId, k.number, InvoiceQuery.parse(request.query));
    return reply.type('application/pdf').header('content-disposition', `inline; filename="${filename}"`).send(pdf);
  });
  app.get('/api/customers/:id', { config: { access: 'staff' } }, async (request) =>
    getCustomerDetail(ctxOf(request), IdParam.parse(request.params).id, Pagination.parse(request.query)),
  );
  app.patch('/api/customers/:id', { config: { access: 'staff' } }, async (request) =>
    patchCustomer(ctxOf(request), IdParam.parse(request.params).id, PatchCustomerRequest.parse(request.body)),
  );
}
