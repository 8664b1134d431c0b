import { randomUUID } from 'node:crypto';
import { ComptoirError, ERROR_CODES, type ErrorCode, type ReturnRequest, type ReturnableTicket } from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { requireApproval, storeRules, type Approver } from '../auth/approval.service';
import type { RegisterContext } from '../context';
import { createReturn, type ReservedOriginal, type SaleOutcome } from '../sales/sale.service';
import { CentralCallError } from '../sync/central-client';
import { trainingEnabled } from '../training/training.service';
import { PeerCallError } from './peer-client';
import { storeRegister } from './store-registers.service';

// Returns at any register of the store (issue 11, docs/architecture.md §17), the register's side.
// Phases of `POST /api/returns`:
//  1. a replayed clientSaleId, training mode, a missing approval: answered locally, before any call;
//  2. connected: central reserves the units (one transaction there: two tills never refund the same
//     unit; the loser gets 409 RETURN_ALREADY_REFUNDED); for this register's own ticket, a ticket
//     central has not received yet, or central unreachable, falls back to the local count;
//  3. the return ticket is signed locally (createReturn, one SQLite transaction) naming the
//     reservation; if that fails, the reservation is released (best effort) and the error answered.
// A ticket of another register with central unreachable: the register that issued it is asked over
// the shop's LAN (peer-return.service.ts on its side: it reserves the units in its own transaction
// and signs that reservation for central); the return then names that reservation exactly as it
// would name central's. Neither reachable: 503 UNAVAILABLE_OFFLINE, nothing written.

/** A CentralCallError as the register's own coded error (network: central unreachable). */
function fromCentral(e: unknown): ComptoirError {
  if (!(e instanceof CentralCallError)) return e instanceof ComptoirError ? e : new ComptoirError('INTERNAL', String(e));
  if (e.kind === 'network') {
    return new ComptoirError('UNAVAILABLE_OFFLINE', 'The central server is unreachable: a ticket of another register can be returned only through it', { reason: 'central_unreachable' });
  }
  const code = (e.code in ERROR_CODES ? e.code : 'CENTRAL_UNREACHABLE') as ErrorCode;
  return new ComptoirError(code, e.message.replace(/^[A-Z]+ \S+: \d+ [A-Z_]+: /, ''), e.details);
}

function reservedFrom(answer: ReturnableTicket, reservationId: string, req: ReturnRequest): ReservedOriginal {
  const ours = new Map<number, number>();
  for (const l of req.lines) ours.set(l.lineNo, (ours.get(l.lineNo) ?? 0) + l.quantity);
  return {
    reservationId,
    registerId: answer.ticket.registerId,
    lines: answer.ticket.lines,
    customerId: answer.ticket.customerId,
    before: Object.fromEntries(answer.lines.map((l) => [l.lineNo, l.returned - (ours.get(l.lineNo) ?? 0)])),
  };
}

/** `timed` wraps the local commit (the register's commit-latency metric). */
export async function returnTicket(
  ctx: RegisterContext,
  req: ReturnRequest,
  actor: Actor,
  approver: Approver | null,
  timed: (commit: () => SaleOutcome) => SaleOutcome = (commit) => commit(),
): Promise<SaleOutcome> {
  const local = (reserved?: ReservedOriginal) => timed(() => createReturn(ctx, req, actor, approver, reserved));
  const identity = ctx.identity;
  const registerId = req.original.registerId ?? identity?.registerId;
  const own = !identity || registerId === identity.registerId;
  const replay = req.clientSaleId !== undefined && ctx.q.ticketByClientSaleId.get(req.clientSaleId) !== undefined;
  if (replay || !identity || trainingEnabled(ctx)) return local();
  requireApproval(approver, storeRules(ctx).returnsNeedApproval ? ['return'] : []);

  const central = ctx.mode() === 'connected' ? ctx.central : null;
  const reservationId = req.clientSaleId ?? randomUUID();
  if (!central) {
    if (own) return local();
    return viaIssuingRegister(ctx, req, registerId!, reservationId, local);
  }
  let reserved: ReservedOriginal;
  try {
    const answer = await central.reserveReturn({ reservationId, original: { registerId: registerId!, number: req.original.number }, lines: req.lines });
    reserved = reservedFrom(answer, reservationId, req);
  } catch (e) {
    const err = fromCentral(e);
    // This register's own ticket: not received by central yet, or central gone — the local count decides.
    if (own && (err.code === 'NOT_FOUND' || err.code === 'UNAVAILABLE_OFFLINE')) return local();
    if (!own && err.code === 'UNAVAILABLE_OFFLINE') return viaIssuingRegister(ctx, req, registerId!, reservationId, local);
    throw err;
  }
  try {
    return local(reserved);
  } catch (e) {
    await central.releaseReturn(reservationId).catch((r: unknown) => ctx.logger.warn({ err: r, reservationId }, 'return reservation not released'));
    throw e;
  }
}

