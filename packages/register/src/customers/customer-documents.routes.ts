import type { FastifyInstance } from 'fastify';
import { CustomerParams } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { authenticate } from '../auth/auth.service';
import { customerDocuments } from './customer-documents.service';

export function customerDocumentRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  app.get('/api/customers/:id/documents', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return customerDocuments(ctx, CustomerParams.parse(req.params).id);
  });
}
