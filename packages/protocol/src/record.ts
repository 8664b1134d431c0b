import { z } from 'zod';
import { Cents, Id, IsoDateTime, Sku, VatRate } from './common';

/**
 * Records: everything a register produces. Each belongs to one of the register's chains and is
 * identified by (registerId, chain, number), numbers gapless from 1 per chain. The signature covers
 * the canonical string of (registerId, chain, number, recordedAt, payload, prevSignature)
 * (see @comptoir/domain signing). Records are facts: never edited, never deleted.
 */
export const CHAINS = ['ticket', 'duplicate', 'closure', 'event', 'archive', 'training', 'drawer', 'invoice'] as const;
export const Chain = z.enum(CHAINS);
export type Chain = z.infer<typeof Chain>;

/**
 * `credit_note`: an avoir, issued by a return's refund and spent as a tender (docs/architecture.md §19).
 * `meal_voucher`: titres-restaurant, no change given, capped per ticket by the store (§24).
 */
export const PaymentMethod = z.enum(['cash', 'card', 'cheque', 'credit_note', 'meal_voucher', 'gift_card']);
export type PaymentMethod = z.infer<typeof PaymentMethod>;

export const TicketLine = z.object({
  lineNo: z.number().int().positive(),
  sku: Sku,
  label: z.string().max(200),
  quantity: z.number().int().refine((q) => q !== 0, 'quantity must not be 0'),
  unitPriceCents: Cents.nonnegative(),
  vatRate: VatRate,
  discountCents: Cents.nonnegative(),
  totalCents: Cents,
});
export type TicketLine = z.infer<typeof TicketLine>;

export const VatLine = z.object({
  rate: VatRate,
  baseCents: Cents,
  vatCents: Cents,
  totalCents: Cents,
});
export type VatLine = z.infer<typeof VatLine>;

/** A credit note's reference: `AV-` + the issuing register's first 8 id characters + `-` + the return ticket's number. */
export const CreditNoteReference = z.string().trim().toUpperCase().regex(/^AV-[0-9A-F]{8}-\d{1,12}$/, 'a credit note reference looks like AV-1A2B3C4D-42');
/** A gift card's reference: `CC-` + the issuing register's first 8 id characters + `-` + the number of the ticket that sold it. */
export const GiftCardReference = z.string().trim().toUpperCase().regex(/^CC-[0-9A-F]{8}-\d{1,12}$/, 'a gift card reference looks like CC-1A2B3C4D-42');
/** The reference a tender names: an avoir's or a gift card's. */
export const TenderReference = z.string().trim().toUpperCase().regex(/^(AV|CC)-[0-9A-F]{8}-\d{1,12}$/, 'a reference looks like AV-1A2B3C4D-42 (credit note) or CC-1A2B3C4D-42 (gift card)');
export const TicketPayment = z.object({
  method: PaymentMethod,
  amountCents: Cents,
  /** A credit note or a gift card: the avoir this refund issues (a return) or what this tender spends (a sale). */
  reference: z.string().max(40).optional(),
  /** A credit note spent: the reservation that checked it (central, or its issuing register on the LAN). */
  reservationId: z.string().min(1).max(80).optional(),
  /** A credit note spent without any check (nobody reachable), on a manager's approval: flagged at central. */
  unchecked: z.literal(true).optional(),
});
export type TicketPayment = z.infer<typeof TicketPayment>;

/**
 * Who approved an action that needs a manager at the till (a discount above the store's cashier
 * limit, a return, a closure made by a cashier…), signed with the record. The approver is the
 * manager or admin who typed their PIN, or the manager signed in.
 */
export const ApprovedBy = z.object({
  cashierId: Id,
  login: z.string().max(100),
  role: z.enum(['admin', 'manager']),
  /** What needed the approval, e.g. `discount`, `return`, `closure`. */
  reasons: z.array(z.string().max(60)).min(1).max(10),
});
export type ApprovedBy = z.infer<typeof ApprovedBy>;

