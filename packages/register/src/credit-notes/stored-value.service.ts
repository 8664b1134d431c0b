import { randomUUID } from 'node:crypto';
import {
  ComptoirError,
  ERROR_CODES,
  STORED_VALUE_KINDS,
  eventPayload,
  parseStoredValueReference,
  storedValueReference,
  type ErrorCode,
  type SaleRequest,
  type SpendCreditNoteRequest,
  type StoredValue,
  type StoredValueKind,
  type TicketPayload,
  type TicketPayment,
} from '@comptoir/protocol';
import { requireApproval, type Approver } from '../auth/approval.service';
import { appendRecord } from '../chain/record-chain';
import type { RegisterContext } from '../context';
import { CentralCallError } from '../sync/central-client';
import { PeerCallError } from '../returns/peer-client';
import { storeRegisterByPrefix } from '../returns/store-registers.service';

// Stored values — credit notes (avoirs, §19) and gift cards (cartes cadeaux, §25) — the register's
// side: ONE mechanism for both, parameterised by kind. Each is a signed ticket of the ticket chain
// (an avoir: the `credit_note` refund of a return; a gift card: a ticket selling it, `giftCard`),
// its reference AV-/CC-<register>-<number> printed on the receipt. Spending one is a sale's tender
// (`credit_note` / `gift_card`) naming that reference. Who decides that a part is spent once:
//  - central when this register reaches it (one transaction there, like returns: 409 CREDIT_NOTE_SPENT / GIFT_CARD_SPENT);
//  - this register, alone, for its own when central is gone (or does not know it yet): it counts
//    what its own sales spent and what it reserved for other registers (`credit_note_spends`, both kinds);
//  - for another register's with central gone: that register, over the LAN (peer-auth.ts);
//  - nobody reachable: refused (403 APPROVAL_REQUIRED), or — with a manager's approval — taken
//    `unchecked`, signed as such, and flagged by central when the sale arrives.
// Phases of a sale paid with stored values: check each such tender (async, above) → the sale's one
// SQLite transaction records this register's own spends (checking the balance there when central
// did not) → a sale that fails after a reservation frees it (best effort).

/** A checked stored-value tender, as the sale signs it. */
export interface StoredValueTender {
  index: number;
  kind: StoredValueKind;
  reference: string;
  amountCents: number;
  reservationId: string;
  /** Reserved at central (or at the issuing register): the register records it, it does not judge it. */
  reservedElsewhere: boolean;
  unchecked: boolean;
  own: boolean;
  release(): Promise<void>;
}

/** A sale's stored-value tenders as checked before its transaction, and the approvals they need. */
export type CheckedStoredValues = { tenders: StoredValueTender[]; reasons: string[] };

const WORDS: Record<StoredValueKind, string> = { credit_note: 'credit note', gift_card: 'gift card' };
export const isStoredValueMethod = (m: string): m is StoredValueKind => m in STORED_VALUE_KINDS;

const ownPrefix = (ctx: RegisterContext) => storedValueReference('credit_note', ctx.identity!.registerId, 1).slice(3, 11);

function parsed(kind: StoredValueKind, reference: string) {
  const p = parseStoredValueReference(reference);
  if (!p || p.kind !== kind) throw new ComptoirError('PAYMENT_REFUSED', `Not a ${WORDS[kind]} reference: ${reference}`, { reason: `${kind}_reference` });
  return p;
}

/** What the issuing ticket says the stored value is worth; undefined when that ticket issues none by that reference. */
function issuedCents(kind: StoredValueKind, payload: TicketPayload, reference: string): number | undefined {
  if (kind === 'gift_card') return payload.giftCard?.reference === reference ? payload.giftCard.amountCents : undefined;
  const refund = payload.kind === 'return' ? payload.payments.find((x) => x.method === 'credit_note' && x.reference === reference) : undefined;
  return refund ? -refund.amountCents : undefined;
}

