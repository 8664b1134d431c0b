import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { Customer, CustomerDetail, DocumentDetail, DocumentsQuery, DocumentsResponse, IdParams, InvoiceQuery, Pagination, PatchCustomerRequest, TicketKeyParams } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { getCustomerDetail, getDocument, listDocuments, patchCustomer } from './document.service';
import { invoicePdf } from './invoice-pdf.service';

export function documentRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/documents', { config: { access: 'staff' }, schema: { querystring: DocumentsQuery, response: { 200: DocumentsResponse } } }, async (request) =>
    listDocuments(ctxOf(request), request.query),
  );
  api.get('/api/documents/:registerId/:number', { config: { access: 'staff' }, schema: { params: TicketKeyParams, response: { 200: DocumentDetail } } }, async (request) =>
    getDocument(ctxOf(request), request.params.registerId, request.params.number),
  );
  api.get(
    '/api/documents/:registerId/:number/invoice.pdf',
    { config: { access: 'staff' }, schema: { params: TicketKeyParams, querystring: InvoiceQuery, produces: ['application/pdf'] } },
    async (request, reply) => {
      const { filename, pdf } = await invoicePdf(ctxOf(request), request.params.registerId, request.params.number, request.query);
      return reply.type('application/pdf').header('content-disposition', `inline; filename="${filename}"`).send(pdf);
    },
  );
  api.get('/api/customers/:id', { config: { access: 'staff' }, schema: { params: IdParams, querystring: Pagination, response: { 200: CustomerDetail } } }, async (request) =>
    getCustomerDetail(ctxOf(request), request.params.id, request.query),
  );
  api.patch('/api/customers/:id', { config: { access: 'staff' }, schema: { params: IdParams, body: PatchCustomerRequest, response: { 200: Customer } } }, async (request) =>
    patchCustomer(ctxOf(request), request.params.id, request.body),
  );
}