/** A sale or a return (a negative ticket referencing the original). */
export const TicketPayload = z.object({
  type: z.literal('ticket'),
  kind: z.enum(['sale', 'return']),
  storeId: Id,
  cashierId: Id,
  customerId: Id.nullable(),
  soldOffline: z.boolean(),
  /** At least one line, except on a gift card's sale (`giftCard`): no goods, no VAT (§25). */
  lines: z.array(TicketLine),
  vat: z.array(VatLine),
  totalCents: Cents,
  payments: z.array(TicketPayment),
  changeCents: Cents.nonnegative(),
  /** For a return: the ticket it refunds (same register chain or another register of the store). */
  original: z.object({ registerId: Id, number: z.number().int().positive() }).nullable(),
  /** For a return: which lines of the original it refunds, and how many units of each (absent on older returns). */
  returnedLines: z.array(z.object({ lineNo: z.number().int().positive(), quantity: z.number().int().positive() })).optional(),
  /** For a return reserved at central first (returns at any register of the store): the reservation it uses. */
  reservationId: z.string().uuid().optional(),
  /** Present when the ticket needed a manager's approval. */
  approvedBy: ApprovedBy.optional(),
  /**
   * A gift card's sale (§25): the card this ticket issues, its only line; such a ticket has no goods
   * line and no VAT (a multi-purpose voucher bears VAT when spent) and is no turnover.
   */
  giftCard: z.object({ reference: GiftCardReference, amountCents: Cents.positive() }).optional(),
});
export type TicketPayload = z.infer<typeof TicketPayload>;

export const EVENT_TYPES = [
  'register_start',
  'register_stop',
  'enrolment',
  'login',
  'logout',
  'offline_start',
  'offline_end',
  'reintegration_start',
  'reintegration_end',
  'sos_copy',
  'config_change',
  'chain_check_failure',
  'clock_set_back',
  'key_start',
  'key_end',
  'training_start',
  'training_end',
  /** Login throttling locked an account or an address (details: key kind, failures, lockedUntil). */
  'login_locked',
  'login_failed',
  'archive_produced',
  'archive_downloaded',
  /** Units of one of this register's tickets reserved for a return at another register over the LAN (central down). */
  'return_reserved_for_peer',
  /** That reservation freed again (the other register's return failed). */
  'return_released_for_peer',
  /** Part of one of this register's credit notes reserved for a sale at another register over the LAN (central down). */
  'credit_note_reserved_for_peer',
  'credit_note_released_for_peer',
  'gift_card_reserved_for_peer',
  'gift_card_released_for_peer',
  /** The cash drawer opened without a sale ("no sale", manager-approved; details: who asked, who approved, why). */
  'drawer_opened_no_sale',
] as const;
export const EventType = z.enum(EVENT_TYPES);
export type EventType = z.infer<typeof EventType>;

/**
 * A technical event (JET). Version 2 (issue 10) signs the event's integer `code` (event-codes.ts);
 * v1 events (no `version`, no `code`) still verify and read their code from the table.
 */
export const EventPayload = z.object({
  type: z.literal('event'),
  version: z.literal(2).optional(),
  code: z.number().int().positive().optional(),
  event: EventType,
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});
export type EventPayload = z.infer<typeof EventPayload>;

/** A reprint: numbered in its own chain, marked DUPLICATA on paper. */
export const DuplicatePayload = z.object({
  type: z.literal('duplicate'),
  ticketNumber: z.number().int().positive(),
  /** A reprint of an invoice (the `invoice` chain's number, made from ticket `ticketNumber`); absent for a receipt's reprint. */
  invoiceNumber: z.number().int().positive().optional(),
  cashierId: Id,
});
export type DuplicatePayload = z.infer<typeof DuplicatePayload>;

/** Totals per payment method over a set of tickets: cash net of the change given back, refunds negative. */
export const PaymentTotal = z.object({ method: PaymentMethod, amountCents: Cents, count: z.number().int().nonnegative() });
export type PaymentTotal = z.infer<typeof PaymentTotal>;

