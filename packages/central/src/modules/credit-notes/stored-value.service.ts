import { ComptoirError, STORED_VALUE_KINDS, parseStoredValueReference, type EventPayload, type SpendCreditNoteRequest, type StoredValue, type StoredValueKind, type TicketPayload } from '@comptoir/protocol';
import { nowIso, type Ctx } from '../../context';
import { flagTicket } from '../returns/store-return.repository';
import { deleteUnusedSpend, insertSpend, insertStoredValue, spendRow, spentOf, storedValueRow, useSpend } from './stored-value.repository';

// Stored values — credit notes (avoirs, §19) and gift cards (cartes cadeaux, §25) — central's side,
// ONE mechanism for both kinds. An avoir is the `credit_note` refund of a signed return ticket, a
// gift card the `giftCard` of a signed ticket selling it; central learns either when that ticket is
// pushed. Phases of a spend reservation, in ONE transaction: lock the row (FOR UPDATE on
// PostgreSQL; SQLite runs one write transaction at a time), sum what is spent or reserved so far,
// refuse beyond what is left (409 CREDIT_NOTE_SPENT / GIFT_CARD_SPENT), insert. Two tills spending
// the same one at once are serialized on that lock. The sale, pushed later, names the reservation:
// it marks it used, never counts it twice. One that central does not know yet (issued offline, not
// pushed) is 404: the register then asks the issuing register over the LAN.
// Invariant: per stored value, the spends sum to what was spent or is about to be; beyond its
// amount only by a sale central could not refuse (signed offline), which is flagged.

type Register = { registerId: string; storeId: string };
const WORDS: Record<StoredValueKind, string> = { credit_note: 'credit note', gift_card: 'gift card' };

function toStoredValue(row: NonNullable<Awaited<ReturnType<typeof storedValueRow>>>, spent: number): StoredValue {
  const amount = Number(row.amount_cents);
  return { reference: row.reference, registerId: row.register_id, ticketNumber: Number(row.return_number), amountCents: amount, spentCents: spent, balanceCents: amount - spent };
}

async function inStore(ctx: Ctx, kind: StoredValueKind, reg: Register, reference: string, lock: boolean) {
  const row = await storedValueRow(ctx, reference, lock);
  if (!row || row.store_id !== reg.storeId || row.kind !== kind) throw new ComptoirError('NOT_FOUND', `No ${WORDS[kind]} ${reference} in this store (or not received by central yet)`);
  return row;
}

export async function storedValue(ctx: Ctx, kind: StoredValueKind, reg: Register, reference: string): Promise<StoredValue> {
  const row = await inStore(ctx, kind, reg, reference, false);
  return toStoredValue(row, await spentOf(ctx, reference));
}

export async function reserveStoredValue(ctx: Ctx, kind: StoredValueKind, reg: Register, req: SpendCreditNoteRequest): Promise<StoredValue> {
  return ctx.db.transaction().execute(async (trx) => {
    const tctx: Ctx = { ...ctx, db: trx };
    const row = await inStore(tctx, kind, reg, req.reference, true);
    const held = await spendRow(tctx, req.reservationId);
    if (held) {
      if (held.spending_register_id !== reg.registerId || held.reference !== req.reference) throw new ComptoirError('CONFLICT', 'This reservation id is already used for another spend');
      return toStoredValue(row, await spentOf(tctx, req.reference));
    }
    const spent = await spentOf(tctx, req.reference);
    const left = Number(row.amount_cents) - spent;
    if (req.amountCents > left) {
      throw new ComptoirError(STORED_VALUE_KINDS[kind].spentCode, `${WORDS[kind]} ${req.reference} has ${Math.max(0, left)} cents left, not ${req.amountCents}`, { balanceCents: Math.max(0, left) });
    }
    await insertSpend(tctx, { reservationId: req.reservationId, reference: req.reference, storeId: reg.storeId, amountCents: req.amountCents, spendingRegisterId: reg.registerId, ticketNumber: null, createdAt: nowIso(ctx) });
    return toStoredValue(row, spent + req.amountCents);
  });
}