/** What this register counts as spent of one of its stored values (its own sales' spends and its LAN reservations). */
export function spentHere(ctx: RegisterContext, reference: string): number {
  return (ctx.sqlite.prepare('SELECT coalesce(sum(amount_cents), 0) AS s FROM credit_note_spends WHERE reference = ?').get(reference) as { s: number }).s;
}

/** One of this register's stored values with what is spent of it as this register knows; null when it issued none by that reference. */
export function ownStoredValue(ctx: RegisterContext, kind: StoredValueKind, reference: string): StoredValue | null {
  const p = parsed(kind, reference);
  if (p.registerPrefix !== ownPrefix(ctx)) return null;
  const row = ctx.q.recordByKey.get('ticket', p.ticketNumber);
  if (!row) return null;
  const amount = issuedCents(kind, JSON.parse(row.payload) as TicketPayload, reference);
  if (amount === undefined) return null;
  const spent = spentHere(ctx, reference);
  return { reference, registerId: ctx.identity!.registerId, ticketNumber: p.ticketNumber, amountCents: amount, spentCents: spent, balanceCents: amount - spent };
}

const notIssuedHere = (kind: StoredValueKind, reference: string) => new ComptoirError('NOT_FOUND', `No ${WORDS[kind]} ${reference} issued by this register`);
/**
 * A reference whose prefix names no register of the store (in the copy) was issued by none: it is
 * unknown, never "unchecked" (a made-up reference must not be taken on a manager's approval).
 */
const noSuchIssuer = (kind: StoredValueKind, reference: string) => new ComptoirError('NOT_FOUND', `No register of this store issues ${WORDS[kind]} ${reference}`);

/**
 * Records a spend of one of this register's stored values. MUST run inside the caller's transaction
 * (the sale's, or a LAN reservation's). `check`: refuse beyond the balance this register knows.
 */
export function recordOwnSpend(ctx: RegisterContext, kind: StoredValueKind, s: { reference: string; amountCents: number; reservationId: string; spendingRegisterId: string; check: boolean }): void {
  const value = ownStoredValue(ctx, kind, s.reference);
  if (!value) throw notIssuedHere(kind, s.reference);
  if (ctx.sqlite.prepare('SELECT 1 FROM credit_note_spends WHERE reservation_id = ?').get(s.reservationId)) return;
  if (s.check && s.amountCents > value.balanceCents) {
    const left = Math.max(0, value.balanceCents);
    throw new ComptoirError(STORED_VALUE_KINDS[kind].spentCode, `${WORDS[kind]} ${s.reference} has ${left} cents left, not ${s.amountCents}`, { balanceCents: left });
  }
  ctx.sqlite
    .prepare('INSERT INTO credit_note_spends (reservation_id, reference, amount_cents, spending_register_id, created_at) VALUES (?, ?, ?, ?, ?)')
    .run(s.reservationId, s.reference, s.amountCents, s.spendingRegisterId, ctx.now().toISOString());
}

function coded(kind: StoredValueKind, e: unknown, who: string): ComptoirError {
  if (e instanceof ComptoirError) return e;
  if ((e instanceof CentralCallError || e instanceof PeerCallError) && e.kind === 'http') {
    const code = (e.code in ERROR_CODES ? e.code : 'CENTRAL_UNREACHABLE') as ErrorCode;
    return new ComptoirError(code, `${who}: ${e.message.replace(/^[A-Z]+ \S+: \d+ [A-Z_]+: /, '')}`, e.details);
  }
  return new ComptoirError('UNAVAILABLE_OFFLINE', `${who} cannot be reached`, { reason: `${kind}_unchecked` });
}
const unreachable = (e: unknown) => (e instanceof CentralCallError || e instanceof PeerCallError) && e.kind === 'network';
const centralCannotSay = (e: unknown) => unreachable(e) || (e instanceof CentralCallError && e.code === 'NOT_FOUND');