/** Sums over a set of tickets: what an X report reads and a closure signs. */
export const TicketTotals = z.object({
  ticketCount: z.number().int().nonnegative(),
  saleCount: z.number().int().nonnegative(),
  returnCount: z.number().int().nonnegative(),
  totalCents: Cents,
  /** Net per method: cash is net of the change given back; refunds are negative. */
  payments: z.array(PaymentTotal),
  vat: z.array(VatLine),
});
export type TicketTotals = z.infer<typeof TicketTotals>;

/** Sales and returns apart (certified closures sign both, not only the net). */
export const DayTotals = TicketTotals.extend({
  /** Sum of the sale tickets' totals (positive). */
  salesCents: Cents.nonnegative(),
  /** Absolute value of the sum of the return tickets' totals. */
  returnsCents: Cents.nonnegative(),
  /** Per VAT rate, sale tickets only. */
  vatSales: z.array(VatLine),
  /** Per VAT rate, return tickets only (negative amounts, as the tickets carry them). */
  vatReturns: z.array(VatLine),
  /** Gift cards sold (§25): their amount, outside the sales and the grand totals; absent when none. */
  giftCardsIssuedCents: Cents.positive().optional(),
});
export type DayTotals = z.infer<typeof DayTotals>;

/**
 * A closure (Z), in the register's `closure` chain.
 * - `day`: every ticket of the `ticket` chain after the previous day closure's `lastTicket` up to its
 *   own (by number: nothing falls between two day closures, nothing counts twice);
 * - `month` / `year`: the sum of the day closures of that month / fiscal year, signed as soon as the
 *   period is over (the first closure or sale of a later period signs it, just before itself).
 * Each carries the perpetual grand total (every ticket since the register's first, through `lastTicket`).
 *
 * Two versions: v1 (no `version` field, signed before issue 10; still verified and listed) and v2.
 */
export const ClosurePeriod = z.enum(['day', 'month', 'year']);
export type ClosurePeriod = z.infer<typeof ClosurePeriod>;
const ClosureCommon = {
  type: z.literal('closure'),
  period: ClosurePeriod,
  /** The store-local period closed: YYYY-MM-DD (business day), YYYY-MM (month), YYYY (fiscal year, named after the year it starts in). One closure per period. */
  periodKey: z.string().regex(/^\d{4}(-\d{2}(-\d{2})?)?$/),
  /** First and last ticket numbers covered; first is null when the period had no ticket. */
  firstTicket: z.number().int().positive().nullable(),
  lastTicket: z.number().int().nonnegative(),
  /** Perpetual grand total: the previous closure's plus this one's `totalCents`. */
  grandTotalCents: Cents,
  cashierId: Id,
  /** Present when a cashier closed the day with a manager's approval. */
  approvedBy: ApprovedBy.optional(),
};
export const ClosurePayloadV1 = TicketTotals.extend({ ...ClosureCommon, version: z.undefined().optional() });
export type ClosurePayloadV1 = z.infer<typeof ClosurePayloadV1>;
export const ClosurePayloadV2 = DayTotals.extend({
  ...ClosureCommon,
  version: z.literal(2),
  /** True when the register closed the period by itself (a business day left open, a period over). */
  auto: z.boolean(),
  /** Perpetual absolute grand total: sales plus the absolute value of returns since the first ticket. */
  grandTotalAbsCents: Cents.nonnegative(),
  /** The cash drawer (store operations): float + net cash of tickets + in − out; null until counted / when no drawer is kept. */
  cashExpectedCents: Cents.nullable(),
  cashCountedCents: Cents.nullable(),
  /** counted − expected; null when not counted. */
  cashDifferenceCents: Cents.nullable(),
  /** The software that signed this closure (name and version, e.g. "Comptoir 0.1.0"). */
  softwareVersion: z.string().min(1).max(64),
});
export type ClosurePayloadV2 = z.infer<typeof ClosurePayloadV2>;
export const ClosurePayload = z.discriminatedUnion('version', [ClosurePayloadV2, ClosurePayloadV1]);
export type ClosurePayload = z.infer<typeof ClosurePayload>;

