import { buildReturnLines } from '@comptoir/domain';
import { ComptoirError, refuseGiftCardReturn, type EventPayload, type ReserveReturnRequest, type ReturnableTicket, type ReturnedUnitsResponse, type StoreRegistersResponse, type TicketPayload } from '@comptoir/protocol';
import { releasesOfStoredValuesOf, spendsOfStoredValuesOf } from '../credit-notes/stored-value.repository';
import { nowIso, type Ctx } from '../../context';
import { httpOrigin } from '../registers/advertised-url';
import {
  deleteUnusedReservation,
  deleteUnusedReservationRows,
  releasesOfReturnsOf,
  flagTicket,
  returnedUnitsOfTicketsOf,
  storeRegisterRows,
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
    refuseGiftCardReturn(t.payload, req.original.number);
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
  // The rows go and their release is kept (for the issuing register), together.
  return { released: await ctx.db.transaction().execute((trx) => deleteUnusedReservation({ ...ctx, db: trx }, reservationId, reg.registerId)) };
}

/**
 * Ingest (inside the push transaction): each return ticket pushed marks its reservation used, or —
 * made without one (offline, at the original's register), or reserved at the original's register
 * over the LAN (central down) — adds its units. Older returns, signed before `returnedLines`
 * existed, say no line and are not counted here. A return that takes a line beyond what was sold
 * (the original's register refunded offline units another register had already refunded through
 * central) is integrated — a signed ticket is a legal fact — and flagged `already_refunded:L<line>`.
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
    for (const lineNo of await linesBeyondSold(ctx, payload.original)) await flagTicket(ctx, { registerId: reg.registerId, number }, `already_refunded:L${lineNo}`);
  }
}

/**
 * Ingest of the issuing register's LAN reservations (events `return_reserved_for_peer` /
 * `return_released_for_peer`, pushed with its other records once central is back): the units count
 * at central under the reservation id the returning register's ticket names, so whichever of the two
 * arrives first counts them, once. A reservation beyond what was sold flags the original ticket.
 */
export async function countPeerReservations(ctx: Ctx, reg: Register, events: EventPayload[]): Promise<void> {
  for (const e of events) {
    const d = e.details;
    if (typeof d.reservationId !== 'string') continue;
    if (e.event === 'return_released_for_peer') {
      await deleteUnusedReservationRows(ctx, d.reservationId);
      continue;
    }
    if (e.event !== 'return_reserved_for_peer' || typeof d.number !== 'number' || typeof d.returningRegisterId !== 'string' || typeof d.lines !== 'string') continue;
    const original = { registerId: reg.registerId, number: d.number };
    await insertReturnedUnits(ctx, {
      reservationId: d.reservationId,
      storeId: reg.storeId,
      original,
      returningRegisterId: d.returningRegisterId,
      returnNumber: null,
      createdAt: nowIso(ctx),
      lines: parsePeerLines(d.lines),
    });
    for (const lineNo of await linesBeyondSold(ctx, original)) await flagTicket(ctx, original, `refunded_beyond_sale:L${lineNo}`);
  }
}

/** `lines` of a LAN reservation event: `lineNo:quantity` pairs joined by commas (event details are flat). */
export function parsePeerLines(text: string): { lineNo: number; quantity: number }[] {
  return text
    .split(',')
    .map((pair) => pair.split(':').map(Number) as [number, number])
    .filter(([lineNo, quantity]) => Number.isInteger(lineNo) && lineNo > 0 && Number.isInteger(quantity) && quantity > 0)
    .map(([lineNo, quantity]) => ({ lineNo, quantity }));
}

/** Lines of the original whose returned units exceed what it sold (none when the original is not here yet). */
async function linesBeyondSold(ctx: Ctx, ref: OriginalRef): Promise<number[]> {
  const t = await lockOriginal(ctx, ref, false);
  if (!t) return [];
  const returned = await returnedByLine(ctx, ref);
  return t.payload.lines.filter((l) => (returned[l.lineNo] ?? 0) > l.quantity).map((l) => l.lineNo);
}

/** The other registers of the caller's store: where they listen and their keys (LAN calls while central is down). */
export async function storeRegisters(ctx: Ctx, reg: Register): Promise<StoreRegistersResponse> {
  const rows = await storeRegisterRows(ctx, reg.storeId, reg.registerId);
  return {
    items: rows.map((r) => ({
      registerId: r.id,
      name: r.name,
      url: r.advertised_url ? httpOrigin(r.advertised_url) : null,
      keys: r.keys.map((k) => ({ keyId: k.key_id, publicKeyPem: k.public_key_pem })),
    })),
  };
}

/** Units of the caller's tickets other registers returned through central, and spends of its avoirs and gift cards by them, with the reservations of both freed since (the caller stays authoritative for both offline). */
export async function returnedUnits(ctx: Ctx, reg: Register, since: string | undefined): Promise<ReturnedUnitsResponse> {
  const [rows, freedReturns, spends, releases] = await Promise.all([
    returnedUnitsOfTicketsOf(ctx, reg.registerId, since),
    releasesOfReturnsOf(ctx, reg.registerId, since),
    spendsOfStoredValuesOf(ctx, reg.registerId, since),
    releasesOfStoredValuesOf(ctx, reg.registerId, since),
  ]);
  return {
    serverTime: nowIso(ctx),
    storedValueSpends: spends.map((s) => ({ reservationId: s.reservation_id, reference: s.reference, amountCents: Number(s.amount_cents), spendingRegisterId: s.spending_register_id, createdAt: s.created_at })),
    releasedStoredValueSpends: releases.map((r) => ({ reservationId: r.reservation_id, createdAt: r.spend_created_at })),
    releasedReservations: freedReturns.map((r) => ({ reservationId: r.reservation_id, createdAt: r.reserved_at })),
    items: rows.map((r) => ({
      reservationId: r.reservation_id,
      lineNo: r.line_no,
      originalNumber: Number(r.original_number),
      quantity: r.quantity,
      returningRegisterId: r.returning_register_id,
      createdAt: r.created_at,
    })),
  };
}

function perLine(lines: readonly { lineNo: number; quantity: number }[]): { lineNo: number; quantity: number }[] {
  const m = new Map<number, number>();
  for (const l of lines) m.set(l.lineNo, (m.get(l.lineNo) ?? 0) + l.quantity);
  return [...m].map(([lineNo, quantity]) => ({ lineNo, quantity }));
}
