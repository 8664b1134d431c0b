import { randomUUID } from 'node:crypto';
import {
  ComptoirError,
  ERROR_CODES,
  creditNoteReference,
  eventPayload,
  parseCreditNoteReference,
  type CreditNote,
  type ErrorCode,
  type SaleRequest,
  type SpendCreditNoteRequest,
  type TicketPayload,
  type TicketPayment,
} from '@comptoir/protocol';
import { requireApproval, type Approver } from '../auth/approval.service';
import { appendRecord } from '../chain/record-chain';
import type { RegisterContext } from '../context';
import { CentralCallError } from '../sync/central-client';
import { PeerCallError } from '../returns/peer-client';
import { storeRegisterByPrefix } from '../returns/store-registers.service';

// Credit notes (avoirs, issue 12 §3, docs/architecture.md §19), the register's side. An avoir is the
// `credit_note` refund of a signed return ticket (the ticket chain numbers and signs it; its
// reference AV-<register>-<number> is printed on the return's receipt). Spending one is a sale's
// `credit_note` tender naming that reference. Who decides that a part of an avoir is spent once:
//  - central when this register reaches it (one transaction there, like returns: 409 CREDIT_NOTE_SPENT);
//  - this register, alone, for its own avoirs when central is gone (or does not know the avoir yet):
//    it counts what its own sales spent and what it reserved for other registers (`credit_note_spends`);
//  - for another register's avoir with central gone: that register, over the LAN (peer-auth.ts);
//  - nobody reachable: refused (503), or — with a manager's approval — taken `unchecked`, signed as
//    such, and flagged by central when the sale arrives.
// Phases of a sale paid with avoirs: check each avoir tender (async, above) → the sale's one SQLite
// transaction records this register's own spends (checking the balance there when central did not)
// → a sale that fails after a reservation frees it (best effort).

/** A checked avoir tender, as the sale signs it. */
export interface CreditNoteTender {
  index: number;
  reference: string;
  amountCents: number;
  reservationId: string;
  /** Reserved at central (or at the issuing register): the register records it, it does not judge it. */
  reservedElsewhere: boolean;
  unchecked: boolean;
  own: boolean;
  release(): Promise<void>;
}

const ownPrefix = (ctx: RegisterContext) => creditNoteReference(ctx.identity!.registerId, 1).slice(3, 11);

function parsed(reference: string) {
  const p = parseCreditNoteReference(reference);
  if (!p) throw new ComptoirError('PAYMENT_REFUSED', `Not a credit note reference: ${reference}`, { reason: 'credit_note_reference' });
  return p;
}

/** One of this register's avoirs with what is spent of it as this register knows; null when it issued none by that reference. */
export function ownCreditNote(ctx: RegisterContext, reference: string): CreditNote | null {
  const p = parsed(reference);
  if (p.registerPrefix !== ownPrefix(ctx)) return null;
  const row = ctx.q.recordByKey.get('ticket', p.returnNumber);
  if (!row) return null;
  const payload = JSON.parse(row.payload) as TicketPayload;
  const issued = payload.kind === 'return' ? payload.payments.find((x) => x.method === 'credit_note' && x.reference === reference) : undefined;
  if (!issued) return null;
  const spent = (ctx.sqlite.prepare('SELECT coalesce(sum(amount_cents), 0) AS s FROM credit_note_spends WHERE reference = ?').get(reference) as { s: number }).s;
  const amount = -issued.amountCents;
  return { reference, registerId: ctx.identity!.registerId, returnNumber: p.returnNumber, amountCents: amount, spentCents: spent, balanceCents: amount - spent };
}

/**
 * Records a spend of one of this register's avoirs. MUST run inside the caller's transaction (the
 * sale's, or a LAN reservation's). `check`: refuse beyond the balance this register knows.
 */