/**
 * An archive (NF525): the records of every chain since the previous archive of the same period kind,
 * named by range, and the SHA-256 of their canonical text (domain `archiveBody`). Signed when a month
 * is closed (a month archive, YYYY-MM) and when a fiscal year is closed (a fiscal-year archive, YYYY:
 * every record since the previous fiscal-year archive, the month archives of the year included).
 */
export const ArchivePayload = z.object({
  type: z.literal('archive'),
  /** The month (YYYY-MM) or the fiscal year (YYYY, named after the calendar year it starts in) closed. */
  periodKey: z.string().regex(/^\d{4}(-\d{2})?$/),
  /** Who archived (signed; absent on archives from before issue 10 item 6): the store's SIRET, its id and name, the software and its version. */
  siret: z.string().max(40).optional(),
  storeId: z.string().max(100).optional(),
  storeName: z.string().max(200).optional(),
  softwareVersion: z.string().max(64).optional(),
  ranges: z.array(
    z.object({
      chain: Chain,
      from: z.number().int().positive(),
      to: z.number().int().positive(),
      /** Signature of record `from` − 1 ('' when `from` is 1): the link to the previous archive. */
      prevSignature: z.string().max(200),
    }),
  ),
  recordCount: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /**
   * Every key the register had when it signed this archive, with its validity by position (per
   * chain, numbers after `startAfter` up to `endAt`; null `endAt`: current). Signed, so a verifier
   * holding only the file checks each record under the key valid at its position. Absent before
   * key rotation (issue 10): the file's one key signed everything.
   */
  keys: z
    .array(
      z.object({
        keyId: z.string().regex(/^[0-9a-f]{64}$/),
        startAfter: z.record(z.string(), z.number().int().nonnegative()).nullable(),
        endAt: z.record(z.string(), z.number().int().nonnegative()).nullable(),
      }),
    )
    .optional(),
});
export type ArchivePayload = z.infer<typeof ArchivePayload>;

/**
 * The cash drawer (store operations), in the register's own `drawer` chain: an opening float, cash
 * put in, cash taken out (paid-out, with a manager's approval), or the count of the drawer at closing
 * (by denomination when counted so). Each belongs to the business day it was made on; the day Z
 * carries `cashExpectedCents` = float + in − out + the net cash of its tickets.
 */
export const CashMovementKind = z.enum(['float', 'in', 'out']);
export type CashMovementKind = z.infer<typeof CashMovementKind>;
/** Euro coins and notes, in cents. */
export const EURO_DENOMINATIONS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000] as const;
export const Denomination = z.number().int().refine((v) => (EURO_DENOMINATIONS as readonly number[]).includes(v), 'a euro coin or note, in cents');
export const DenominationCount = z.object({ valueCents: Denomination, count: z.number().int().min(0).max(100_000) });
export type DenominationCount = z.infer<typeof DenominationCount>;
export const CashMovementPayload = z.object({
  type: z.literal('cash_movement'),
  kind: z.enum(['float', 'in', 'out', 'count']),
  /** Positive; for a count, the total counted. */
  amountCents: Cents.nonnegative(),
  reason: z.string().max(200),
  /** The store-local business day the movement belongs to. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  cashierId: Id,
  /** A count by denomination (coins and notes); empty when a total was typed. */
  denominations: z.array(DenominationCount),
  /** A paid-out: the manager who approved it (absent on older records and other kinds). */
  approvedBy: ApprovedBy.optional(),
});
export type CashMovementPayload = z.infer<typeof CashMovementPayload>;

/** An invoice's printed number: `FA-` + the issuing register's first 8 id characters + `-` + its `invoice` chain number on 6 digits. */
export const InvoiceReference = z.string().regex(/^FA-[0-9A-F]{8}-\d{6,12}$/, 'an invoice reference looks like FA-1A2B3C4D-000042');
export type InvoiceReference = z.infer<typeof InvoiceReference>;
export function invoiceReferenceOf(registerId: string, number: number): string {
  return `FA-${registerId.slice(0, 8).toUpperCase()}-${String(number).padStart(6, '0')}`;
}

