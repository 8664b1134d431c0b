import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { CreateCustomerRequest, Customer, CustomersQuery, listOf } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { createCustomer, listCustomers } from './customer.service';

export function customerRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/customers', { config: { access: 'staff' }, schema: { querystring: CustomersQuery, response: { 200: listOf(Customer) } } }, async (request) =>
    listCustomers(ctxOf(request), request.query),
  );
  api.post('/api/customers', { config: { access: 'staff' }, schema: { body: CreateCustomerRequest, response: { 201: Customer } } }, async (request, reply) =>
    reply.status(201).send(await createCustomer(ctxOf(request), request.body)),
  );
}