export function recordOwnSpend(ctx: RegisterContext, s: { reference: string; amountCents: number; reservationId: string; spendingRegisterId: string; check: boolean }): void {
  const note = ownCreditNote(ctx, s.reference);
  if (!note) throw new ComptoirError('NOT_FOUND', `No credit note ${s.reference} issued by this register`);
  if (ctx.sqlite.prepare('SELECT 1 FROM credit_note_spends WHERE reservation_id = ?').get(s.reservationId)) return;
  if (s.check && s.amountCents > note.balanceCents) {
    throw new ComptoirError('CREDIT_NOTE_SPENT', `Credit note ${s.reference} has ${Math.max(0, note.balanceCents)} cents left, not ${s.amountCents}`, { balanceCents: Math.max(0, note.balanceCents) });
  }
  ctx.sqlite
    .prepare('INSERT INTO credit_note_spends (reservation_id, reference, amount_cents, spending_register_id, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(s.reservationId, s.reference, s.amountCents, s.spendingRegisterId, ctx.now().toISOString());
}

function coded(e: unknown, who: string): ComptoirError {
  if (e instanceof ComptoirError) return e;
  if ((e instanceof CentralCallError || e instanceof PeerCallError) && e.kind === 'http') {
    const code = (e.code in ERROR_CODES ? e.code : 'CENTRAL_UNREACHABLE') as ErrorCode;
    return new ComptoirError(code, `${who}: ${e.message.replace(/^[A-Z]+ \S+: \d+ [A-Z_]+: /, '')}`, e.details);
  }
  return new ComptoirError('UNAVAILABLE_OFFLINE', `${who} cannot be reached`, { reason: 'credit_note_unchecked' });
}
const unreachable = (e: unknown) => (e instanceof CentralCallError || e instanceof PeerCallError) && e.kind === 'network';

/** An avoir of the store with what is left of it: central, else its issuing register (this one, or over the LAN). */
export async function lookUpCreditNote(ctx: RegisterContext, reference: string): Promise<CreditNote> {
  const ref = reference.trim().toUpperCase();
  const p = parsed(ref);
  if (ctx.mode() === 'connected' && ctx.central) {
    try {
      return await ctx.central.creditNote(ref);
    } catch (e) {
      if (!unreachable(e) && !(e instanceof CentralCallError && e.code === 'NOT_FOUND')) throw coded(e, 'central');
    }
  }
  const own = p.registerPrefix === ownPrefix(ctx) ? ownCreditNote(ctx, ref) : null;
  if (own) return own;
  if (p.registerPrefix === ownPrefix(ctx)) throw new ComptoirError('NOT_FOUND', `No credit note ${ref} issued by this register`);
  const peer = storeRegisterByPrefix(ctx, p.registerPrefix);
  if (!peer?.url || !ctx.peers) throw new ComptoirError('UNAVAILABLE_OFFLINE', `Credit note ${ref}: neither central nor its issuing register can be asked`, { reason: 'credit_note_unchecked' });
  try {
    return await ctx.peers.creditNote(peer, ref);
  } catch (e) {
    throw coded(e, peer.name);
  }
}

/**
 * Checks every avoir tender of a sale before its transaction (async: central or the issuing register
 * may be asked). Answers the tenders and the approval reasons they need (`credit_note_unchecked`
 * when nobody could be asked: without a manager's approval that is 403 APPROVAL_REQUIRED).
 */
export async function checkCreditNoteTenders(ctx: RegisterContext, req: SaleRequest, approver: Approver | null): Promise<{ tenders: CreditNoteTender[]; reasons: string[] }> {
  const tenders: CreditNoteTender[] = [];
  const reasons: string[] = [];
  try {
    for (const [index, pay] of req.payments.entries()) {
      if (pay.method !== 'credit_note') continue;
      if (!pay.reference) throw new ComptoirError('PAYMENT_REFUSED', 'A credit note tender names its reference', { reason: 'credit_note_reference' });
      const reference = pay.reference;
      const p = parsed(reference);
      const own = p.registerPrefix === ownPrefix(ctx);
      const reservationId = randomUUID();
      const body: SpendCreditNoteRequest = { reservationId, reference, amountCents: pay.amountCents };
      const base = { index, reference, amountCents: pay.amountCents, reservationId, own, unchecked: false };
      if (ctx.mode() === 'connected' && ctx.central) {
        const central = ctx.central;
        try {
          await central.reserveCreditNote(body);
          tenders.push({ ...base, reservedElsewhere: true, release: () => central.releaseCreditNote(reservationId).then(() => undefined) });
          continue;
        } catch (e) {
          if (!unreachable(e) && !(e instanceof CentralCallError && e.code === 'NOT_FOUND')) throw coded(e, 'central');
        }
      }
      if (own) {
        tenders.push({ ...base, reservedElsewhere: false, release: async () => undefined });
        continue;
      }
      const peer = storeRegisterByPrefix(ctx, p.registerPrefix);
      try {
        if (!peer?.url || !ctx.peers) throw new PeerCallError('network', 'issuing register unknown');
        const peers = ctx.peers;
        await peers.spendCreditNote(peer, body);
        tenders.push({ ...base, reservedElsewhere: true, release: () => peers.releaseCreditNote(peer, reservationId).then(() => undefined) });
      } catch (e) {
        if (!unreachable(e)) throw coded(e, peer?.name ?? 'the issuing register');
        // Nobody to ask: only on a manager's approval, signed, and flagged at central.
        requireApproval(approver, ['credit_note_unchecked']);
        reasons.push('credit_note_unchecked');
        tenders.push({ ...base, reservedElsewhere: false, unchecked: true, release: async () => undefined });
      }
    }
  } catch (e) {
    await releaseTenders(ctx, tenders);
    throw e;
  }
  return { tenders, reasons };
}

export async function releaseTenders(ctx: RegisterContext, tenders: readonly CreditNoteTender[]): Promise<void> {
  for (const t of tenders) await t.release().catch((e: unknown) => ctx.logger.warn({ err: String(e), reservationId: t.reservationId }, 'credit note reservation not released'));
}

/** The signed payment line of an avoir tender (inside the sale's transaction; this register's own avoirs are recorded here). */
export function signedTender(ctx: RegisterContext, pay: TicketPayment, t: CreditNoteTender): TicketPayment {
  if (t.own) recordOwnSpend(ctx, { reference: t.reference, amountCents: t.amountCents, reservationId: t.reservationId, spendingRegisterId: ctx.identity!.registerId, check: !t.reservedElsewhere });
  return { ...pay, reference: t.reference, ...(t.unchecked ? { unchecked: true as const } : { reservationId: t.reservationId }) };
}

// ---- the issuing register, asked by another register of the store over the LAN ----

export async function peerSpendCreditNote(ctx: RegisterContext, caller: string, req: SpendCreditNoteRequest): Promise<CreditNote> {
  const reference = req.reference.trim().toUpperCase();
  if (!ownCreditNote(ctx, reference)) throw new ComptoirError('NOT_FOUND', `No credit note ${reference} issued by this register`);
  let atCentral = false;
  const central = ctx.mode() === 'connected' ? ctx.central : null;
  const known = ctx.sqlite.prepare('SELECT 1 FROM credit_note_spends WHERE reservation_id = ?').get(req.reservationId);
  if (central && !known) {
    try {
      await central.reserveCreditNote({ ...req, reference });
      atCentral = true;
    } catch (e) {
      if (!unreachable(e) && !(e instanceof CentralCallError && e.code === 'NOT_FOUND')) throw coded(e, 'central');
    }
  }
  try {
    ctx.sqlite.transaction(() => {
      if (ctx.sqlite.prepare('SELECT 1 FROM credit_note_spends WHERE reservation_id = ?').get(req.reservationId)) return;
      recordOwnSpend(ctx, { reference, amountCents: req.amountCents, reservationId: req.reservationId, spendingRegisterId: caller, check: true });
      appendRecord(ctx, 'event', eventPayload('credit_note_reserved_for_peer', { reservationId: req.reservationId, reference, amountCents: req.amountCents, spendingRegisterId: caller }), ctx.now().toISOString());
    })();
  } catch (e) {
    if (atCentral) await central!.releaseCreditNote(req.reservationId).catch(() => undefined);
    throw e;
  }
  ctx.recordsAppended();
  return ownCreditNote(ctx, reference)!;
}

export async function peerReleaseCreditNote(ctx: RegisterContext, caller: string, reservationId: string): Promise<{ released: number }> {
  const released = ctx.sqlite.transaction(() => {
    const row = ctx.sqlite.prepare('SELECT reference FROM credit_note_spends WHERE reservation_id = ? AND spending_register_id = ?').get(reservationId, caller) as { reference: string } | undefined;
    if (!row) return 0;
    ctx.sqlite.prepare('DELETE FROM credit_note_spends WHERE reservation_id = ?').run(reservationId);
    appendRecord(ctx, 'event', eventPayload('credit_note_released_for_peer', { reservationId, reference: row.reference, spendingRegisterId: caller }), ctx.now().toISOString());
    return 1;
  })();
  if (released) {
    ctx.recordsAppended();
    if (ctx.mode() === 'connected') await ctx.central?.releaseCreditNote(reservationId).catch(() => undefined);
  }
  return { released };
}

export function peerCreditNote(ctx: RegisterContext, reference: string): CreditNote {
  const note = ownCreditNote(ctx, reference.trim().toUpperCase());
  if (!note) throw new ComptoirError('NOT_FOUND', `No credit note ${reference} issued by this register`);
  return note;
}
