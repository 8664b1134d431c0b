// A ticket's printed reference (issue 12, docs/architecture.md §18): `S01-C2-000123` = store code,
// `C` + the register's number within its store, the ticket's number in that register's `ticket`
// chain on at least 6 digits. It names one ticket of the chain, is what the receipt's Code 128
// barcode holds, and is what a scanner types back on any register of the store.

/** A store's short code: 1 to 6 capitals or digits, starting with a capital (`S01`, `LYON2`). */
export const STORE_CODE_PATTERN = /^[A-Z][A-Z0-9]{0,5}$/;

export interface TicketReference {
  storeCode: string;
  registerNumber: number;
  ticketNumber: number;
}

/** `S01`…`S99`, then `S100`…: the code a store gets when none is given (its rank in the chain). */
export function defaultStoreCode(rank: number): string {
  return `S${String(rank).padStart(2, '0')}`;
}

export function formatTicketReference(ref: TicketReference): string {
  return `${ref.storeCode}-C${ref.registerNumber}-${String(ref.ticketNumber).padStart(6, '0')}`;
}

const REFERENCE = /^([A-Z][A-Z0-9]{0,5})-C([1-9]\d{0,5})-(\d{6,12})$/;

/**
 * The reference in a scanned or typed text (spaces around it and lower case accepted: some
 * scanners send a keyboard layout's lower case); null when it is not one.
 */
export function parseTicketReference(text: string): TicketReference | null {
  const m = REFERENCE.exec(text.trim().toUpperCase());
  if (!m) return null;
  const ticketNumber = Number(m[3]);
  if (!Number.isSafeInteger(ticketNumber) || ticketNumber < 1) return null;
  return { storeCode: m[1]!, registerNumber: Number(m[2]), ticketNumber };
}
