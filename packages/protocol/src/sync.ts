import { z } from 'zod';
import { Cents, Id, IsoDateTime, OpenPriceMaxCents, Sku, VatRate } from './common';
import { Chain, PaymentMethod, SignedRecord } from './record';

/** Heads: the last number held per chain (0 or absent = nothing yet). */
export const ChainHeads = z.partialRecord(Chain, z.number().int().nonnegative());
export type ChainHeads = z.infer<typeof ChainHeads>;

// ---- enrolment (no token: the one-time code is the credential) ----
export const EnrolRequest = z.object({
  enrolCode: z.string().min(6).max(64),
  publicKeyPem: z.string().min(100).max(2000).startsWith('-----BEGIN PUBLIC KEY-----'),
});
export type EnrolRequest = z.infer<typeof EnrolRequest>;
export const EnrolResponse = z.object({
  registerId: Id,
  registerName: z.string(),
  storeId: Id,
  /** Bearer token the register uses for every sync call. Shown once. */
  token: z.string(),
  /**
   * A replaced till (the register had a key before): central's chain heads, which the new till's
   * chains continue from (number + 1, following that signature), and the key they retire.
   */
  continueFrom: z
    .object({
      previousKeyId: z.string().regex(/^[0-9a-f]{64}$/),
      heads: z.array(z.object({ chain: z.string(), number: z.number().int().positive(), signature: z.string(), recordedAt: IsoDateTime })),
    })
    .optional(),
});
export type EnrolResponse = z.infer<typeof EnrolResponse>;

// ---- push ----
export const MAX_PUSH_BATCH = 500;
export const PushRequest = z.object({ records: z.array(SignedRecord).min(1).max(MAX_PUSH_BATCH) });
export type PushRequest = z.infer<typeof PushRequest>;
export const PushResponse = z.object({
  /** Records newly integrated by this call. */
  integrated: z.number().int().nonnegative(),
  /** Records the central server already held with the same signature (replays). */
  replayed: z.number().int().nonnegative(),
  heads: ChainHeads,
});
export type PushResponse = z.infer<typeof PushResponse>;
/** details of a CHAIN_GAP error: the register resends from `expected`. */
export const ChainGapDetails = z.object({ chain: Chain, expected: z.number().int().positive(), got: z.number().int() });

// ---- heartbeat ----
export const RegisterMode = z.enum(['connected', 'autonomous', 'reintegrating']);
export type RegisterMode = z.infer<typeof RegisterMode>;
export const SosCopyKind = z.enum(['enrolment', 'scheduled', 'manual', 'incremental']);
export type SosCopyKind = z.infer<typeof SosCopyKind>;

export const HeartbeatRequest = z.object({
  mode: RegisterMode,
  pendingRecords: z.number().int().nonnegative(),
  lastSosCopyAt: IsoDateTime.nullable(),
  lastSosCopyKind: SosCopyKind.nullable(),
  sosChecksum: z.string().nullable(),
  changeVersion: z.number().int().nonnegative(),
  autonomousSince: IsoDateTime.nullable(),
  /** The register's own API URL, for central-initiated copies (prepare-outage). */
  advertisedUrl: z.url().max(500).nullable().optional(),
  /** Row counts of the last full copy. */
  sosCounts: z.record(z.string(), z.number().int().nonnegative()).nullable().optional(),
  /** Next scheduled full copy (store time zone applied), null when no schedule. */
  nextSosCopyAt: IsoDateTime.nullable().optional(),
  // ---- protocol 2 (absent from protocol 1 registers) ----
  /** The register's software version (its package version, e.g. "0.2.0"). */
  softwareVersion: z.string().min(1).max(50).regex(/^[0-9A-Za-z.+-]+$/, 'a version such as 0.2.0').optional(),
  /** The sync protocol the register speaks (the header says the same). */
  protocolVersion: z.number().int().positive().max(9999).optional(),
  /**
   * Customers created at the till still waiting to be pushed (their own queue, not records: they are
   * not in `pendingRecords`). Optional: registers before it do not report it, centrals before it ignore it.
   */
  pendingCustomers: z.number().int().nonnegative().optional(),
});
export type HeartbeatRequest = z.infer<typeof HeartbeatRequest>;

export const RegisterConfig = z.object({
  sosSchedule: z.array(z.string()),
  heartbeatIntervalMs: z.number().int().positive(),
});
export type RegisterConfig = z.infer<typeof RegisterConfig>;

export const HeartbeatResponse = z.object({
  serverTime: IsoDateTime,
  heads: ChainHeads,
  /** Latest change version of what the SOS copy holds: the register pulls `changes` when behind. */
  changeVersion: z.number().int().nonnegative(),
  config: RegisterConfig,
});
export type HeartbeatResponse = z.infer<typeof HeartbeatResponse>;

