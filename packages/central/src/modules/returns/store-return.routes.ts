import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { ReleaseReturnResponse, ReservationParams, ReserveReturnRequest, ReturnableTicket, ReturnedUnitsQuery, ReturnedUnitsResponse, StoreRegistersResponse, StoreTicketParams } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { registerOf } from '../auth/auth.guard';
import { releaseReturn, reserveReturn, returnedUnits, storeRegisters, storeTicket } from './store-return.service';

// Returns at any register of the store: registers' tokens only, and only tickets of their own store.
export function storeReturnRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/sync/tickets/:registerId/:number', { config: { access: 'register' }, schema: { params: StoreTicketParams, response: { 200: ReturnableTicket } } }, async (request) =>
    storeTicket(ctxOf(request), registerOf(request), request.params),
  );
  api.post('/api/sync/returns', { config: { access: 'register' }, schema: { body: ReserveReturnRequest, response: { 201: ReturnableTicket } } }, async (request, reply) =>
    reply.code(201).send(await reserveReturn(ctxOf(request), registerOf(request), request.body)),
  );
  api.delete('/api/sync/returns/:reservationId', { config: { access: 'register' }, schema: { params: ReservationParams, response: { 200: ReleaseReturnResponse } } }, async (request) =>
    releaseReturn(ctxOf(request), registerOf(request), request.params.reservationId),
  );
  // What a register keeps to stay authoritative for its tickets while central is down (architecture §17).
  api.get('/api/sync/store-registers', { config: { access: 'register' }, schema: { response: { 200: StoreRegistersResponse } } }, async (request) =>
    storeRegisters(ctxOf(request), registerOf(request)),
  );
  api.get('/api/sync/returned-units', { config: { access: 'register' }, schema: { querystring: ReturnedUnitsQuery, response: { 200: ReturnedUnitsResponse } } }, async (request) =>
    returnedUnits(ctxOf(request), registerOf(request), request.query.since),
  );
}
