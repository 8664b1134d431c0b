import type { FastifyInstance, FastifyRequest } from 'fastify';
import { verifyPeerRequest } from '@comptoir/domain';
import { ComptoirError, PEER_MAX_SKEW_MS, PeerHeaders } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { storeRegisterKey } from './store-registers.service';

// Who may call a `peer` route: another register of this register's store, and only it
// (docs/security.md, "register to register"). The caller signs the request with its NF525 key
// (domain peer-signing.ts); this register checks, before the body is validated: the four headers
// are there, the caller is a register of the store listed in its copy, the key id is one central
// lists for that register, the request is addressed to this register, the timestamp is within
// ±5 min, and the signature covers method, path, both registers, the time and the body.

declare module '@comptoir/http' {
  interface RouteAccessLevels {
    peer: true;
  }
}

declare module 'fastify' {
  interface FastifyRequest {
    peerRegisterId?: string;
  }
}

/** Installs the check on the routes of `app` (a plugin scope) that declare `access: 'peer'`. */
export function installPeerGuard(app: FastifyInstance, ctx: RegisterContext): void {
  app.addHook('preValidation', async (request) => {
    if (request.routeOptions.config?.access !== 'peer') return;
    request.peerRegisterId = verifyPeer(ctx, request);
  });
}

function verifyPeer(ctx: RegisterContext, request: FastifyRequest): string {
  const me = ctx.identity;
  if (!me) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const h = PeerHeaders.safeParse(request.headers);
  if (!h.success) throw new ComptoirError('UNAUTHENTICATED', 'A register of the store must sign this call (x-comptoir-peer, x-comptoir-timestamp, x-comptoir-key-id, x-comptoir-peer-signature)');
  const { 'x-comptoir-peer': from, 'x-comptoir-timestamp': timestamp, 'x-comptoir-key-id': keyId, 'x-comptoir-peer-signature': signature } = h.data;
  const key = from === me.registerId ? undefined : storeRegisterKey(ctx, from, keyId);
  if (!key) throw new ComptoirError('UNAUTHENTICATED', `Register ${from} with key ${keyId.slice(0, 12)}… is not a register of this store`);
  const skew = Math.abs(ctx.now().getTime() - Date.parse(timestamp));
  if (!(skew <= PEER_MAX_SKEW_MS)) throw new ComptoirError('UNAUTHENTICATED', `Timestamp ${timestamp} is outside the accepted window`);
  const ok = verifyPeerRequest(key, { method: request.method, path: request.url, from, to: me.registerId, timestamp, body: request.body ?? undefined }, signature);
  if (!ok) throw new ComptoirError('UNAUTHENTICATED', 'Bad signature');
  return from;
}

/** The calling register of a `peer` route (the guard guarantees it). */
export function peerOf(request: FastifyRequest): string {
  if (!request.peerRegisterId) throw new ComptoirError('UNAUTHENTICATED', 'A register of the store must sign this call');
  return request.peerRegisterId;
}
