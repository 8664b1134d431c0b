import { buildReturnLines } from '@comptoir/domain';
import { ComptoirError, type ReserveReturnRequest, type ReturnableTicket, type TicketPayload } from '@comptoir/protocol';
import { nowIso, type Ctx } from '../../context';
import {
  deleteUnusedReservation,
  insertReturnedUnits,
  lockOriginal,
  reservationRows,
  returnedByLine,
  useReservation,
  type OriginalRef,
} from './store-return.repository';

// Returns at any register of the store (issue 11, docs/architecture.md §17). Central knows every
// pushed ticket of the store and, in `returned_units`, every unit refunded or reserved for a refund,
// whatever register made the return.
// Phases of a reservation, in ONE transaction: lock the original ticket's row (FOR UPDATE on
// PostgreSQL; SQLite runs one write transaction at a time), read what is returned so far, check the
// request with the domain's return rule, insert the reservation's rows. Two tills asking at once are
// serialized on that lock: the second sees the first's units and is refused (409). The return
// ticket, pushed later, names its reservation: it marks those rows used, never counts them twice.
// A pushed return that names none (made offline at the original's register) adds its own rows.
// Invariant: per original line, the rows sum to what was refunded or is about to be.

type Register = { registerId: string; storeId: string };

async function originalInStore(ctx: Ctx, reg: Register, ref: OriginalRef, lock: boolean) {
  const t = await lockOriginal(ctx, ref, lock);
  if (!t || t.store_id !== reg.storeId) {
    throw new ComptoirError('NOT_FOUND', `No ticket ${ref.number} of register ${ref.registerId} in this store (or not received by central yet)`);
  }
  return t;
}

function returnable(t: NonNullable<Awaited<ReturnType<typeof lockOriginal>>>, returned: Record<number, number>): ReturnableTicket {
  const p = t.payload;
  return {
    ticket: {
      registerId: t.register_id,
      number: Number(t.number),
      kind: p.kind,
      totalCents: p.totalCents,
      soldAt: t.sold_at,
      soldOffline: p.soldOffline,
      cashierId: p.cashierId,
      customerId: p.customerId,
      lines: p.lines,
      vat: p.vat,
      payments: p.payments,
      changeCents: p.changeCents,
      signature: t.signature,
      integratedAt: t.integrated_at,
      original: p.original,
    },
    lines: p.lines.map((l) => ({ lineNo: l.lineNo, sold: l.quantity, returned: returned[l.lineNo] ?? 0 })),
  };
}

/** A ticket of the caller's store with what every register returned of it so far. */
export async function storeTicket(ctx: Ctx, reg: Register, ref: OriginalRef): Promise<ReturnableTicket> {
  const t = await originalInStore(ctx, reg, ref, false);
  return returnable(t, await returnedByLine(ctx, ref));
}

/** Reserves units for a return at the calling register; a retried reservation answers the same. */
export async function reserveReturn(ctx: Ctx, reg: Register, req: ReserveReturnRequest): Promise<ReturnableTicket> {
  return ctx.db.transaction().execute(async (trx) => {
    const tctx: Ctx = { ...ctx, db: trx };
    const t = await originalInStore(tctx, reg, req.original, true);
    if (t.kind !== 'sale') throw new ComptoirError('RETURN_REFUSED', `Ticket ${req.original.number} is a return, not a sale`);
    const held = await reservationRows(tctx, req.reservationId);
    if (held.length > 0) {
      if (held[0]!.returning_register_id !== reg.registerId || held[0]!.original_register_id !== req.original.registerId || Number(held[0]!.original_number) !== req.original.number) {
        throw new ComptoirError('CONFLICT', 'This reservation id is already used for another return');
      }
      return returnable(t, await returnedByLine(tctx, req.original));
    }
    const returned = await returnedByLine(tctx, req.original);
    const check = buildReturnLines(t.payload.lines, returned, req.lines);
    if (!check.ok) {
      const alone = buildReturnLines(t.payload.lines, {}, req.lines);
      if (alone.ok) {
        throw new ComptoirError('RETURN_ALREADY_REFUNDED', `Already refunded at a register of the store: ${check.message}`, {
          lines: t.payload.lines.map((l) => ({ lineNo: l.lineNo, sold: l.quantity, returned: returned[l.lineNo] ?? 0 })),
        });
      }
      throw new ComptoirError('RETURN_REFUSED', alone.message, { reason: alone.code });
    }
    await insertReturnedUnits(tctx, {
      reservationId: req.reservationId,
      storeId: reg.storeId,
      original: req.original,
      returningRegisterId: reg.registerId,
      returnNumber: null,
      createdAt: nowIso(ctx),
      lines: perLine(req.lines),
    });
    return returnable(t, await returnedByLine(tctx, req.original));
  });
}

/** Frees a reservation that no return used (the register's return failed after reserving). */
export async function releaseReturn(ctx: Ctx, reg: Register, reservationId: string): Promise<{ released: number }> {
  return { released: await deleteUnusedReservation(ctx, reservationId, reg.registerId) };
}

/**
 * Ingest (inside the push transaction): each return ticket pushed marks its reservation used, or —
 * made without one (offline, at the original's register) — adds its units. Older returns, signed
 * before `returnedLines` existed, say no line and are not counted here.
 */
export async function countPushedReturns(ctx: Ctx, reg: Register, tickets: { number: number; payload: TicketPayload }[]): Promise<void> {
  for (const { number, payload } of tickets) {
    if (payload.kind !== 'return' || !payload.original) continue;
    if (payload.reservationId && (await useReservation(ctx, payload.reservationId, reg.registerId, number)) > 0) continue;
    if (!payload.returnedLines?.length) continue;
    await insertReturnedUnits(ctx, {
      reservationId: payload.reservationId ?? `ticket:${reg.registerId}:${number}`,
      storeId: reg.storeId,
      original: payload.original,
      returningRegisterId: reg.registerId,
      returnNumber: number,
      createdAt: nowIso(ctx),
      lines: payload.returnedLines,
    });
  }
}

function perLine(lines: readonly { lineNo: number; quantity: number }[]): { lineNo: number; quantity: number }[] {
  const m = new Map<number, number>();
  for (const l of lines) m.set(l.lineNo, (m.get(l.lineNo) ?? 0) + l.quantity);
  return [...m].map(([lineNo, quantity]) => ({ lineNo, quantity }));
}