// ---- what the SOS copy holds ----
export const StoreIdentity = z.object({
  id: Id,
  name: z.string(),
  address: z.string(),
  siret: z.string(),
  vatNumber: z.string(),
  timezone: z.string(),
  /** NF525 business day: "HH:MM" store time; an instant before it belongs to the previous day's business day. */
  businessDayCutoff: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/).default('04:00'),
  /** First month (1–12) of the fiscal year: year closures and archives follow it. */
  fiscalYearStartMonth: z.number().int().min(1).max(12).default(1),
  /**
   * Ticket references (docs/architecture.md §18): the store's short code and its registers with their
   * number in the store. Sent only to registers that ask (`?with=references`), so an older register's
   * copy keeps its checksum; absent from copies made before.
   */
  code: z.string().optional(),
  registers: z.array(z.object({ id: Id, name: z.string(), number: z.number().int().positive() })).optional(),
  /**
   * Meal vouchers accepted per ticket, cents (docs/architecture.md §24). Sent only to registers that
   * ask for the till extras (`?with=references,till`), like the fields above; absent: the default 2500.
   */
  mealVoucherCapCents: z.number().int().nonnegative().optional(),
  /** The most one gift card may be sold for, cents (§25). Sent only with `?with=…,gift-card`; absent: the default 50000. */
  giftCardMaxCents: z.number().int().positive().optional(),
});
export type StoreIdentity = z.infer<typeof StoreIdentity>;

export const CopyProduct = z.object({
  sku: Sku,
  label: z.string(),
  priceCents: Cents.nonnegative(),
  vatRate: VatRate,
  category: z.string(),
  barcodes: z.array(z.string()),
  active: z.boolean(),
  /**
   * Present only on an open-price item (issue 12), sent only to registers that ask
   * (`?with=…,open-price`): its cap; the cashier types the price. Absent otherwise, so a product
   * line hashes as before and older registers' copies keep verifying (copy-checksum.ts).
   */
  openPriceMaxCents: OpenPriceMaxCents.optional(),
  /**
   * `false` only on an item meal vouchers may not pay for (§24), sent only to registers that ask
   * (`?with=…,meal-voucher-eligible`); absent = eligible, so every other line hashes as before and an
   * older register (which cannot read it) gets exactly the lines it hashes.
   */
  mealVoucherEligible: z.literal(false).optional(),
});
export type CopyProduct = z.infer<typeof CopyProduct>;

export const CopyCustomer = z.object({
  id: Id,
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  active: z.boolean(),
});
export type CopyCustomer = z.infer<typeof CopyCustomer>;

/** A customer created at a till, as its register pushes it (`POST /api/sync/customers`): its id is the register's UUID. */
export const TillCustomer = z.object({
  id: z.string().uuid(),
  name: z.string().trim().min(1).max(200),
  email: z.string().trim().email().max(200).nullable(),
  phone: z.string().trim().min(1).max(40).nullable(),
  createdAt: IsoDateTime,
});
export type TillCustomer = z.infer<typeof TillCustomer>;

/** At most this many customers per push. */
export const MAX_CUSTOMER_PUSH = 100;

export const TillCustomersPush = z.object({ customers: z.array(TillCustomer).min(1).max(MAX_CUSTOMER_PUSH) });
export type TillCustomersPush = z.infer<typeof TillCustomersPush>;

/**
 * Per pushed customer, the customer central holds for it: `customerId` = the pushed id (a new
 * customer of the store) or, `linked`, an existing customer of the store with the same normalised
 * e-mail or phone — the register uses that one from then on. The same id pushed again answers the same.
 */
export const TillCustomersAnswer = z.object({
  customers: z.array(z.object({ id: z.string().uuid(), customerId: Id, linked: z.boolean(), customer: CopyCustomer })),
});
export type TillCustomersAnswer = z.infer<typeof TillCustomersAnswer>;

export const CopyCashier = z.object({
  id: Id,
  login: z.string(),
  displayName: z.string(),
  role: z.enum(['admin', 'manager', 'cashier']),
  pinHash: z.string().nullable(),
  active: z.boolean(),
});
export type CopyCashier = z.infer<typeof CopyCashier>;

export const CopyStock = z.object({ sku: Sku, quantity: z.number().int() });
export type CopyStock = z.infer<typeof CopyStock>;

/** A recent document (ticket summary) of a customer of the store: the last N per customer. */
export const CopyDocument = z.object({
  customerId: Id,
  registerId: Id,
  number: z.number().int().positive(),
  kind: z.enum(['sale', 'return']),
  totalCents: Cents,
  soldAt: IsoDateTime,
});
export type CopyDocument = z.infer<typeof CopyDocument>;

