import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { CustomerDocuments, CustomerParams } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { customerDocuments } from './customer-documents.service';

export function customerDocumentRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/customers/:id/documents', { config: { access: 'cashier' }, schema: { params: CustomerParams, response: { 200: CustomerDocuments } } }, async (req) =>
    customerDocuments(ctx, req.params.id),
  );
}
