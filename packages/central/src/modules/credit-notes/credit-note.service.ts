import { ComptoirError, type CreditNote, type EventPayload, type SpendCreditNoteRequest, type TicketPayload } from '@comptoir/protocol';
import { nowIso, type Ctx } from '../../context';
import { flagTicket } from '../returns/store-return.repository';
import { creditNoteRow, deleteUnusedSpend, insertCreditNote, insertSpend, spendRow, spentOf, useSpend } from './credit-note.repository';

// Credit notes (avoirs, issue 12 §3, docs/architecture.md §19), central's side. An avoir is the
// `credit_note` refund of a signed return ticket; central learns it when that return is pushed.
// Phases of a spend reservation, in ONE transaction: lock the avoir's row (FOR UPDATE on
// PostgreSQL; SQLite runs one write transaction at a time), sum what is spent or reserved so far,
// refuse beyond what is left (409 CREDIT_NOTE_SPENT), insert. Two tills spending the same avoir at
// once are serialized on that lock. The sale, pushed later, names the reservation: it marks it
// used, never counts it twice. A spent avoir that central does not know yet (issued offline, not
// pushed) is 404: the register then asks the issuing register over the LAN.
// Invariant: per avoir, the spends sum to what was spent or is about to be; beyond its amount only
// by a sale central could not refuse (signed offline), which is flagged.

type Register = { registerId: string; storeId: string };

function toCreditNote(row: NonNullable<Awaited<ReturnType<typeof creditNoteRow>>>, spent: number): CreditNote {
  const amount = Number(row.amount_cents);
  return { reference: row.reference, registerId: row.register_id, returnNumber: Number(row.return_number), amountCents: amount, spentCents: spent, balanceCents: amount - spent };
}

async function inStore(ctx: Ctx, reg: Register, reference: string, lock: boolean) {
  const row = await creditNoteRow(ctx, reference, lock);
  if (!row || row.store_id !== reg.storeId) throw new ComptoirError('NOT_FOUND', `No credit note ${reference} in this store (or not received by central yet)`);
  return row;
}

export async function creditNote(ctx: Ctx, reg: Register, reference: string): Promise<CreditNote> {
  const row = await inStore(ctx, reg, reference, false);
  return toCreditNote(row, await spentOf(ctx, reference));
}

export async function reserveCreditNote(ctx: Ctx, reg: Register, req: SpendCreditNoteRequest): Promise<CreditNote> {
  return ctx.db.transaction().execute(async (trx) => {
    const tctx: Ctx = { ...ctx, db: trx };
    const row = await inStore(tctx, reg, req.reference, true);
    const held = await spendRow(tctx, req.reservationId);
    if (held) {
      if (held.spending_register_id !== reg.registerId || held.reference !== req.reference) throw new ComptoirError('CONFLICT', 'This reservation id is already used for another spend');
      return toCreditNote(row, await spentOf(tctx, req.reference));
    }
    const spent = await spentOf(tctx, req.reference);
    const left = Number(row.amount_cents) - spent;
    if (req.amountCents > left) {
      throw new ComptoirError('CREDIT_NOTE_SPENT', `Credit note ${req.reference} has ${Math.max(0, left)} cents left, not ${req.amountCents}`, { balanceCents: Math.max(0, left) });
    }
    await insertSpend(tctx, { reservationId: req.reservationId, reference: req.reference, storeId: reg.storeId, amountCents: req.amountCents, spendingRegisterId: reg.registerId, ticketNumber: null, createdAt: nowIso(ctx) });
    return toCreditNote(row, spent + req.amountCents);
  });
}

export async function releaseCreditNote(ctx: Ctx, reg: Register, reservationId: string): Promise<{ released: number }> {
  return { released: await deleteUnusedSpend(ctx, reservationId, reg.registerId) };
}

/**
 * Ingest (inside the push transaction): a return's `credit_note` refund issues its avoir; a sale's
 * `credit_note` tender marks its reservation used or — reserved at the issuing register over the
 * LAN, or taken unchecked on a manager's approval — adds its spend. Flags (never refuses):
 * `credit_note_unchecked:REF` (spent with nobody to ask), `credit_note_overspent:REF` (spends beyond
 * the avoir's amount).
 */
export async function countPushedCreditNotes(ctx: Ctx, reg: Register, tickets: { number: number; payload: TicketPayload }[], at: string): Promise<void> {
  for (const { number, payload } of tickets) {
    for (const [seq, p] of payload.payments.entries()) {
      if (p.method !== 'credit_note' || !p.reference) continue;
      if (payload.kind === 'return') {
        await insertCreditNote(ctx, { reference: p.reference, storeId: reg.storeId, registerId: reg.registerId, returnNumber: number, amountCents: -p.amountCents, issuedAt: at });
        continue;
      }
      const ref = { registerId: reg.registerId, number };
      if (!(p.reservationId && (await useSpend(ctx, p.reservationId, reg.registerId, number)) > 0)) {
        await insertSpend(ctx, { reservationId: p.reservationId ?? `ticket:${reg.registerId}:${number}:${seq + 1}`, reference: p.reference, storeId: reg.storeId, amountCents: p.amountCents, spendingRegisterId: reg.registerId, ticketNumber: number, createdAt: at });
      }
      if (p.unchecked) await flagTicket(ctx, ref, `credit_note_unchecked:${p.reference}`);
      if (await overspent(ctx, p.reference)) await flagTicket(ctx, ref, `credit_note_overspent:${p.reference}`);
    }
  }
}

/** The issuing register's LAN reservations (`credit_note_reserved_for_peer` / `credit_note_released_for_peer` events). */
export async function countPeerCreditNotes(ctx: Ctx, reg: Register, events: EventPayload[], at: string): Promise<void> {
  for (const e of events) {
    const d = e.details;
    if (typeof d.reservationId !== 'string') continue;
    if (e.event === 'credit_note_released_for_peer') await deleteUnusedSpend(ctx, d.reservationId, null);
    if (e.event !== 'credit_note_reserved_for_peer' || typeof d.reference !== 'string' || typeof d.amountCents !== 'number' || typeof d.spendingRegisterId !== 'string') continue;
    await insertSpend(ctx, { reservationId: d.reservationId, reference: d.reference, storeId: reg.storeId, amountCents: d.amountCents, spendingRegisterId: d.spendingRegisterId, ticketNumber: null, createdAt: at });
  }
}

async function overspent(ctx: Ctx, reference: string): Promise<boolean> {
  const row = await creditNoteRow(ctx, reference, false);
  return row !== undefined && (await spentOf(ctx, reference)) > Number(row.amount_cents);
}