export const SnapshotManifest = z.object({
  changeVersion: z.number().int().nonnegative(),
  counts: z.object({
    products: z.number().int().nonnegative(),
    customers: z.number().int().nonnegative(),
    cashiers: z.number().int().nonnegative(),
    stock: z.number().int().nonnegative(),
    documents: z.number().int().nonnegative().default(0),
  }),
  /** sha256 (hex) over the canonical lines of the body (see checksum.ts: one definition, both sides). */
  checksum: z.string(),
  createdAt: IsoDateTime,
  /**
   * The register's `ticket` chain head at central when the copy was read: the copy's stock already
   * holds the effect of tickets up to it; the register re-applies its own later movements.
   */
  ticketHead: z.number().int().nonnegative().optional(),
});
export type SnapshotManifest = z.infer<typeof SnapshotManifest>;

export const Snapshot = z.object({
  manifest: SnapshotManifest,
  store: StoreIdentity,
  paymentMethods: z.array(PaymentMethod),
  products: z.array(CopyProduct),
  customers: z.array(CopyCustomer),
  cashiers: z.array(CopyCashier),
  stock: z.array(CopyStock),
  documents: z.array(CopyDocument).default([]),
});
export type Snapshot = z.infer<typeof Snapshot>;

// ---- incremental changes ----
/**
 * `?with=`: what a register understands beyond the copy of older releases, comma-separated.
 * `references`: the store line carries the ticket-reference fields (registers from issue 12 on ask);
 * `till`: the meal-voucher cap in the store line and `meal_voucher` in the payment methods (§24);
 * `open-price`: open-price items come with their cap (`openPriceMaxCents`); without it, central leaves
 * them out of a full copy and sends them as inactive in changes: a till that cannot ask the price never sells one.
 * `meal-voucher-eligible`: an item meal vouchers may not pay for says so (`mealVoucherEligible: false`);
 * without it every item is eligible at that register (central flags a ticket whose vouchers exceed its eligible total);
 * `gift-card`: the store's gift-card cap in the store line and `gift_card` in the payment methods (§25).
 * An older register asks for less and gets exactly the lines it hashes, so its copies keep verifying.
 */
export const COPY_EXTRAS = ['references', 'till', 'open-price', 'gift-card', 'meal-voucher-eligible'] as const;
export type CopyExtra = (typeof COPY_EXTRAS)[number];
const EXTRA = `(${COPY_EXTRAS.join('|')})`;
export const CopyQuery = z.object({ with: z.string().max(100).regex(new RegExp(`^${EXTRA}(,${EXTRA})*$`), `a comma-separated list of: ${COPY_EXTRAS.join(', ')}`).optional() });
/** The extras a `?with=` names. */
export function copyExtrasOf(w: string | undefined): CopyExtras {
  const names = new Set((w ?? '').split(','));
  return { references: names.has('references'), till: names.has('till'), openPrice: names.has('open-price'), giftCard: names.has('gift-card'), mealVoucherEligible: names.has('meal-voucher-eligible') };
}
export interface CopyExtras {
  references: boolean;
  till: boolean;
  openPrice: boolean;
  giftCard: boolean;
  mealVoucherEligible: boolean;
}
/** The `?with=` a register of this release sends for its copies (full and changes). */
export const COPY_WITH = COPY_EXTRAS.join(',');
export type CopyQuery = z.infer<typeof CopyQuery>;
export const ChangesQuery = CopyQuery.extend({ since: z.coerce.number().int().nonnegative() });
export const ChangesResponse = z.object({
  changeVersion: z.number().int().nonnegative(),
  store: StoreIdentity.nullable(),
  products: z.array(CopyProduct),
  customers: z.array(CopyCustomer),
  cashiers: z.array(CopyCashier),
  documents: z.array(CopyDocument).default([]),
});
export type ChangesResponse = z.infer<typeof ChangesResponse>;


// ---- archive files (issue 10 item 6) ----
/** The archive file's media type, both ways (`PUT /api/sync/archives/:number/file`, the downloads). */
export const ARCHIVE_FILE_TYPE = 'application/x-ndjson';
/** `PUT /api/sync/archives/:number/file`: the archive record's number on the calling register's `archive` chain. */
export const ArchiveFileParams = z.object({ number: z.coerce.number().int().positive() });
/** The file as central keeps it: what the register may mark as sent (201 the first time, 200 for the same bytes again). */
export const ArchiveFileReceipt = z.object({
  registerId: z.string(),
  number: z.number().int().positive(),
  periodKey: z.string(),
  /** SHA-256 of the whole file (header line and body), lowercase hex. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  sizeBytes: z.number().int().positive(),
  receivedAt: z.string(),
});
export type ArchiveFileReceipt = z.infer<typeof ArchiveFileReceipt>;