/**
 * An invoice (facture, issue 10), in the register's own `invoice` chain: numbered gapless per
 * register (the chain number is the invoice number), at most one per ticket of the `ticket` chain,
 * for the customer named at its first issue. It carries the French invoice mentions as the signed
 * ticket and the register's copy hold them at issue: the seller (store, address, SIRET, VAT
 * number), the customer (name, e-mail, phone: Comptoir keeps no customer address), the ticket it
 * is made from (number, time of sale, signature), its lines, VAT per rate and totals copied from the
 * signed ticket, the payments; the date of issue is the record's `recordedAt`.
 */
export const InvoicePayload = z.object({
  type: z.literal('invoice'),
  reference: InvoiceReference,
  seller: z.object({ storeId: Id, name: z.string().max(200), address: z.string().max(500), siret: z.string().max(40), vatNumber: z.string().max(40) }),
  customer: z.object({ id: Id, name: z.string().max(200), email: z.string().max(200).nullable(), phone: z.string().max(60).nullable() }),
  ticket: z.object({ number: z.number().int().positive(), soldAt: IsoDateTime, signature: z.string().min(1).max(200) }),
  /** At least one line, except on a gift card's sale (`giftCard`): no goods, no VAT (§25). */
  lines: z.array(TicketLine),
  vat: z.array(VatLine),
  /** Sum of the VAT lines' bases (total excluding VAT). */
  totalExclVatCents: Cents,
  /** Sum of the VAT lines' VAT. */
  vatCents: Cents,
  /** Total including VAT: the ticket's. */
  totalCents: Cents,
  payments: z.array(TicketPayment),
  /** The cashier who issued it at the till; null when the back office asked for it (central's call). */
  cashierId: Id.nullable(),
  /** The back-office user whose request central relayed (absent when issued at the till). */
  requestedBy: z.string().max(100).optional(),
});
export type InvoicePayload = z.infer<typeof InvoicePayload>;

export const RecordPayload = z.discriminatedUnion('type', [TicketPayload, EventPayload, DuplicatePayload, ClosurePayload, ArchivePayload, CashMovementPayload, InvoicePayload]);
export type RecordPayload = z.infer<typeof RecordPayload>;

/** Which payload type each chain carries (the training chain carries training tickets). */
export const PAYLOAD_TYPE_OF_CHAIN: Record<Chain, RecordPayload['type'] | null> = {
  ticket: 'ticket',
  training: 'ticket',
  event: 'event',
  duplicate: 'duplicate',
  closure: 'closure',
  archive: 'archive',
  drawer: 'cash_movement',
  invoice: 'invoice',
};

export const SignedRecord = z
  .object({
    registerId: Id,
    chain: Chain,
    number: z.number().int().positive(),
    recordedAt: IsoDateTime,
    payload: RecordPayload,
    prevSignature: z.string().max(200),
    signature: z.string().min(1).max(200),
    /** The signing key's id (hex SHA-256 of its DER SPKI), signed with the record; absent on records signed before keys had ids. */
    keyId: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  })
  .refine((r) => PAYLOAD_TYPE_OF_CHAIN[r.chain] === r.payload.type, {
    message: 'payload type does not belong to this chain',
    path: ['payload', 'type'],
  })
  // A ticket has at least one line, except a gift card's sale (no goods: §25). Here rather than in
  // TicketPayload, which the discriminated union of payloads needs as a plain object.
  .refine((r) => r.payload.type !== 'ticket' || r.payload.lines.length > 0 || (r.payload.kind === 'sale' && r.payload.giftCard !== undefined), {
    message: 'a ticket has at least one line (only a gift card sale has none)',
    path: ['payload', 'lines'],
  });
export type SignedRecord = z.infer<typeof SignedRecord>;