/** Central unreachable: the issuing register reserves the units (LAN), then the return is signed here naming that reservation. */
async function viaIssuingRegister(
  ctx: RegisterContext,
  req: ReturnRequest,
  registerId: string,
  reservationId: string,
  local: (reserved: ReservedOriginal) => SaleOutcome,
): Promise<SaleOutcome> {
  const peer = issuingRegister(ctx, registerId);
  let answer: ReturnableTicket;
  try {
    answer = await ctx.peers!.reserveReturn(peer, { reservationId, number: req.original.number, lines: req.lines });
  } catch (e) {
    throw fromPeer(e, peer.name);
  }
  try {
    return local(reservedFrom(answer, reservationId, req));
  } catch (e) {
    await ctx.peers!.releaseReturn(peer, reservationId).catch((r: unknown) => ctx.logger.warn({ err: String(r), reservationId }, 'LAN return reservation not released'));
    throw e;
  }
}

/** The register that issued a ticket, from this register's list of the store's registers (else 503: nobody to ask). */
function issuingRegister(ctx: RegisterContext, registerId: string) {
  const peer = ctx.peers ? storeRegister(ctx, registerId) : undefined;
  if (!peer?.url) {
    throw new ComptoirError('UNAVAILABLE_OFFLINE', 'The central server is unreachable and the register that issued this ticket is not known here: it can be returned only through central', {
      reason: 'central_unreachable',
    });
  }
  return peer;
}

/** A PeerCallError as the register's own coded error (network: neither central nor the issuing register answers). */
function fromPeer(e: unknown, name: string): ComptoirError {
  if (!(e instanceof PeerCallError)) return e instanceof ComptoirError ? e : new ComptoirError('INTERNAL', String(e));
  if (e.kind === 'network') {
    return new ComptoirError('UNAVAILABLE_OFFLINE', `Neither the central server nor ${name}, the register that issued this ticket, can be reached: it cannot be returned now`, {
      reason: 'issuing_register_unreachable',
    });
  }
  const code = (e.code in ERROR_CODES ? e.code : 'CENTRAL_UNREACHABLE') as ErrorCode;
  return new ComptoirError(code, `${name}: ${e.message}`, e.details);
}

/** A ticket of another register of the store, with what every register returned of it (asked of central, else of its register on the LAN). */
export async function storeTicket(ctx: RegisterContext, registerId: string, number: number): Promise<ReturnableTicket> {
  const central = ctx.mode() === 'connected' ? ctx.central : null;
  try {
    if (!central) throw new CentralCallError('network', 'not connected');
    return await central.storeTicket(registerId, number);
  } catch (e) {
    const err = fromCentral(e);
    if (err.code !== 'UNAVAILABLE_OFFLINE') throw err;
  }
  const peer = issuingRegister(ctx, registerId);
  try {
    return await ctx.peers!.ticket(peer, number);
  } catch (e) {
    throw fromPeer(e, peer.name);
  }
}
