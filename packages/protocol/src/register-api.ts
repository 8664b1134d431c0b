import { z } from 'zod';
import { Cents, Id, IsoDateTime, Sku } from './common';
import { GiftCardReference, TenderReference, CashMovementKind, CashMovementPayload, DenominationCount, EURO_DENOMINATIONS, PaymentMethod, TicketLine, TicketPayment, VatLine } from './record';
import { RegisterMode, SosCopyKind } from './sync';
import { JournalEvent } from './event-codes';

// Bodies of the register agent's local HTTP API (served to the cashier screen).

export const RegisterStatus = z.object({
  registerId: Id.nullable(),
  registerName: z.string().nullable(),
  storeId: Id.nullable(),
  enrolled: z.boolean(),
  mode: RegisterMode,
  autonomousSince: IsoDateTime.nullable(),
  pendingRecords: z.number().int().nonnegative(),
  /** Customers created at this till not yet pushed to central (a queue apart from the records'). */
  pendingCustomers: z.number().int().nonnegative().optional(),
  reintegration: z.object({ done: z.number().int(), total: z.number().int() }).nullable(),
  lastSosCopyAt: IsoDateTime.nullable(),
  lastSosCopyKind: SosCopyKind.nullable(),
  sosChecksum: z.string().nullable(),
  sosSchedule: z.array(z.string()),
  changeVersion: z.number().int().nonnegative(),
  blockedChains: z.array(z.object({ chain: z.string(), reason: z.string() })),
  lastContactAt: IsoDateTime.nullable(),
  // ---- SOS copy freshness (issue 3; optional for older readers) ----
  sosCounts: z.record(z.string(), z.number().int()).nullable().optional(),
  /** Latest change version central announced minus the copy's version (0 = up to date). */
  changeVersionLag: z.number().int().nonnegative().nullable().optional(),
  nextSosCopyAt: IsoDateTime.nullable().optional(),
  advertisedUrl: z.string().nullable().optional(),
  /** The store's IANA time zone (from the copy): the screen shows times as the shop's clocks do. */
  storeTimezone: z.string().nullable().optional(),
  /** The business day the next Z closes (store time zone and cutoff: at 01:00 it is still the day before); null before the first copy. */
  businessDay: z.string().nullable().optional(),
  /**
   * Central answered the heartbeat with a refusal (e.g. 426 PROTOCOL_UNSUPPORTED: this till's software
   * is too old): shown on the screen; sales go on offline and every record waits in the outbox.
   */
  centralRefusal: z.object({ code: z.string(), message: z.string(), since: IsoDateTime }).nullable().optional(),
  softwareVersion: z.string().optional(),
  protocolVersion: z.number().int().optional(),
  /** Training mode: sales are training tickets (the cashier screen shows a banner). */
  training: z.boolean(),
});
export type RegisterStatus = z.infer<typeof RegisterStatus>;

export const CashierLoginRequest = z.object({ login: z.string().min(1).max(100), pin: z.string().regex(/^[0-9]{4,8}$/, 'PIN is 4 to 8 digits') });
export type CashierLoginRequest = z.infer<typeof CashierLoginRequest>;

/**
 * A manager's (or admin's) approval typed at the till: checked against the SOS copy's PIN hashes
 * (works offline); a wrong PIN counts as a failed login of that manager.
 */
export const Approval = CashierLoginRequest;
export type Approval = z.infer<typeof Approval>;

export const SaleLineRequest = z.object({
  sku: Sku,
  quantity: z.number().int().min(1).max(10000),
  discountCents: Cents.nonnegative().optional(),
  /**
   * The price the cashier typed, for an open-price item only (required there, above 0 and at most its
   * cap: 422 `OPEN_PRICE_REQUIRED` / `OPEN_PRICE_ABOVE_CAP`); any other product is sold at its catalog
   * price and a price sent for it is refused (422 `PRICE_NOT_OPEN`).
   */
  unitPriceCents: Cents.positive().optional(),
});
export const SalePaymentRequest = z.object({
  method: PaymentMethod,
  amountCents: Cents.positive(),
  /** With `credit_note`: the avoir's reference (printed on the return's receipt); with `gift_card`: the card's (CC-…). */
  reference: TenderReference.optional(),
});

