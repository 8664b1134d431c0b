import { z } from 'zod';
import { Cents, Id, IsoDateTime, Sku } from './common';
import { ArchivePayload, ClosurePayload, DayTotals, InvoicePayload, InvoiceReference, TicketLine, VatLine } from './record';
import { LocalCustomer, LocalTicket } from './register-api';

// Bodies of the register endpoints that exist for the cashier screen (packages/cashier-web):
// shelf browsing, scan lookup, receipts and reprints, customer documents, X report, logout.
// Everything here is answered from the register's local database, connected or not.

/** `GET /api/categories` → the shelves of the SOS copy, by name. */
export const ShelfCategory = z.object({ name: z.string(), productCount: z.number().int().nonnegative() });
export type ShelfCategory = z.infer<typeof ShelfCategory>;

/** `GET /api/categories/:name/products?limit=&offset=` (by label). */
export const CategoryParams = z.object({ name: z.string().min(1).max(200) });
export const CategoryProductsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(200),
  offset: z.coerce.number().int().min(0).default(0),
});

/** `GET /api/products/by-code/:code`: exact SKU, else exact barcode (a scan). */
export const ProductCodeParams = z.object({ code: Sku });

/** Who prints the receipt: the store's legal identity (SOS copy) and the register. */
export const ReceiptStore = z.object({
  storeId: Id,
  name: z.string(),
  address: z.string(),
  siret: z.string(),
  vatNumber: z.string(),
  timezone: z.string(),
  registerId: Id,
  registerName: z.string(),
  softwareName: z.string(),
  softwareVersion: z.string(),
  /** Meal vouchers accepted per ticket, cents (the store's setting, 2500 by default): the payment dialog's check. */
  mealVoucherCapCents: z.number().int().nonnegative(),
  /** The most a gift card may be sold for, cents (the store's setting, 50000 by default). */
  giftCardMaxCents: z.number().int().positive(),
});
export type ReceiptStore = z.infer<typeof ReceiptStore>;

/**
 * A receipt, as printed (HTML on 80 mm paper, or ESC/POS). Carries every NF525 mention: store,
 * SIRET, VAT number, ticket number, date, register, cashier, lines, per-VAT totals, payments,
 * change, signature extract, software version; `duplicate` is set on a reprint (DUPLICATA).
 */
export const Receipt = z.object({
  store: ReceiptStore,
  ticket: LocalTicket,
  cashierName: z.string(),
  customerName: z.string().nullable(),
  /** Characters 3, 7, 13 and 19 of the ticket's signature (the usual printed extract). */
  signatureExtract: z.string(),
  /** Printed reference `S01-C2-000123` (also the Code 128 barcode); null until the copy carries the store's code. */
  reference: z.string().nullable(),
  duplicate: z
    .object({ number: z.number().int().positive(), printedAt: IsoDateTime, cashierName: z.string(), signatureExtract: z.string() })
    .nullable(),
});
export type Receipt = z.infer<typeof Receipt>;

/** `POST /api/tickets/:number/invoice`: the customer to invoice (default: the ticket's own customer). */
export const IssueInvoiceRequest = z.object({ customerId: Id.optional() });
export type IssueInvoiceRequest = z.infer<typeof IssueInvoiceRequest>;
export const InvoiceNumberParams = z.object({ number: z.coerce.number().int().positive() });

/**
 * A signed invoice of this register's `invoice` chain, with everything a verifier needs (the signed
 * fields) and, on a reprint, the `duplicate` record that printed it again (DUPLICATA).
 */
export const Invoice = z.object({
  invoiceNumber: z.number().int().positive(),
  reference: InvoiceReference,
  registerId: Id,
  recordedAt: IsoDateTime,
  prevSignature: z.string(),
  signature: z.string(),
  keyId: z.string().nullable(),
  /** When central integrated it; null while it waits in the outbox. */
  integratedAt: IsoDateTime.nullable(),
  payload: InvoicePayload,
  duplicate: z.object({ number: z.number().int().positive(), printedAt: IsoDateTime, cashierName: z.string() }).nullable(),
});
export type Invoice = z.infer<typeof Invoice>;

/** `GET /api/customers/:id/documents`: the customer's tickets known to this register. */
export const CustomerParams = z.object({ id: Id });
export const CustomerDocuments = z.object({
  customer: LocalCustomer,
  /** Where the list comes from: the register's own tickets (local copy), connected or not. */
  source: z.literal('local'),
  items: z.array(LocalTicket),
  total: z.number().int().nonnegative(),
});
export type CustomerDocuments = z.infer<typeof CustomerDocuments>;

/** `GET /api/reports/x`: running totals of exactly what the next Z will close (the current business day's open tickets). */
export const XReport = DayTotals.extend({
  registerId: Id,
  registerName: z.string(),
  /** The business day the next Z closes (store time zone and cutoff). */
  businessDay: z.string(),
  /** Earlier business days still open: each gets its own automatic Z before the next sale or Z. */
  openDaysBefore: z.number().int().nonnegative(),
  /** The first ticket's time (else the last closure's, else now). */
  from: IsoDateTime,
  at: IsoDateTime,
});
export type XReport = z.infer<typeof XReport>;

/** One of this register's signed records, with when central integrated it (null while waiting). */
const LocalRecordEntry = z.object({
  number: z.number().int().positive(),
  recordedAt: IsoDateTime,
  signature: z.string(),
  integratedAt: IsoDateTime.nullable(),
});

