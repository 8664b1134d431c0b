import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { LocalCustomer, NewCustomerRequest } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { createTillCustomer } from './till-customer.service';

export function tillCustomerRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // A cashier creates a customer at the till, connected or not: usable at once, pushed to central.
  api.post('/api/customers', { config: { access: 'cashier' }, schema: { body: NewCustomerRequest, response: { 201: LocalCustomer } } }, async (req, reply) =>
    reply.code(201).send(createTillCustomer(ctx, req.body)),
  );
}
