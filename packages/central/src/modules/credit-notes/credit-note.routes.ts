import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { CreditNote, CreditNoteParams, ReleaseReturnResponse, ReservationParams, SpendCreditNoteRequest } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { registerOf } from '../auth/auth.guard';
import { creditNote, releaseCreditNote, reserveCreditNote } from './credit-note.service';

// Credit notes (avoirs): registers' tokens only, and only avoirs of their own store.
export function creditNoteRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/sync/credit-notes/:reference', { config: { access: 'register' }, schema: { params: CreditNoteParams, response: { 200: CreditNote } } }, async (request) =>
    creditNote(ctxOf(request), registerOf(request), request.params.reference),
  );
  api.post('/api/sync/credit-notes/spend', { config: { access: 'register' }, schema: { body: SpendCreditNoteRequest, response: { 201: CreditNote } } }, async (request, reply) =>
    reply.code(201).send(await reserveCreditNote(ctxOf(request), registerOf(request), request.body)),
  );
  api.delete('/api/sync/credit-notes/spend/:reservationId', { config: { access: 'register' }, schema: { params: ReservationParams, response: { 200: ReleaseReturnResponse } } }, async (request) =>
    releaseCreditNote(ctxOf(request), registerOf(request), request.params.reservationId),
  );
}
