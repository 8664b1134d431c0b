import { z } from 'zod';
import { Cents, Id, IsoDateTime, MealVoucherEligibleField, OpenPriceFields, OpenPriceMaxCents, Sku, VatRate, openPriceRule } from './common';
import { RegisterMode, SosCopyKind } from './sync';
import { ArchivePayload, ClosurePayload, TicketLine, TicketPayment, VatLine } from './record';

// Bodies of the central server's HTTP API (docs/architecture.md §8). Types are inferred, never hand-written.

export const Role = z.enum(['admin', 'manager', 'cashier']);
export type Role = z.infer<typeof Role>;

export const AdminLoginRequest = z.object({ username: z.string().min(1).max(100), password: z.string().min(1).max(200) });
export type AdminLoginRequest = z.infer<typeof AdminLoginRequest>;
export const LoginResponse = z.object({ token: z.string(), role: Role, expiresAt: IsoDateTime });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const CreateRegisterRequest = z.object({ name: z.string().trim().min(1).max(100), storeId: Id.optional() });
export type CreateRegisterRequest = z.infer<typeof CreateRegisterRequest>;
/** A one-time enrolment code (creation, or `POST /api/registers/:id/enrol-code` to re-enrol a replaced till). */
export const CreateRegisterResponse = z.object({ id: Id, enrolCode: z.string(), enrolCodeExpiresAt: IsoDateTime });

export const FleetRegister = z.object({
  id: Id,
  name: z.string(),
  storeId: Id,
  enrolled: z.boolean(),
  mode: RegisterMode.nullable(),
  /** false when the register has not been heard from for a while (it may be off, or cut off). */
  online: z.boolean(),
  lastSeenAt: IsoDateTime.nullable(),
  autonomousSince: IsoDateTime.nullable(),
  pendingRecords: z.number().int().nonnegative(),
  lastSosCopyAt: IsoDateTime.nullable(),
  lastSosCopyKind: SosCopyKind.nullable(),
  sosChecksum: z.string().nullable(),
  sosSchedule: z.array(z.string()),
  tamperAlerts: z.number().int().nonnegative(),
  // ---- SOS copy freshness (issue 3; optional for older readers) ----
  /** Row counts of the register's last full copy. */
  sosCounts: z.record(z.string(), z.number().int()).nullable().optional(),
  /** Central change version minus the version the register's copy holds (0 = up to date). */
  changeVersionLag: z.number().int().nonnegative().nullable().optional(),
  nextSosCopyAt: IsoDateTime.nullable().optional(),
  /** The register's own API URL (reported in its heartbeat), used by prepare-outage. */
  advertisedUrl: z.string().nullable().optional(),
  // ---- versions (issue 15) ----
  /** Software version the register last reported; null for protocol 1 registers (they do not say). */
  softwareVersion: z.string().nullable().optional(),
  /** Sync protocol of its last heartbeat (1 = a release before versions were reported); null when never seen. */
  protocolVersion: z.number().int().nullable().optional(),
  // ---- trust (issue 9) ----
  /** When an admin revoked the register's token (it answers 401 since); null while trusted. */
  revokedAt: IsoDateTime.nullable().optional(),
  /** When the pending one-time enrolment code expires; null when no code is pending. */
  enrolCodeExpiresAt: IsoDateTime.nullable().optional(),
  // ---- till customers (issue 12) ----
  /** Customers created at the till waiting to be pushed, as last reported; null when the register does not report it (older release) or was never seen. */
  pendingCustomers: z.number().int().nonnegative().nullable().optional(),
});
export type FleetRegister = z.infer<typeof FleetRegister>;

/** `PUT /api/registers/:id/advertised-url` (admin): where central reaches the register; null = from its heartbeats again. */
export const AdvertisedUrlRequest = z.object({ url: z.url({ protocol: /^https?$/, message: 'an http:// or https:// URL' }).max(500).nullable() });
export type AdvertisedUrlRequest = z.infer<typeof AdvertisedUrlRequest>;

export const SosScheduleRequest = z.object({ cron: z.array(z.string().min(1).max(100)).max(24) });

export const Product = z.object({
  sku: Sku,
  label: z.string(),
  priceCents: Cents.nonnegative(),
  vatRate: VatRate,
  category: z.string(),
  barcodes: z.array(z.string()),
  /** An open-price item: the cashier types its price at the till (≤ `openPriceMaxCents`); `priceCents` is then unused. */
  openPrice: z.boolean(),
  /** The cap of an open-price item; null for a product sold at its catalog price. */
  openPriceMaxCents: OpenPriceMaxCents.nullable(),
  /** Meal vouchers may pay for it (food only, §24); true unless the shop says otherwise. */
  mealVoucherEligible: z.boolean(),
});
export type Product = z.infer<typeof Product>;

export const CreateProductRequest = z.object({
  sku: Sku,
  label: z.string().trim().min(1).max(200),
  priceCents: Cents.nonnegative(),
  vatRate: VatRate,
  category: z.string().trim().max(100).default(''),
  barcodes: z.array(z.string().regex(/^[0-9A-Za-z-]{1,64}$/)).max(20).default([]),
  ...OpenPriceFields,
  ...MealVoucherEligibleField,
}).superRefine(openPriceRule);
export type CreateProductRequest = z.infer<typeof CreateProductRequest>;

export const PatchProductRequest = z
  .object({ priceCents: Cents.nonnegative().optional(), label: z.string().trim().min(1).max(200).optional() })
  .refine((p) => p.priceCents !== undefined || p.label !== undefined, 'nothing to change');
