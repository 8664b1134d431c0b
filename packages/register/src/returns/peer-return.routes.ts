import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { PeerReserveRequest, PeerTicketParams, ReleaseReturnResponse, ReservationParams, ReturnableTicket } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { installPeerGuard, peerOf } from './peer-auth';
import { peerReleaseReturn, peerReserveReturn, peerTicket } from './peer-return.service';

/**
 * Register → register, on the shop's LAN, for returns at any register while central is down
 * (docs/architecture.md §17): only another register of the store, signing with its key (peer-auth.ts).
 */
export function peerReturnRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  installPeerGuard(app, ctx);
  const api = app.withTypeProvider<ZodTypeProvider>();
  const peer = { config: { access: 'peer' as const } };
  api.get('/api/peer/tickets/:number', { ...peer, schema: { security: [], params: PeerTicketParams, response: { 200: ReturnableTicket } } }, async (request) =>
    peerTicket(ctx, request.params.number),
  );
  api.post('/api/peer/returns', { ...peer, schema: { security: [], body: PeerReserveRequest, response: { 201: ReturnableTicket } } }, async (request, reply) =>
    reply.code(201).send(await peerReserveReturn(ctx, peerOf(request), request.body)),
  );
  api.delete('/api/peer/returns/:reservationId', { ...peer, schema: { security: [], params: ReservationParams, response: { 200: ReleaseReturnResponse } } }, async (request) =>
    peerReleaseReturn(ctx, peerOf(request), request.params.reservationId),
  );
}