/**
 * A discount on the whole ticket: a percentage (basis points, 1000 = 10 %) or an amount, spread by
 * the register over the lines after their own discounts (domain `spreadTicketDiscount`), so each VAT
 * rate is computed on what was paid; the signed lines carry their share in `discountCents`.
 */
export const TicketDiscountRequest = z.union([
  z.object({ percentBp: z.number().int().min(1).max(10000) }).strict(),
  z.object({ amountCents: Cents.positive() }).strict(),
]);
export const SaleRequest = z.object({
  lines: z.array(SaleLineRequest).min(1).max(500),
  ticketDiscount: TicketDiscountRequest.optional(),
  payments: z.array(SalePaymentRequest).max(20),
  customerId: Id.optional(),
  /** Idempotency key chosen by the screen: a retried POST returns the ticket already made. */
  clientSaleId: z.string().uuid().optional(),
  approval: Approval.optional(),
});
export type SaleRequest = z.infer<typeof SaleRequest>;

/**
 * `POST /api/gift-cards` (a cashier): sells a gift card (§25). The ticket's one line is the card:
 * no goods, no VAT. `amountCents` above 0 and at most the store's cap (422 PAYMENT_REFUSED, reason
 * GIFT_CARD_AMOUNT / GIFT_CARD_MAX), paid by cash, card or cheque (reason GIFT_CARD_TENDER).
 */
export const SellGiftCardRequest = z.object({
  amountCents: z.number().int(),
  payments: z.array(z.object({ method: PaymentMethod, amountCents: Cents.positive() })).min(1).max(20),
  /** Idempotency key chosen by the screen: a retried POST returns the ticket already made. */
  clientSaleId: z.string().uuid().optional(),
});
export type SellGiftCardRequest = z.infer<typeof SellGiftCardRequest>;
export const GiftCardReferenceParams = z.object({ reference: GiftCardReference });

export const ReturnRequest = z.object({
  original: z.object({ registerId: Id.optional(), number: z.number().int().positive() }),
  lines: z.array(z.object({ lineNo: z.number().int().positive(), quantity: z.number().int().positive() })).min(1),
  refunds: z.array(z.object({ method: PaymentMethod, amountCents: Cents.positive() })).max(20),
  clientSaleId: z.string().uuid().optional(),
  approval: Approval.optional(),
});
export type ReturnRequest = z.infer<typeof ReturnRequest>;

export const LocalTicket = z.object({
  registerId: Id,
  number: z.number().int().positive(),
  kind: z.enum(['sale', 'return']),
  totalCents: Cents,
  soldAt: IsoDateTime,
  soldOffline: z.boolean(),
  cashierId: Id,
  customerId: Id.nullable(),
  lines: z.array(TicketLine),
  vat: z.array(VatLine),
  payments: z.array(TicketPayment),
  changeCents: Cents,
  signature: z.string(),
  /** When the central server acknowledged it; null while it waits in the outbox. */
  integratedAt: IsoDateTime.nullable(),
  original: z.object({ registerId: Id, number: z.number().int() }).nullable(),
  /** A gift card's sale: the card it issued (§25). */
  giftCard: z.object({ reference: z.string(), amountCents: Cents.positive() }).optional(),
});
export type LocalTicket = z.infer<typeof LocalTicket>;

export const SosCopyResult = z.object({
  ok: z.boolean(),
  kind: SosCopyKind,
  at: IsoDateTime,
  changeVersion: z.number().int(),
  counts: z.record(z.string(), z.number().int()),
  checksum: z.string(),
  durationMs: z.number(),
});
export type SosCopyResult = z.infer<typeof SosCopyResult>;

// ---- added for the register agent (additive) ----

/** Answer of `POST /api/auth/login` on the register (a cashier session token). */
export const CashierLoginResponse = z.object({
  token: z.string(),
  cashierId: Id,
  displayName: z.string(),
  role: z.enum(['admin', 'manager', 'cashier']),
  expiresAt: IsoDateTime,
});
export type CashierLoginResponse = z.infer<typeof CashierLoginResponse>;

