import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { CreditNote, CreditNoteParams, ReleaseReturnResponse, ReservationParams, SpendCreditNoteRequest } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { peerOf } from '../returns/peer-auth';
import { lookUpCreditNote, peerCreditNote, peerReleaseCreditNote, peerSpendCreditNote } from './credit-note.service';

/**
 * Credit notes (avoirs, docs/architecture.md §19): the cashier looks one up before tendering it; the
 * issuing register answers other registers of the store over the LAN (signed calls, peer-auth.ts,
 * whose guard the peer return routes install in the same scope).
 */
export function creditNoteRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/credit-notes/:reference', { config: { access: 'cashier' }, schema: { params: CreditNoteParams, response: { 200: CreditNote } } }, async (request) =>
    lookUpCreditNote(ctx, request.params.reference),
  );
  const peer = { config: { access: 'peer' as const } };
  api.get('/api/peer/credit-notes/:reference', { ...peer, schema: { security: [], params: CreditNoteParams, response: { 200: CreditNote } } }, async (request) =>
    peerCreditNote(ctx, request.params.reference),
  );
  api.post('/api/peer/credit-notes/spend', { ...peer, schema: { security: [], body: SpendCreditNoteRequest, response: { 201: CreditNote } } }, async (request, reply) =>
    reply.code(201).send(await peerSpendCreditNote(ctx, peerOf(request), request.body)),
  );
  api.delete('/api/peer/credit-notes/spend/:reservationId', { ...peer, schema: { security: [], params: ReservationParams, response: { 200: ReleaseReturnResponse } } }, async (request) =>
    peerReleaseCreditNote(ctx, peerOf(request), request.params.reservationId),
  );
}
