import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { CreditNoteParams, ReleaseReturnResponse, ReservationParams, STORED_VALUE_KINDS, SpendCreditNoteRequest, storedValueOnWire, storedValueSchema, type StoredValueKind } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { registerOf } from '../auth/auth.guard';
import { releaseStoredValue, reserveStoredValue, storedValue } from './stored-value.service';

// Credit notes (avoirs, §19) and gift cards (§25), one set of routes per kind: registers' tokens
// only, and only stored values of their own store.
export function storedValueRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  for (const kind of Object.keys(STORED_VALUE_KINDS) as StoredValueKind[]) {
    const path = `/api/sync/${STORED_VALUE_KINDS[kind].path}`;
    const answer = storedValueSchema(kind);
    api.get(`${path}/:reference`, { config: { access: 'register' }, schema: { params: CreditNoteParams, response: { 200: answer } } }, async (request) =>
      storedValueOnWire(kind, await storedValue(ctxOf(request), kind, registerOf(request), request.params.reference)),
    );
    api.post(`${path}/spend`, { config: { access: 'register' }, schema: { body: SpendCreditNoteRequest, response: { 201: answer } } }, async (request, reply) =>
      reply.code(201).send(storedValueOnWire(kind, await reserveStoredValue(ctxOf(request), kind, registerOf(request), request.body))),
    );
    api.delete(`${path}/spend/:reservationId`, { config: { access: 'register' }, schema: { params: ReservationParams, response: { 200: ReleaseReturnResponse } } }, async (request) =>
      releaseStoredValue(ctxOf(request), kind, registerOf(request), request.params.reservationId),
    );
  }
}