/** A stored value of the store with what is left of it: central, else its issuing register (this one, or over the LAN). */
export async function lookUpStoredValue(ctx: RegisterContext, kind: StoredValueKind, reference: string): Promise<StoredValue> {
  const ref = reference.trim().toUpperCase();
  const p = parsed(kind, ref);
  if (ctx.mode() === 'connected' && ctx.central) {
    try {
      return await ctx.central.storedValue(kind, ref);
    } catch (e) {
      if (!centralCannotSay(e)) throw coded(kind, e, 'central');
    }
  }
  if (p.registerPrefix === ownPrefix(ctx)) {
    const own = ownStoredValue(ctx, kind, ref);
    if (!own) throw notIssuedHere(kind, ref);
    return own;
  }
  const peer = storeRegisterByPrefix(ctx, p.registerPrefix);
  if (!peer) throw noSuchIssuer(kind, ref);
  if (!peer.url || !ctx.peers) throw new ComptoirError('UNAVAILABLE_OFFLINE', `${WORDS[kind]} ${ref}: neither central nor its issuing register can be asked`, { reason: `${kind}_unchecked` });
  try {
    return await ctx.peers.storedValue(kind, peer, ref);
  } catch (e) {
    throw coded(kind, e, peer.name);
  }
}

/**
 * Checks every stored-value tender of a sale before its transaction (async: central or the issuing
 * register may be asked). Answers the tenders and the approval reasons they need
 * (`credit_note_unchecked` / `gift_card_unchecked` when nobody could be asked: without a manager's
 * approval that is 403 APPROVAL_REQUIRED).
 */
export async function checkStoredValueTenders(ctx: RegisterContext, req: SaleRequest, approver: Approver | null): Promise<CheckedStoredValues> {
  const tenders: StoredValueTender[] = [];
  const reasons: string[] = [];
  try {
    for (const [index, pay] of req.payments.entries()) {
      const kind = pay.method;
      if (!isStoredValueMethod(kind)) continue;
      if (!pay.reference) throw new ComptoirError('PAYMENT_REFUSED', `A ${WORDS[kind]} tender names its reference`, { reason: `${kind}_reference` });
      const reference = pay.reference;
      const p = parsed(kind, reference);
      const own = p.registerPrefix === ownPrefix(ctx);
      const reservationId = randomUUID();
      const body: SpendCreditNoteRequest = { reservationId, reference, amountCents: pay.amountCents };
      const base = { index, kind, reference, amountCents: pay.amountCents, reservationId, own, unchecked: false };
      if (ctx.mode() === 'connected' && ctx.central) {
        const central = ctx.central;
        try {
          await central.reserveStoredValue(kind, body);
          tenders.push({ ...base, reservedElsewhere: true, release: () => central.releaseStoredValue(kind, reservationId).then(() => undefined) });
          continue;
        } catch (e) {
          if (!centralCannotSay(e)) throw coded(kind, e, 'central');
        }
      }
      if (own) {
        tenders.push({ ...base, reservedElsewhere: false, release: async () => undefined });
        continue;
      }
      const peer = storeRegisterByPrefix(ctx, p.registerPrefix);
      if (!peer) throw noSuchIssuer(kind, reference);
      try {
        if (!peer.url || !ctx.peers) throw new PeerCallError('network', 'issuing register has no address');
        const peers = ctx.peers;
        await peers.spendStoredValue(kind, peer, body);
        tenders.push({ ...base, reservedElsewhere: true, release: () => peers.releaseStoredValue(kind, peer, reservationId).then(() => undefined) });
      } catch (e) {
        if (!unreachable(e)) throw coded(kind, e, peer?.name ?? 'the issuing register');
        // Nobody to ask: only on a manager's approval, signed, and flagged at central.
        requireApproval(approver, [`${kind}_unchecked`]);
        reasons.push(`${kind}_unchecked`);
        tenders.push({ ...base, reservedElsewhere: false, unchecked: true, release: async () => undefined });
      }
    }
  } catch (e) {
    await releaseTenders(ctx, tenders);
    throw e;
  }
  return { tenders, reasons: [...new Set(reasons)] };
}