/** Answer of `POST /api/sales` and `POST /api/returns` (201 created, 200 when `clientSaleId` replays). */
export const SaleResponse = z.object({
  registerId: Id,
  number: z.number().int().positive(),
  kind: z.enum(['sale', 'return']),
  totalCents: Cents,
  changeCents: Cents.nonnegative(),
  soldOffline: z.boolean(),
  lines: z.array(TicketLine),
  vat: z.array(VatLine),
  payments: z.array(TicketPayment),
  signature: z.string(),
  soldAt: IsoDateTime,
  /** A training ticket (training mode): numbered in the `training` chain, never counted, "TICKET DE FORMATION — NON VALABLE". */
  training: z.boolean(),
  /** A gift card's sale: the card it issued (its reference is printed with its Code 128). */
  giftCard: z.object({ reference: z.string(), amountCents: Cents.positive() }).optional(),
});
export type SaleResponse = z.infer<typeof SaleResponse>;

export const LocalTicketsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export const TicketNumberParams = z.object({ number: z.coerce.number().int().positive() });

/** A product of the SOS copy as the cashier screen sees it (with the local stock level). */
export const LocalProduct = z.object({
  sku: Sku,
  label: z.string(),
  priceCents: Cents.nonnegative(),
  vatRate: z.number().int(),
  category: z.string(),
  barcodes: z.array(z.string()),
  stock: z.number().int().nullable(),
  /** An open-price item's cap (the screen asks the price); null for a product at its catalog price. */
  openPriceMaxCents: z.number().int().positive().nullable(),
  /** Meal vouchers may pay for it (food only, §24): the payment dialog tenders at most the eligible lines' total. */
  mealVoucherEligible: z.boolean(),
});
export type LocalProduct = z.infer<typeof LocalProduct>;
export const LocalSearchQuery = z.object({
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const LocalCustomer = z.object({ id: Id, name: z.string(), email: z.string().nullable(), phone: z.string().nullable() });
export type LocalCustomer = z.infer<typeof LocalCustomer>;

/** A phone number as typed at the till: digits, spaces, dots, dashes, brackets, a leading +; 6 to 15 digits. */
export const CustomerPhone = z
  .string()
  .trim()
  .max(40)
  .regex(/^\+?[0-9][0-9 .()-]*$/, 'digits, spaces, . - ( ) and a leading + only')
  .refine((p) => {
    const digits = p.replace(/\D/g, '').length;
    return digits >= 6 && digits <= 15;
  }, '6 to 15 digits');

/**
 * `POST /api/customers` at the till: a new customer of the store, created in the register's copy
 * (usable at once for the sale and for invoices, online or not) and queued for central, which
 * integrates it by its id and may link it to an existing customer (docs/architecture.md §16).
 */
export const NewCustomerRequest = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().email().max(200).nullable().optional(),
  phone: CustomerPhone.nullable().optional(),
});
export type NewCustomerRequest = z.infer<typeof NewCustomerRequest>;

// ---- the cash drawer (issue 11) ----

/** `POST /api/cash/movements`: an opening float, cash put in, or cash taken out (a paid-out). */
export const CashMovementRequest = z
  .object({
    kind: CashMovementKind,
    amountCents: Cents.positive().max(100_000_000),
    reason: z.string().trim().max(200).default(''),
    /** A manager's approval, needed for a paid-out (approval.service.ts; a manager signed in needs none). */
    approval: Approval.optional(),
  })
  .refine((m) => m.kind === 'float' || m.reason.length > 0, { message: 'a paid-in or paid-out needs a reason', path: ['reason'] });
export type CashMovementRequest = z.infer<typeof CashMovementRequest>;

export const CashMovement = z.object({
  number: z.number().int().positive(),
  recordedAt: IsoDateTime,
  signature: z.string(),
  integratedAt: IsoDateTime.nullable(),
  payload: CashMovementPayload,
});
export type CashMovement = z.infer<typeof CashMovement>;

