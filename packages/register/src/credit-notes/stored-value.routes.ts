import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import {
  CreditNoteParams,
  GiftCardReferenceParams,
  ReleaseReturnResponse,
  ReservationParams,
  STORED_VALUE_KINDS,
  SpendCreditNoteRequest,
  storedValueOnWire,
  storedValueSchema,
  type StoredValueKind,
} from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { peerOf } from '../returns/peer-auth';
import { lookUpStoredValue, peerReleaseStoredValue, peerSpendStoredValue, peerStoredValue } from './stored-value.service';

/**
 * Credit notes (avoirs, §19) and gift cards (§25), one set of routes per kind: the cashier looks one
 * up before tendering it; the issuing register answers other registers of the store over the LAN
 * (signed calls, peer-auth.ts, whose guard the peer return routes install in the same scope). A
 * gift card is sold by `POST /api/gift-cards` (sales/sale.routes.ts).
 */
export function storedValueRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  for (const kind of Object.keys(STORED_VALUE_KINDS) as StoredValueKind[]) {
    const path = STORED_VALUE_KINDS[kind].path;
    const answer = storedValueSchema(kind);
    const params = kind === 'gift_card' ? GiftCardReferenceParams : CreditNoteParams;
    api.get(`/api/${path}/:reference`, { config: { access: 'cashier' }, schema: { params, response: { 200: answer } } }, async (request) =>
      storedValueOnWire(kind, await lookUpStoredValue(ctx, kind, request.params.reference)),
    );
    const peer = { config: { access: 'peer' as const } };
    api.get(`/api/peer/${path}/:reference`, { ...peer, schema: { security: [], params: CreditNoteParams, response: { 200: answer } } }, async (request) =>
      storedValueOnWire(kind, peerStoredValue(ctx, kind, request.params.reference)),
    );
    api.post(`/api/peer/${path}/spend`, { ...peer, schema: { security: [], body: SpendCreditNoteRequest, response: { 201: answer } } }, async (request, reply) =>
      reply.code(201).send(storedValueOnWire(kind, await peerSpendStoredValue(ctx, kind, peerOf(request), request.body))),
    );
    api.delete(`/api/peer/${path}/spend/:reservationId`, { ...peer, schema: { security: [], params: ReservationParams, response: { 200: ReleaseReturnResponse } } }, async (request) =>
      peerReleaseStoredValue(ctx, kind, peerOf(request), request.params.reservationId),
    );
  }
}
