import type { FastifyInstance } from 'fastify';
import { CreateCustomerRequest, CustomersQuery } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { createCustomer, listCustomers } from './customer.service';

export function customerRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.get('/api/customers', { config: { access: 'staff' } }, async (request) =>
    listCustomers(ctxOf(request), CustomersQuery.parse(request.query)),
  );
  app.post('/api/customers', { config: { access: 'staff' } }, async (request, reply) =>
    reply.status(201).send(await createCustomer(ctxOf(request), CreateCustomerRequest.parse(request.body))),
  );
}
