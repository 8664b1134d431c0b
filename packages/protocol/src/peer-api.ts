import { z } from 'zod';
import { Id, IsoDateTime } from './common';
import { ComptoirError } from './errors';

// ---- the store's registers (central → register), and register → register calls on the LAN ----
// docs/architecture.md §17: while central is down, a register asks the register that issued a
// ticket directly. The calls are signed with the caller's NF525 key (domain peer-signing.ts).

/** One register of the caller's store as central knows it: where it listens and every key it had. */
export const StoreRegister = z.object({
  registerId: Id,
  name: z.string(),
  /** Its advertised URL (origin only; null when it never reported one). */
  url: z.string().url().nullable(),
  keys: z.array(z.object({ keyId: z.string().regex(/^[0-9a-f]{64}$/), publicKeyPem: z.string().max(4096) })),
});
export type StoreRegister = z.infer<typeof StoreRegister>;
/** `GET /api/sync/store-registers`: the other registers of the caller's store (revoked ones left out). */
export const StoreRegistersResponse = z.object({ items: z.array(StoreRegister) });
export type StoreRegistersResponse = z.infer<typeof StoreRegistersResponse>;

/**
 * `GET /api/sync/returned-units?since=`: units of the caller's own tickets that OTHER registers
 * returned or reserved through central, created at or after `since` (the register asks again with
 * an overlap; rows are keyed by reservation and line, so a row seen twice counts once).
 */
export const ReturnedUnitsQuery = z.object({ since: IsoDateTime.optional() });
export const ReturnedUnit = z.object({
  reservationId: z.string().min(1).max(200),
  lineNo: z.number().int().positive(),
  originalNumber: z.number().int().positive(),
  quantity: z.number().int().positive(),
  returningRegisterId: Id,
  createdAt: IsoDateTime,
});
export type ReturnedUnit = z.infer<typeof ReturnedUnit>;
/**
 * A part of one of the caller's avoirs or gift cards that ANOTHER register spent or reserved through
 * central (§19, §25): the issuing register counts it, so that offline it never lets spend again what
 * central already let another till spend.
 */
export const StoredValueSpend = z.object({
  reservationId: z.string().min(1).max(200),
  reference: z.string().max(40),
  amountCents: z.number().int().positive(),
  spendingRegisterId: Id,
  createdAt: IsoDateTime,
});
export type StoredValueSpend = z.infer<typeof StoredValueSpend>;
export const ReturnedUnitsResponse = z.object({
  items: z.array(ReturnedUnit),
  serverTime: IsoDateTime,
  /**
   * Reservations of `items` freed since `since` (no return used them): each names its reservation and
   * the `createdAt` of its rows, so that a later reservation under the same id is not freed by it
   * (absent from older centrals).
   */
  releasedReservations: z.array(z.object({ reservationId: ReturnedUnit.shape.reservationId, createdAt: IsoDateTime })).optional(),
  /** Spends of the caller's stored values by other registers since `since` (absent from older centrals). */
  storedValueSpends: z.array(StoredValueSpend).optional(),
  /**
   * Spends of `storedValueSpends` freed since `since` (the sale that reserved them was refused after
   * the reserve): each names its reservation and the spend's `createdAt`, so that a later spend under
   * the same id is not freed by it (absent from older centrals).
   */
  releasedStoredValueSpends: z.array(z.object({ reservationId: StoredValueSpend.shape.reservationId, createdAt: IsoDateTime })).optional(),
});
export type ReturnedUnitsResponse = z.infer<typeof ReturnedUnitsResponse>;

/** Headers of a register → register call (all four required; the called register answers 401 otherwise). */
export const PEER_MAX_SKEW_MS = 5 * 60_000;
export const PeerHeaders = z.object({
  'x-comptoir-peer': Id,
  'x-comptoir-timestamp': IsoDateTime,
  'x-comptoir-key-id': z.string().regex(/^[0-9a-f]{64}$/),
  'x-comptoir-peer-signature': z.string().regex(/^[A-Za-z0-9_-]{86}$/),
});
export type PeerHeaders = z.infer<typeof PeerHeaders>;

/** `POST /api/peer/returns` (at the issuing register): reserve units of one of ITS tickets for a return made at the caller. */
export const PeerReserveRequest = z.object({
  reservationId: z.string().uuid(),
  number: z.number().int().positive(),
  lines: z.array(z.object({ lineNo: z.number().int().positive(), quantity: z.number().int().positive() })).min(1).max(500),
});
export type PeerReserveRequest = z.infer<typeof PeerReserveRequest>;
export const PeerTicketParams = z.object({ number: z.coerce.number().int().positive() });

// ---- credit notes (avoirs), docs/architecture.md §19 ----

