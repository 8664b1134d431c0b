import { buildReturnLines } from '@comptoir/domain';
import { ComptoirError, eventPayload, refuseGiftCardReturn, type PeerReserveRequest, type ReturnableTicket, type TicketPayload } from '@comptoir/protocol';
import { appendRecord } from '../chain/record-chain';
import type { RegisterContext } from '../context';
import { CentralCallError } from '../sync/central-client';
import { returnableTicket } from './return-quote.service';

// The issuing register's side of a return made at another register of the store while central is
// down (issue 11, docs/architecture.md §17). This register is the authority on its own tickets then:
// it knows its own returns, the units it reserved for other registers, and what other registers
// returned through central (pulled while connected, store-registers.service.ts).
// Phases of a reservation (`POST /api/peer/returns`):
//  1. when this register still reaches central, central reserves first (under this register's
//     token, with the caller's reservation id): central stays the one judge whenever it can be asked;
//  2. ONE SQLite transaction: a known reservation id answers the same (a retried call); the ticket
//     must be one of this register's sales; what is refunded or reserved so far, plus this request,
//     must fit what was sold (else 409 RETURN_ALREADY_REFUNDED, nothing written); the units are
//     written to `peer_reservations` and a `return_reserved_for_peer` event is signed beside them
//     (pushed with this register's records: central counts it under the same reservation id as the
//     return ticket the caller signs, so whichever arrives first counts the units, once);
//  3. a refusal at phase 2 frees central's reservation of phase 1.

type ReservationRow = { reservation_id: string; line_no: number; original_number: number; quantity: number; returning_register_id: string };

const lineText = (lines: readonly { lineNo: number; quantity: number }[]) => lines.map((l) => `${l.lineNo}:${l.quantity}`).join(',');

function perLine(lines: readonly { lineNo: number; quantity: number }[]): { lineNo: number; quantity: number }[] {
  const m = new Map<number, number>();
  for (const l of lines) m.set(l.lineNo, (m.get(l.lineNo) ?? 0) + l.quantity);
  return [...m].map(([lineNo, quantity]) => ({ lineNo, quantity }));
}

/** One of this register's sales with what is returned of it, for another register of the store. */
export async function peerTicket(ctx: RegisterContext, number: number): Promise<ReturnableTicket> {
  return returnableTicket(ctx, number);
}

export async function peerReserveReturn(ctx: RegisterContext, caller: string, req: PeerReserveRequest): Promise<ReturnableTicket> {
  const me = ctx.identity!;
  const lines = perLine(req.lines);
  const central = ctx.mode() === 'connected' ? ctx.central : null;
  let atCentral = false;
  if (central && !reservationRows(ctx, req.reservationId).length) {
    try {
      await central.reserveReturn({ reservationId: req.reservationId, original: { registerId: me.registerId, number: req.number }, lines });
      atCentral = true;
    } catch (e) {
      // Central gone meanwhile, or this ticket not pushed yet: this register decides alone.
      if (!(e instanceof CentralCallError) || (e.kind === 'http' && e.code !== 'NOT_FOUND')) throw asComptoir(e);
    }
  }
  try {
    reserveLocally(ctx, caller, req, lines);
  } catch (e) {
    if (atCentral) await central!.releaseReturn(req.reservationId).catch((r: unknown) => ctx.logger.warn({ err: String(r) }, 'central reservation not released'));
    throw e;
  }
  return returnableTicket(ctx, req.number);
}

function reserveLocally(ctx: RegisterContext, caller: string, req: PeerReserveRequest, lines: { lineNo: number; quantity: number }[]): void {
  let appended = false;
  ctx.sqlite.transaction(() => {
    const held = reservationRows(ctx, req.reservationId);
    if (held.length > 0) {
      if (held[0]!.returning_register_id !== caller || held[0]!.original_number !== req.number) {
        throw new ComptoirError('CONFLICT', 'This reservation id is already used for another return');
      }
      return;
    }
    const original = ctx.q.ticketByNumber.get(req.number);
    if (!original || original.kind !== 'sale') throw new ComptoirError('NOT_FOUND', `No sale numbered ${req.number} on this register`);
    const payload = JSON.parse(ctx.q.recordByKey.get('ticket', req.number)!.payload) as TicketPayload;
    refuseGiftCardReturn(payload, req.number);
    const sold = payload.lines;
    const already: Record<number, number> = {};
    for (const r of ctx.q.returnedByLine.all(req.number)) already[r.line_no] = r.quantity;
    const check = buildReturnLines(sold, already, lines);
    if (!check.ok) {
      const alone = buildReturnLines(sold, {}, lines);
      if (!alone.ok) throw new ComptoirError('RETURN_REFUSED', alone.message, { reason: alone.code });
      throw new ComptoirError('RETURN_ALREADY_REFUNDED', `Already refunded at a register of the store: ${check.message}`, {
        lines: sold.map((l) => ({ lineNo: l.lineNo, sold: l.quantity, returned: already[l.lineNo] ?? 0 })),
      });
    }
    const at = ctx.now().toISOString();
    const put = ctx.sqlite.prepare(
      'INSERT INTO peer_reservations (reservation_id, line_no, original_number, quantity, returning_register_id, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const l of lines) put.run(req.reservationId, l.lineNo, req.number, l.quantity, caller, at);
    appendRecord(ctx, 'event', eventPayload('return_reserved_for_peer', { reservationId: req.reservationId, number: req.number, returningRegisterId: caller, lines: lineText(lines) }), at);
    appended = true;
  })();
  if (appended) ctx.recordsAppended();
}

/** Frees a LAN reservation the calling register did not use (its return failed after reserving). */
export async function peerReleaseReturn(ctx: RegisterContext, caller: string, reservationId: string): Promise<{ released: number }> {
  const released = ctx.sqlite.transaction(() => {
    const held = reservationRows(ctx, reservationId).filter((r) => r.returning_register_id === caller);
    if (held.length === 0) return 0;
    ctx.sqlite.prepare('DELETE FROM peer_reservations WHERE reservation_id = ?').run(reservationId);
    ctx.sqlite.prepare('DELETE FROM store_returned_units WHERE reservation_id = ?').run(reservationId);
    appendRecord(ctx, 'event', eventPayload('return_released_for_peer', { reservationId, number: held[0]!.original_number, returningRegisterId: caller }), ctx.now().toISOString());
    return held.length;
  })();
  if (released > 0) {
    ctx.recordsAppended();
    if (ctx.mode() === 'connected') await ctx.central?.releaseReturn(reservationId).catch(() => undefined);
  }
  return { released };
}

function reservationRows(ctx: RegisterContext, reservationId: string): ReservationRow[] {
  return ctx.sqlite.prepare('SELECT * FROM peer_reservations WHERE reservation_id = ? ORDER BY line_no').all(reservationId) as ReservationRow[];
}

function asComptoir(e: unknown): ComptoirError {
  if (e instanceof ComptoirError) return e;
  if (e instanceof CentralCallError && e.kind === 'http') return new ComptoirError(e.code as never, e.message.replace(/^[A-Z]+ \S+: \d+ [A-Z_]+: /, ''), e.details);
  return new ComptoirError('INTERNAL', String(e));
}