export async function releaseStoredValue(ctx: Ctx, _kind: StoredValueKind, reg: Register, reservationId: string): Promise<{ released: number }> {
  // The spend row goes and its release is kept (for the issuing register), together.
  return { released: await ctx.db.transaction().execute((trx) => deleteUnusedSpend({ ...ctx, db: trx }, reservationId, reg.registerId)) };
}

/**
 * Ingest (inside the push transaction): a return's `credit_note` refund issues its avoir, a ticket's
 * `giftCard` its gift card; a sale's `credit_note` / `gift_card` tender marks its reservation used
 * or — reserved at the issuing register over the LAN, or taken unchecked on a manager's approval —
 * adds its spend. Flags (never refuses): `<kind>_unchecked:REF` (spent with nobody to ask),
 * `<kind>_overspent:REF` (spends beyond its amount).
 */
export async function countPushedStoredValues(ctx: Ctx, reg: Register, tickets: { number: number; payload: TicketPayload }[], at: string): Promise<void> {
  for (const { number, payload } of tickets) {
    if (payload.giftCard) {
      await insertStoredValue(ctx, { kind: 'gift_card', reference: payload.giftCard.reference, storeId: reg.storeId, registerId: reg.registerId, ticketNumber: number, amountCents: payload.giftCard.amountCents, issuedAt: at });
    }
    for (const [seq, p] of payload.payments.entries()) {
      if ((p.method !== 'credit_note' && p.method !== 'gift_card') || !p.reference) continue;
      const kind: StoredValueKind = p.method;
      if (payload.kind === 'return') {
        if (kind === 'credit_note') await insertStoredValue(ctx, { kind, reference: p.reference, storeId: reg.storeId, registerId: reg.registerId, ticketNumber: number, amountCents: -p.amountCents, issuedAt: at });
        continue;
      }
      const ref = { registerId: reg.registerId, number };
      if (!(p.reservationId && (await useSpend(ctx, p.reservationId, reg.registerId, number)) > 0)) {
        await insertSpend(ctx, { reservationId: p.reservationId ?? `ticket:${reg.registerId}:${number}:${seq + 1}`, reference: p.reference, storeId: reg.storeId, amountCents: p.amountCents, spendingRegisterId: reg.registerId, ticketNumber: number, createdAt: at });
      }
      if (p.unchecked) await flagTicket(ctx, ref, `${kind}_unchecked:${p.reference}`);
      if (await overspent(ctx, p.reference)) await flagTicket(ctx, ref, `${kind}_overspent:${p.reference}`);
    }
  }
}

/** The issuing register's LAN reservations (`<kind>_reserved_for_peer` / `<kind>_released_for_peer` events). */
export async function countPeerStoredValues(ctx: Ctx, reg: Register, events: EventPayload[], at: string): Promise<void> {
  for (const e of events) {
    const d = e.details;
    if (typeof d.reservationId !== 'string') continue;
    if (e.event === 'credit_note_released_for_peer' || e.event === 'gift_card_released_for_peer') await deleteUnusedSpend(ctx, d.reservationId, null);
    if (e.event !== 'credit_note_reserved_for_peer' && e.event !== 'gift_card_reserved_for_peer') continue;
    if (typeof d.reference !== 'string' || typeof d.amountCents !== 'number' || typeof d.spendingRegisterId !== 'string') continue;
    if (!parseStoredValueReference(d.reference)) continue;
    await insertSpend(ctx, { reservationId: d.reservationId, reference: d.reference, storeId: reg.storeId, amountCents: d.amountCents, spendingRegisterId: d.spendingRegisterId, ticketNumber: null, createdAt: at });
  }
}

async function overspent(ctx: Ctx, reference: string): Promise<boolean> {
  const row = await storedValueRow(ctx, reference, false);
  return row !== undefined && (await spentOf(ctx, reference)) > Number(row.amount_cents);
}