/** A credit note with what is left of it. */
export const CreditNote = z.object({
  reference: z.string(),
  /** The issuing register and its return ticket. */
  registerId: Id,
  returnNumber: z.number().int().positive(),
  amountCents: z.number().int().nonnegative(),
  spentCents: z.number().int().nonnegative(),
  balanceCents: z.number().int(),
});
export type CreditNote = z.infer<typeof CreditNote>;
export const CreditNoteParams = z.object({ reference: z.string().max(40) });
/** `POST /api/sync/credit-notes/spend` (central) and `POST /api/peer/credit-notes/spend` (the issuing register): reserve part or all of an avoir. */
export const SpendCreditNoteRequest = z.object({
  reservationId: z.string().uuid(),
  reference: z.string().max(40),
  amountCents: z.number().int().positive(),
});
export type SpendCreditNoteRequest = z.infer<typeof SpendCreditNoteRequest>;

// ---- gift cards (cartes cadeaux), docs/architecture.md §25: the same mechanism as avoirs ----

/** A gift card with what is left of it. */
export const GiftCard = z.object({
  reference: z.string(),
  /** The issuing register and the ticket that sold the card. */
  registerId: Id,
  ticketNumber: z.number().int().positive(),
  amountCents: z.number().int().nonnegative(),
  spentCents: z.number().int().nonnegative(),
  balanceCents: z.number().int(),
});
export type GiftCard = z.infer<typeof GiftCard>;
export const GiftCardParams = CreditNoteParams;
/** Reserve part or all of a gift card (`POST /api/sync/gift-cards/spend`, `POST /api/peer/gift-cards/spend`): the avoir's body. */
export const SpendGiftCardRequest = SpendCreditNoteRequest;
export type SpendGiftCardRequest = SpendCreditNoteRequest;

/**
 * What a signed document spent in parts is: an avoir (a return's refund) or a gift card (a sale of
 * a card). One mechanism for both (spent once: central, the issuing register, over the LAN, or
 * unchecked on a manager's approval); they differ in their prefix, their routes and their codes.
 */
export const STORED_VALUE_KINDS = {
  credit_note: { prefix: 'AV', path: 'credit-notes', spentCode: 'CREDIT_NOTE_SPENT' },
  gift_card: { prefix: 'CC', path: 'gift-cards', spentCode: 'GIFT_CARD_SPENT' },
} as const;
export type StoredValueKind = keyof typeof STORED_VALUE_KINDS;

/** The reference of a stored value: prefix, the issuing register's first 8 id characters, the issuing ticket's number. */
export function storedValueReference(kind: StoredValueKind, registerId: string, ticketNumber: number): string {
  return `${STORED_VALUE_KINDS[kind].prefix}-${registerId.replace(/-/g, '').slice(0, 8).toUpperCase()}-${ticketNumber}`;
}

/** What a reference names (its kind, the issuing register's id prefix, the issuing ticket's number); null if malformed. */
export function parseStoredValueReference(reference: string): { kind: StoredValueKind; registerPrefix: string; ticketNumber: number } | null {
  const m = /^(AV|CC)-([0-9A-F]{8})-(\d{1,12})$/.exec(reference.trim().toUpperCase());
  if (!m) return null;
  return { kind: m[1] === 'AV' ? 'credit_note' : 'gift_card', registerPrefix: m[2]!, ticketNumber: Number(m[3]) };
}

/** The reference of the avoir a register's return ticket issues (printed on its receipt). */
export function creditNoteReference(registerId: string, returnNumber: number): string {
  return storedValueReference('credit_note', registerId, returnNumber);
}

/** The reference of the gift card a register's ticket sells (printed on its receipt with its Code 128). */
export function giftCardReference(registerId: string, ticketNumber: number): string {
  return storedValueReference('gift_card', registerId, ticketNumber);
}

/** What an avoir's reference names: the issuing register's id prefix (8 hex, upper case) and its return ticket's number; null if malformed. */
export function parseCreditNoteReference(reference: string): { registerPrefix: string; returnNumber: number } | null {
  const p = parseStoredValueReference(reference);
  return p && p.kind === 'credit_note' ? { registerPrefix: p.registerPrefix, returnNumber: p.ticketNumber } : null;
}

/** A stored value of either kind, as the shared mechanism handles it (a gift card's shape; an avoir's `returnNumber` is its `ticketNumber`). */
export type StoredValue = GiftCard;

/** How central and the issuing register answer a stored value of this kind (unchanged for avoirs: older registers read it). */
export function storedValueSchema(kind: StoredValueKind): typeof CreditNote | typeof GiftCard {
  return kind === 'credit_note' ? CreditNote : GiftCard;
}

export function storedValueOnWire(kind: StoredValueKind, v: StoredValue): CreditNote | GiftCard {
  if (kind === 'gift_card') return v;
  const { ticketNumber, ...rest } = v;
  return { ...rest, returnNumber: ticketNumber };
}

export function storedValueFromWire(w: CreditNote | GiftCard): StoredValue {
  if ('ticketNumber' in w) return w;
  const { returnNumber, ...rest } = w;
  return { ...rest, ticketNumber: returnNumber };
}

/** A gift card's sale is never refunded (§25: the card may be spent already, in part, at any till): 422 RETURN_REFUSED, reason gift_card_return. */
export function refuseGiftCardReturn(payload: { giftCard?: unknown }, number: number): void {
  if (payload.giftCard) throw new ComptoirError('RETURN_REFUSED', `Ticket ${number} sold a gift card: it is not refunded`, { reason: 'gift_card_return' });
}
