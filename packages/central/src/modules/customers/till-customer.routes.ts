import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { TillCustomersAnswer, TillCustomersPush } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { registerOf } from '../auth/auth.guard';
import { integrateTillCustomers } from './till-customer.service';

// Customers created at a till: registers' tokens only, integrated into the register's own store.
export function tillCustomerRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/sync/customers', { config: { access: 'register' }, schema: { body: TillCustomersPush, response: { 200: TillCustomersAnswer } } }, async (request) =>
    integrateTillCustomers(ctxOf(request), registerOf(request), request.body.customers),
  );
}