export type PatchProductRequest = z.infer<typeof PatchProductRequest>;

export const CentralTicket = z.object({
  registerId: Id,
  number: z.number().int().positive(),
  storeId: Id,
  kind: z.enum(['sale', 'return']),
  totalCents: Cents,
  soldAt: IsoDateTime,
  soldOffline: z.boolean(),
  integratedAt: IsoDateTime,
  anomalies: z.array(z.string()),
  customerId: Id.nullable(),
  cashierId: Id,
  original: z.object({ registerId: Id, number: z.number().int() }).nullable(),
  signature: z.string(),
  lines: z.array(TicketLine).optional(),
  payments: z.array(TicketPayment).optional(),
  vat: z.array(VatLine).optional(),
});
export type CentralTicket = z.infer<typeof CentralTicket>;

export const TicketsQuery = z.object({
  registerId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  /** `?detail=1`: each ticket with its lines, payments and VAT lines. */
  detail: z.enum(['0', '1', 'true', 'false']).optional(),
});

/** `GET /api/closures`: the daily closures (Z) registers signed and pushed, newest first. */
export const CentralClosuresQuery = z.object({
  registerId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const CentralClosure = z.object({
  registerId: Id,
  number: z.number().int().positive(),
  recordedAt: IsoDateTime,
  integratedAt: IsoDateTime,
  signature: z.string(),
  payload: ClosurePayload,
});
export type CentralClosure = z.infer<typeof CentralClosure>;

/** `GET /api/archives`: the archive records registers signed (newest first); each one's file at `GET /api/archives/:registerId/:number/file`. */
export const CentralArchivesQuery = CentralClosuresQuery;
export const CentralArchive = CentralClosure.extend({ payload: ArchivePayload });
export type CentralArchive = z.infer<typeof CentralArchive>;
export const CentralArchiveParams = z.object({ registerId: Id, number: z.coerce.number().int().positive() });

export const StockLevel = z.object({ sku: Sku, storeId: Id, quantity: z.number().int() });
export const StockQuery = z.object({ storeId: Id.optional() });

export const Customer = z.object({
  id: Id,
  storeId: Id,
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
});
export type Customer = z.infer<typeof Customer>;

export const DemoLinkRequest = z.object({ up: z.boolean() });


// ---- added by central (additive) ----

export const ProductsQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  /** Search: part of the label or SKU (case-insensitive), or an exact barcode. */
  q: z.string().trim().max(100).optional(),
});

export const CustomersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  q: z.string().trim().max(100).optional(),
  storeId: Id.optional(),
});

export const CreateCustomerRequest = z.object({
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().email().max(200).nullable().optional(),
  phone: z.string().trim().min(3).max(40).nullable().optional(),
  /** Defaults to the only/first store. */
  storeId: Id.optional(),
});
export type CreateCustomerRequest = z.infer<typeof CreateCustomerRequest>;

export const CreateUserRequest = z
  .object({
    username: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits and . _ @ - only'),
    displayName: z.string().trim().min(1).max(200),
    role: Role,
    password: z.string().min(8).max(200).optional(),
    pin: z.string().regex(/^[0-9]{4,8}$/, 'PIN is 4 to 8 digits').optional(),
    storeId: Id.nullable().optional(),
  })
  .refine((u) => u.role !== 'cashier' || u.pin !== undefined, { message: 'a cashier needs a PIN', path: ['pin'] })
  .refine((u) => u.role === 'cashier' || u.password !== undefined, { message: 'an admin or manager needs a password', path: ['password'] });
export type CreateUserRequest = z.infer<typeof CreateUserRequest>;

export const UserSummary = z.object({
  id: Id,
  username: z.string(),
  displayName: z.string(),
  role: Role,
  storeId: Id.nullable(),
  active: z.boolean(),
  hasPin: z.boolean(),
});
export type UserSummary = z.infer<typeof UserSummary>;

export const TamperAlert = z.object({
  id: Id,
  registerId: Id,
  chain: z.string(),
  number: z.number().int(),
  /** prev_mismatch | bad_signature | replay_signature_differs | key_not_valid (a key of the register, outside its validity) */
  reason: z.string(),
  createdAt: IsoDateTime,
});
export type TamperAlert = z.infer<typeof TamperAlert>;

export const TamperAlertsQuery = z.object({
  registerId: Id.optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export const DemoLink = z.object({ registerId: Id, up: z.boolean() });
export type DemoLink = z.infer<typeof DemoLink>;

/** `GET /api/registers/:id/keys`: every key the register ever had, oldest first; `validTo` is the next key's `validFrom` (null: current). */
export const RegisterKey = z.object({
  /** Lowercase hex SHA-256 of the DER SubjectPublicKeyInfo. */
  keyId: z.string().regex(/^[0-9a-f]{64}$/),
  publicKeyPem: z.string(),
  validFrom: IsoDateTime,
  validTo: IsoDateTime.nullable(),
  /**
   * Its validity by position (issue 10): per chain, the key signs the numbers after `startAfter`
   * (absent chain: 0) up to `endAt` (null: still current; absent chain: none). Null `startAfter`:
   * from record 1. Keys retired before positions were kept have both null.
   */
  startAfter: z.record(z.string(), z.number().int().nonnegative()).nullable().optional(),
  endAt: z.record(z.string(), z.number().int().nonnegative()).nullable().optional(),
});
export type RegisterKey = z.infer<typeof RegisterKey>;
export const RegisterKeysResponse = z.object({ items: z.array(RegisterKey) });
export type RegisterKeysResponse = z.infer<typeof RegisterKeysResponse>;
