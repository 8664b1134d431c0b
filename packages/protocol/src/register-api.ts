import { z } from 'zod';
import { Cents, Id, IsoDateTime, Sku } from './common';
import { PaymentMethod, TicketLine, TicketPayment, VatLine } from './record';
import { RegisterMode, SosCopyKind } from './sync';

// Bodies of the register agent's local HTTP API (served to the cashier screen).

export const RegisterStatus = z.object({
  registerId: Id.nullable(),
  registerName: z.string().nullable(),
  storeId: Id.nullable(),
  enrolled: z.boolean(),
  mode: RegisterMode,
  autonomousSince: IsoDateTime.nullable(),
  pendingRecords: z.number().int().nonnegative(),
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
  /**
   * Central answered the heartbeat with a refusal (e.g. 426 PROTOCOL_UNSUPPORTED: this till's software
   * is too old): shown on the screen; sales go on offline and every record waits in the outbox.
   */
  centralRefusal: z.object({ code: z.string(), message: z.string(), since: IsoDateTime }).nullable().optional(),
  softwareVersion: z.string().optional(),
  protocolVersion: z.number().int().optional(),
});
export type RegisterStatus = z.infer<typeof RegisterStatus>;

export const CashierLoginRequest = z.object({ login: z.string().min(1).max(100), pin: z.string().regex(/^[0-9]{4,8}$/, 'PIN is 4 to 8 digits') });
export type CashierLoginRequest = z.infer<typeof CashierLoginRequest>;

export const SaleLineRequest = z.object({
  sku: Sku,
  quantity: z.number().int().min(1).max(10000),
  discountCents: Cents.nonnegative().optional(),
});
export const SalePaymentRequest = z.object({ method: PaymentMethod, amountCents: Cents.positive() });

export const SaleRequest = z.object({
  lines: z.array(SaleLineRequest).min(1).max(500),
  payments: z.array(SalePaymentRequest).max(20),
  customerId: Id.optional(),
  /** Idempotency key chosen by the screen: a retried POST returns the ticket already made. */
  clientSaleId: z.string().uuid().optional(),
});
export type SaleRequest = z.infer<typeof SaleRequest>;

export const ReturnRequest = z.object({
  original: z.object({ registerId: Id.optional(), number: z.number().int().positive() }),
  lines: z.array(z.object({ lineNo: z.number().int().positive(), quantity: z.number().int().positive() })).min(1),
  refunds: z.array(z.object({ method: PaymentMethod, amountCents: Cents.positive() })).max(20),
  clientSaleId: z.string().uuid().optional(),
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
});
export type LocalProduct = z.infer<typeof LocalProduct>;
export const LocalSearchQuery = z.object({
  q: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});
export const LocalCustomer = z.object({ id: Id, name: z.string(), email: z.string().nullable(), phone: z.string().nullable() });
export type LocalCustomer = z.infer<typeof LocalCustomer>;
