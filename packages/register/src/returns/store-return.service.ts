import { randomUUID } from 'node:crypto';
import { ComptoirError, ERROR_CODES, type ErrorCode, type ReturnRequest, type ReturnableTicket } from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { requireApproval, storeRules, type Approver } from '../auth/approval.service';
import type { RegisterContext } from '../context';
import { createReturn, type ReservedOriginal, type SaleOutcome } from '../sales/sale.service';
import { CentralCallError } from '../sync/central-client';
import { trainingEnabled } from '../training/training.service';

// Returns at any register of the store (issue 11, docs/architecture.md §17), the register's side.
// Phases of `POST /api/returns`:
//  1. a replayed clientSaleId, training mode, a missing approval: answered locally, before any call;
//  2. connected: central reserves the units (one transaction there: two tills never refund the same
//     unit; the loser gets 409 RETURN_ALREADY_REFUNDED); for this register's own ticket, a ticket
//     central has not received yet, or central unreachable, falls back to the local count;
//  3. the return ticket is signed locally (createReturn, one SQLite transaction) naming the
//     reservation; if that fails, the reservation is released (best effort) and the error answered.
// A ticket of another register with central unreachable: 503 UNAVAILABLE_OFFLINE, nothing written
// (asking the original's register on the LAN is not built).

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
  if (!central) {
    if (own) return local();
    throw new ComptoirError('UNAVAILABLE_OFFLINE', 'The central server is unreachable: a ticket of another register can be returned only through it', { reason: 'central_unreachable' });
  }
  const reservationId = req.clientSaleId ?? randomUUID();
  let reserved: ReservedOriginal;
  try {
    const answer = await central.reserveReturn({ reservationId, original: { registerId: registerId!, number: req.original.number }, lines: req.lines });
    reserved = reservedFrom(answer, reservationId, req);
  } catch (e) {
    const err = fromCentral(e);
    // This register's own ticket: not received by central yet, or central gone — the local count decides.
    if (own && (err.code === 'NOT_FOUND' || err.code === 'UNAVAILABLE_OFFLINE')) return local();
    throw err;
  }
  try {
    return local(reserved);
  } catch (e) {
    await central.releaseReturn(reservationId).catch((r: unknown) => ctx.logger.warn({ err: r, reservationId }, 'return reservation not released'));
    throw e;
  }
}

/** A ticket of another register of the store, with what every register returned of it (asked of central). */
export async function storeTicket(ctx: RegisterContext, registerId: string, number: number): Promise<ReturnableTicket> {
  const central = ctx.mode() === 'connected' ? ctx.central : null;
  if (!central) throw fromCentral(new CentralCallError('network', 'not connected'));
  try {
    return await central.storeTicket(registerId, number);
  } catch (e) {
    throw fromCentral(e);
  }
}