export async function releaseTenders(ctx: RegisterContext, tenders: readonly StoredValueTender[]): Promise<void> {
  for (const t of tenders) await t.release().catch((e: unknown) => ctx.logger.warn({ err: String(e), reservationId: t.reservationId }, `${WORDS[t.kind]} reservation not released`));
}

/** The signed payment line of a stored-value tender (inside the sale's transaction; this register's own are recorded here). */
export function signedTender(ctx: RegisterContext, pay: TicketPayment, t: StoredValueTender): TicketPayment {
  if (t.own) recordOwnSpend(ctx, t.kind, { reference: t.reference, amountCents: t.amountCents, reservationId: t.reservationId, spendingRegisterId: ctx.identity!.registerId, check: !t.reservedElsewhere });
  return { ...pay, reference: t.reference, ...(t.unchecked ? { unchecked: true as const } : { reservationId: t.reservationId }) };
}

// ---- the issuing register, asked by another register of the store over the LAN ----

export async function peerSpendStoredValue(ctx: RegisterContext, kind: StoredValueKind, caller: string, req: SpendCreditNoteRequest): Promise<StoredValue> {
  const reference = req.reference.trim().toUpperCase();
  if (!ownStoredValue(ctx, kind, reference)) throw notIssuedHere(kind, reference);
  let atCentral = false;
  const central = ctx.mode() === 'connected' ? ctx.central : null;
  const known = ctx.sqlite.prepare('SELECT 1 FROM credit_note_spends WHERE reservation_id = ?').get(req.reservationId);
  if (central && !known) {
    try {
      await central.reserveStoredValue(kind, { ...req, reference });
      atCentral = true;
    } catch (e) {
      if (!centralCannotSay(e)) throw coded(kind, e, 'central');
    }
  }
  try {
    ctx.sqlite.transaction(() => {
      if (ctx.sqlite.prepare('SELECT 1 FROM credit_note_spends WHERE reservation_id = ?').get(req.reservationId)) return;
      recordOwnSpend(ctx, kind, { reference, amountCents: req.amountCents, reservationId: req.reservationId, spendingRegisterId: caller, check: true });
      appendRecord(ctx, 'event', eventPayload(`${kind}_reserved_for_peer`, { reservationId: req.reservationId, reference, amountCents: req.amountCents, spendingRegisterId: caller }), ctx.now().toISOString());
    })();
  } catch (e) {
    if (atCentral) await central!.releaseStoredValue(kind, req.reservationId).catch(() => undefined);
    throw e;
  }
  ctx.recordsAppended();
  return ownStoredValue(ctx, kind, reference)!;
}

export async function peerReleaseStoredValue(ctx: RegisterContext, kind: StoredValueKind, caller: string, reservationId: string): Promise<{ released: number }> {
  const released = ctx.sqlite.transaction(() => {
    const row = ctx.sqlite.prepare('SELECT reference FROM credit_note_spends WHERE reservation_id = ? AND spending_register_id = ?').get(reservationId, caller) as { reference: string } | undefined;
    if (!row || parseStoredValueReference(row.reference)?.kind !== kind) return 0;
    ctx.sqlite.prepare('DELETE FROM credit_note_spends WHERE reservation_id = ?').run(reservationId);
    appendRecord(ctx, 'event', eventPayload(`${kind}_released_for_peer`, { reservationId, reference: row.reference, spendingRegisterId: caller }), ctx.now().toISOString());
    return 1;
  })();
  if (released) {
    ctx.recordsAppended();
    if (ctx.mode() === 'connected') await ctx.central?.releaseStoredValue(kind, reservationId).catch(() => undefined);
  }
  return { released };
}

export function peerStoredValue(ctx: RegisterContext, kind: StoredValueKind, reference: string): StoredValue {
  const value = ownStoredValue(ctx, kind, reference.trim().toUpperCase());
  if (!value) throw notIssuedHere(kind, reference);
  return value;
}
