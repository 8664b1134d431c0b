import { z } from 'zod';
import { Id, IsoDateTime } from './common';

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
export const ReturnedUnitsResponse = z.object({ items: z.array(ReturnedUnit), serverTime: IsoDateTime });
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

/** The reference of the avoir a register's return ticket issues (printed on its receipt). */
export function creditNoteReference(registerId: string, returnNumber: number): string {
  return `AV-${registerId.replace(/-/g, '').slice(0, 8).toUpperCase()}-${returnNumber}`;
}

/** What a reference names: the issuing register's id prefix (8 hex, upper case) and its return ticket's number; null if malformed. */
export function parseCreditNoteReference(reference: string): { registerPrefix: string; returnNumber: number } | null {
  const m = /^AV-([0-9A-F]{8})-(\d{1,12})$/.exec(reference.trim().toUpperCase());
  return m ? { registerPrefix: m[1]!, returnNumber: Number(m[2]) } : null;
}