/** A closure (Z) as the register stored and signed it (`POST /api/closures/day`, `GET /api/closures`). */
export const Closure = LocalRecordEntry.extend({ payload: ClosurePayload });
export type Closure = z.infer<typeof Closure>;
export const ClosureList = z.object({ items: z.array(Closure) });
export const ClosuresQuery = z.object({ limit: z.coerce.number().int().min(1).max(400).default(31) });

/** An archive record as the register signed it (`GET /api/archives`); its file: `GET /api/archives/:number/file`. */
export const Archive = LocalRecordEntry.extend({ payload: ArchivePayload });
export type Archive = z.infer<typeof Archive>;
export const ArchiveNumberParams = z.object({ number: z.coerce.number().int().positive() });
export type ClosureList = z.infer<typeof ClosureList>;

/** `GET /api/tickets/:number/returnable`: what is left to return on a sale of this register. */
export const ReturnableTicket = z.object({
  ticket: LocalTicket,
  lines: z.array(z.object({ lineNo: z.number().int().positive(), sold: z.number().int(), returned: z.number().int().nonnegative() })),
});
export type ReturnableTicket = z.infer<typeof ReturnableTicket>;

/** `GET /api/ticket-references/:reference`: the ticket a printed reference (or its scanned barcode) names. */
export const TicketReferenceParams = z.object({ reference: z.string().min(1).max(40) });
export const TicketReferenceLookup = z.object({
  reference: z.string(),
  registerId: Id,
  registerName: z.string(),
  number: z.number().int().positive(),
  /** The ticket is this register's own (read locally, offline too); otherwise read from central. */
  own: z.boolean(),
});
export type TicketReferenceLookup = z.infer<typeof TicketReferenceLookup>;

/** `?registerId=` of `GET /api/tickets/:number/returnable`: a ticket of another register of the store (asked of central). */
export const ReturnableQuery = z.object({ registerId: Id.optional() });

/** `POST /api/returns/quote`: the refund a return would give, priced exactly as `POST /api/returns` will. Writes nothing. */
export const ReturnQuoteRequest = z.object({
  original: z.object({ registerId: Id.optional(), number: z.number().int().positive() }),
  lines: z.array(z.object({ lineNo: z.number().int().positive(), quantity: z.number().int().positive() })).min(1),
});
export type ReturnQuoteRequest = z.infer<typeof ReturnQuoteRequest>;
export const ReturnQuote = z.object({
  /** Negative: the amount to refund is -totalCents. */
  totalCents: Cents,
  lines: z.array(TicketLine),
  vat: z.array(VatLine),
});
export type ReturnQuote = z.infer<typeof ReturnQuote>;

// ---- Sales on hold (issue 12): kept on the register (its SQLite), not signed: not a sale yet ----

/** One line of a sale put on hold, as the screen shows it (the register prices it again when it is sold). */
export const HeldSaleLine = z.object({
  sku: Sku,
  label: z.string().max(500),
  unitPriceCents: Cents.nonnegative(),
  vatRate: z.number().int().nonnegative(),
  quantity: z.number().int().min(1).max(10000),
  discountCents: Cents.nonnegative(),
  /** An open-price item: `unitPriceCents` is the price the cashier typed, sent again with the sale once recalled. */
  openPrice: z.boolean().optional(),
  /** `false`: meal vouchers may not pay for this line (absent = eligible), kept so a recalled sale tenders vouchers right. */
  mealVoucherEligible: z.literal(false).optional(),
});
export type HeldSaleLine = z.infer<typeof HeldSaleLine>;

/** `POST /api/held-sales`: the sale in progress, put aside (at least one line). */
export const HoldSaleRequest = z.object({ lines: z.array(HeldSaleLine).min(1).max(500), customer: LocalCustomer.nullable() });
export type HoldSaleRequest = z.infer<typeof HoldSaleRequest>;

export const HeldSale = HoldSaleRequest.extend({
  id: z.number().int().positive(),
  heldAt: IsoDateTime,
  cashierId: Id,
  /** Preview from the lines held (the register prices the sale again when it is recalled and sold). */
  totalCents: Cents,
});
export type HeldSale = z.infer<typeof HeldSale>;
export const HeldSaleList = z.object({ items: z.array(HeldSale), total: z.number().int().nonnegative() });
export type HeldSaleList = z.infer<typeof HeldSaleList>;
export const HeldSaleParams = z.object({ id: z.coerce.number().int().positive() });
// ---- returns at any register of the store (central's sync API, called by registers) ----

/** `GET /api/sync/tickets/:registerId/:number`: a ticket of the caller's store as central holds it. */
export const StoreTicketParams = z.object({ registerId: Id, number: z.coerce.number().int().positive() });
/**
 * `POST /api/sync/returns`: reserve units of a ticket of the store for a return, checked against
 * everything already returned or reserved at every register, in one transaction (two tills never
 * refund the same unit). Answers the ticket with what is returned now, this reservation included.
 */
export const ReserveReturnRequest = z.object({
  reservationId: z.string().uuid(),
  original: z.object({ registerId: Id, number: z.number().int().positive() }),
  lines: z.array(z.object({ lineNo: z.number().int().positive(), quantity: z.number().int().positive() })).min(1).max(500),
});
export type ReserveReturnRequest = z.infer<typeof ReserveReturnRequest>;
export const ReservationParams = z.object({ reservationId: z.string().uuid() });
export const ReleaseReturnResponse = z.object({ released: z.number().int().nonnegative() });
export type ReleaseReturnResponse = z.infer<typeof ReleaseReturnResponse>;