/** `GET /api/cash/drawer`: the drawer of the current business day. */
export const DrawerState = z.object({
  day: z.string(),
  /**
   * Today's Z is signed: `day` is then the next business day, which the movements made now (like
   * the tickets sold now) belong to and which the next Z counts.
   */
  closed: z.boolean(),
  floatSet: z.boolean(),
  floatCents: Cents,
  inCents: Cents,
  outCents: Cents,
  /** Net cash of the day's tickets so far (cash paid minus change, refunds negative). */
  ticketCashCents: Cents,
  /** float + in − out + ticket cash: what a count should find. */
  expectedCents: Cents,
  movements: z.array(CashMovement),
  /** The last closing count signed (the count of the last Z that had one), null before any. */
  lastCount: CashMovement.nullable().optional(),
});
export type DrawerState = z.infer<typeof DrawerState>;

/**
 * `POST /api/cash/drawer/open`: open the drawer without a sale (a "no sale"). Needs a manager's
 * approval (approval.service.ts; a manager signed in needs none); signed as a `drawer_opened_no_sale`
 * event (JET code 1090) with its reason (the journal says why), then the drawer is kicked through
 * the receipt printer when there is one.
 */
export const DrawerOpenRequest = z.object({
  reason: z.string().trim().min(1, 'opening the drawer without a sale needs a reason').max(200),
  approval: Approval.optional(),
});
export type DrawerOpenRequest = z.infer<typeof DrawerOpenRequest>;

export const DrawerOpening = z.object({
  /** The signed event (the register's `event` chain; it reaches central with the other events). */
  event: JournalEvent,
  /**
   * The drawer's pulse (ESC/POS `ESC p`) through the receipt printer: `sent`, `failed` (the printer
   * did not take it: `kickError` says why) or `no_printer` (none configured). The event is signed
   * before the pulse, whatever its outcome.
   */
  kick: z.enum(['sent', 'failed', 'no_printer']),
  kickError: z.string().nullable(),
});
export type DrawerOpening = z.infer<typeof DrawerOpening>;

/** `POST /api/closures/day`: the day Z, with the drawer's count (a total, or coins and notes), or without. */
export const CloseDayRequest = z
  .object({
    countedCashCents: Cents.nonnegative().max(100_000_000).optional(),
    denominations: z.array(DenominationCount).max(EURO_DENOMINATIONS.length).optional(),
    /** A manager's approval when a cashier closes the day (approval.service.ts; a manager signed in needs none). */
    approval: Approval.optional(),
  })
  .refine((b) => b.countedCashCents === undefined || b.denominations === undefined, { message: 'a total or denominations, not both', path: ['denominations'] })
  .refine((b) => !b.denominations || new Set(b.denominations.map((d) => d.valueCents)).size === b.denominations.length, {
    message: 'each denomination at most once',
    path: ['denominations'],
  });
export type CloseDayRequest = z.infer<typeof CloseDayRequest>;

/**
 * `PUT /api/training`: training mode on or off, by a manager signed in or with a manager's
 * `approval` (approval.service.ts; the approver is signed in the training_start/end event); `GET /api/training`.
 */
export const TrainingRequest = z.object({ enabled: z.boolean(), approval: Approval.optional() });
export type TrainingRequest = z.infer<typeof TrainingRequest>;
export const TrainingState = z.object({ training: z.boolean() });
export type TrainingState = z.infer<typeof TrainingState>;

/**
 * `POST /api/keys/rotate` (a manager): the register signs a `key_end` event with its current key
 * naming the next one, then goes on signing every chain under the next key (`key_start`).
 */
export const KeyRotationResponse = z.object({
  keyId: z.string().regex(/^[0-9a-f]{64}$/),
  previousKeyId: z.string().regex(/^[0-9a-f]{64}$/),
  /** Per chain, the last number the previous key signed. */
  endAt: z.record(z.string(), z.number().int().nonnegative()),
});
export type KeyRotationResponse = z.infer<typeof KeyRotationResponse>;
