import { z } from 'zod';
import { Cents, Id, IsoDateTime, IsoDay, MealVoucherEligibleField, OpenPriceFields, OpenPriceMaxCents, Sku, VatRate, openPriceRule } from './common';
import { CentralTicket, Customer, FleetRegister, Role } from './central-api';
import { RegisterMode } from './sync';

// Bodies of the back-office endpoints of the central server (issue 5). The back-office web app
// imports these types only; the central server validates every request with these schemas.

const Page = {
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
};

const BoolParam = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

// ---- stores ----
export const Store = z.object({
  id: Id,
  name: z.string(),
  address: z.string(),
  siret: z.string(),
  vatNumber: z.string(),
  timezone: z.string(),
  /** NF525 business day cutoff, "HH:MM" store time (default 04:00). */
  businessDayCutoff: z.string(),
  /** First month of the fiscal year (1–12, default 1). */
  fiscalYearStartMonth: z.number().int(),
  /** Short code printed in every ticket reference of the store (`S01-C2-000123`), unique in the chain. */
  code: z.string(),
  /** Cap of meal vouchers (titres-restaurant) per ticket, cents: 2500 (25,00 €, the legal daily cap) unless changed. */
  mealVoucherCapCents: z.number().int().nonnegative(),
  /** The most a gift card may be sold for, cents: 50000 (500,00 €) unless changed. */
  giftCardMaxCents: z.number().int().positive(),
});
export type Store = z.infer<typeof Store>;

/** An IANA time zone name that this runtime knows (`Europe/Paris`, `UTC`…), not an offset. */
export const TimeZone = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .refine((tz) => /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz) && knownTimeZone(tz), 'an IANA time zone such as Europe/Paris');

function knownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

const StoreFields = {
  name: z.string().trim().min(1).max(200),
  address: z.string().trim().min(1).max(500),
  /** SIRET: 14 digits (spaces as printed are dropped). */
  siret: z.string().transform((s) => s.replace(/\s+/g, '')).pipe(z.string().regex(/^\d{14}$/, 'a SIRET is 14 digits')),
  /** Intra-EU VAT number, e.g. FR65912345675 (spaces dropped, upper case). */
  vatNumber: z.string().transform((s) => s.replace(/\s+/g, '').toUpperCase()).pipe(z.string().regex(/^[A-Z]{2}[0-9A-Z]{2,13}$/, 'a VAT number such as FR65912345675')),
  timezone: TimeZone,
  businessDayCutoff: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM'),
  fiscalYearStartMonth: z.number().int().min(1).max(12),
  /** 1–6 capitals or digits, starting with a capital (`S01`); given in lower case, it is upper-cased. */
  code: z.string().trim().toUpperCase().pipe(z.string().regex(/^[A-Z][A-Z0-9]{0,5}$/, 'a short code such as S01 (1 to 6 capitals or digits)')),
  /** Meal vouchers accepted per ticket, cents (0 = none; at most 1 000,00 €). */
  mealVoucherCapCents: z.number().int().min(0).max(100_000),
  /** Gift cards are sold for at most this, cents (1 to 1 000 000 = 10 000,00 €). */
  giftCardMaxCents: z.number().int().min(1).max(1_000_000),
};
/** `POST /api/stores` (admin): a new store of the chain. */
export const CreateStoreRequest = z
  .object({ ...StoreFields, businessDayCutoff: StoreFields.businessDayCutoff.optional(), fiscalYearStartMonth: StoreFields.fiscalYearStartMonth.optional(), code: StoreFields.code.optional(), mealVoucherCapCents: StoreFields.mealVoucherCapCents.optional(), giftCardMaxCents: StoreFields.giftCardMaxCents.optional() })
  .strict();
export type CreateStoreRequest = z.infer<typeof CreateStoreRequest>;
/** `PATCH /api/stores/:id` (admin): any of the store's fields. */
export const PatchStoreRequest = z
  .object(StoreFields)
  .partial()
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
export type PatchStoreRequest = z.infer<typeof PatchStoreRequest>;

// ---- fleet (live view) ----
/**
 * One register as the fleet view shows it. `shownMode` is what the screen shows: the mode the
 * register last reported, except that a register not heard from for more than `silentAfterMs` is
 * shown `autonomous` — cut off from central, it cannot say so itself, and by docs/architecture.md §3 it switches
 * to autonomous within ~2 s of losing the link. `silent` says the mode is inferred, not reported.
 */
export const FleetView = FleetRegister.extend({
  shownMode: RegisterMode.nullable(),
  silent: z.boolean(),
  /** Milliseconds since the last heartbeat, by the central clock; null when never seen. */
  silentForMs: z.number().int().nonnegative().nullable(),
  /** Age of the last full SOS copy by the central clock; null when none. */
  copyAgeMs: z.number().int().nonnegative().nullable(),
  /** true when the last SOS copy is older than `staleCopyAfterMs` (or there is none). */
  copyStale: z.boolean(),
  /** Demo mode only: whether the register's cuttable link is up; null outside demo mode. */
  linkUp: z.boolean().nullable(),
});
export type FleetView = z.infer<typeof FleetView>;
export const FleetResponse = z.object({
  items: z.array(FleetView),
  total: z.number().int(),
  serverTime: IsoDateTime,
  silentAfterMs: z.number().int(),
  staleCopyAfterMs: z.number().int(),
  demo: z.boolean(),
  /** Central's own software version and the protocols it accepts. */
  central: z.object({ softwareVersion: z.string(), protocolVersion: z.number().int(), oldestProtocolVersion: z.number().int() }).optional(),
  /** Versions the registers run (seen ones), with how many run each; more than one = a rollout in progress. */
  versions: z.array(z.object({ softwareVersion: z.string().nullable(), protocolVersion: z.number().int(), registers: z.number().int() })).optional(),
  mixedVersions: z.boolean().optional(),
});
export type FleetResponse = z.infer<typeof FleetResponse>;

// ---- documents ----
export const DocumentsQuery = z.object({
  storeId: Id.optional(),
  registerId: Id.optional(),
  customerId: Id.optional(),
  /** Sold on or after this day, on the store's clock: from 00:00 in the ticket's store's time zone. */
  from: IsoDay.optional().describe("Sold on or after this day (YYYY-MM-DD) on the store's clock: from 00:00 in the time zone of the ticket's store"),
  /** Sold on or before this day, on the store's clock: until 24:00 in the ticket's store's time zone. */
  to: IsoDay.optional().describe("Sold on or before this day (YYYY-MM-DD) on the store's clock: until 24:00 in the time zone of the ticket's store"),
  soldOffline: BoolParam.optional(),
  /** Only tickets carrying anomalies. */
  anomalies: BoolParam.optional(),
  /**
   * The next page after a previous answer's `nextCursor` (keyset: the page after that ticket in
   * the list's order, whatever arrived meanwhile). With a cursor, `offset` must be 0.
   */
  cursor: z.string().max(400).optional(),
  /** Count every matching ticket (linear in them): `total` exact, `totalExact` true. Default: bounded. */
  exactTotal: BoolParam.optional(),
  ...Page,
});
export type DocumentsQuery = z.infer<typeof DocumentsQuery>;

/**
 * Without `exactTotal`, the documents list counts at most this many tickets past the page's
 * offset: a larger list answers `total` = that bound (plus the offset) and `totalExact: false`.
 */
export const DOCUMENTS_TOTAL_BOUND = 1000;

export const DocumentSummary = CentralTicket.extend({
  registerName: z.string().nullable(),
  customerName: z.string().nullable(),
  /** integratedAt − soldAt in milliseconds (0 or more). */
  integrationDelayMs: z.number().int(),
});
export type DocumentSummary = z.infer<typeof DocumentSummary>;
export const DocumentsResponse = z.object({
  items: z.array(DocumentSummary),
  /** The matching tickets; when `totalExact` is false, a lower bound (there are more than this). */
  total: z.number().int(),
  totalExact: z.boolean(),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});
export type DocumentsResponse = z.infer<typeof DocumentsResponse>;

/** Where a ticket sits in its register's signed chain. */
export const ChainPosition = z.object({
  chain: z.string(),
  number: z.number().int(),
  recordedAt: IsoDateTime,
  prevSignature: z.string(),
  signature: z.string(),
  /** The last number central holds for this chain. */
  headNumber: z.number().int(),
});
export type ChainPosition = z.infer<typeof ChainPosition>;

export const DocumentDetail = DocumentSummary.extend({
  chain: ChainPosition.nullable(),
  review: z.object({ acknowledgedBy: z.string(), acknowledgedAt: IsoDateTime, note: z.string() }).nullable(),
});
export type DocumentDetail = z.infer<typeof DocumentDetail>;

export const InvoiceQuery = z.object({
  /** The invoiced customer; default: the ticket's own customer. */
  customerId: Id.optional(),
  lang: z.enum(['fr', 'en']).default('fr'),
});

export const CustomerDetail = Customer.extend({
  documents: z.array(DocumentSummary),
  documentsTotal: z.number().int(),
});
export type CustomerDetail = z.infer<typeof CustomerDetail>;

export const PatchCustomerRequest = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    email: z.string().trim().email().max(200).nullable().optional(),
    phone: z.string().trim().min(3).max(40).nullable().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'nothing to change');
export type PatchCustomerRequest = z.infer<typeof PatchCustomerRequest>;

// ---- catalog ----
export const Barcode = z.string().regex(/^[0-9A-Za-z-]{1,64}$/, 'digits, letters or - (1 to 64)');
/** Full edit of a product (all fields), under a new change version. */
export const PutProductRequest = z.object({
  label: z.string().trim().min(1).max(200),
  priceCents: Cents.nonnegative(),
  vatRate: VatRate,
  category: z.string().trim().max(100),
  barcodes: z.array(Barcode).max(20),
  ...OpenPriceFields,
  ...MealVoucherEligibleField,
}).superRefine(openPriceRule);
export type PutProductRequest = z.infer<typeof PutProductRequest>;

/** One CSV row, after parsing (strings) — the import validates each row with this schema. */
export const CsvProductRow = z.object({
  sku: Sku,
  label: z.string().trim().min(1).max(200),
  priceCents: z.string().trim().regex(/^\d{1,12}$/, 'a whole number of cents').transform(Number),
  vatRate: z
    .string()
    .trim()
    .regex(/^\d{1,5}$/, 'basis points (2000 = 20 %)')
    .transform(Number)
    .pipe(VatRate),
  category: z.string().trim().max(100).default(''),
  barcodes: z
    .string()
    .default('')
    .transform((s) => s.split(/[|\s]+/).filter((x) => x !== ''))
    .pipe(z.array(Barcode).max(20)),
  /**
   * `openPriceMaxCents`: empty = sold at its catalog price; a whole number of cents = an open-price
   * item with that cap (the import also takes `openPriceMax` in euros, catalog-admin.service.ts).
   */
  openPriceMaxCents: z
    .string()
    .trim()
    .default('')
    .pipe(z.union([z.literal('').transform(() => null), z.string().regex(/^\d{1,12}$/, 'empty, or the cap in whole cents').transform(Number).pipe(OpenPriceMaxCents)])),
  /**
   * `titre_restaurant`: may meal vouchers pay for it (food only, §24)? `oui`/`non`, `1`/`0`,
   * `true`/`false` (`yes`/`no`), any case; empty = oui (the default). Optional column: a file without
   * it leaves each existing product's flag as it is (catalog-admin.service.ts).
   */
  titre_restaurant: z
    .string()
    .trim()
    .toLowerCase()
    .default('')
    .pipe(z.enum(['', 'oui', 'non', '1', '0', 'true', 'false', 'yes', 'no'], { message: 'oui or non (also 1/0, true/false)' }))
    .transform((v) => !['non', '0', 'false', 'no'].includes(v)),
});
export type CsvProductRow = z.infer<typeof CsvProductRow>;
/** The columns of the catalog CSV (export writes them; import needs at least sku, label, priceCents, vatRate). */
export const CSV_COLUMNS = ['sku', 'label', 'priceCents', 'vatRate', 'category', 'barcodes', 'openPriceMaxCents', 'titre_restaurant'] as const;

export const ImportQuery = z.object({
  /** Line number (1-based, in the whole file) of the first data row of this chunk: for the report. */
  firstLine: z.coerce.number().int().min(2).default(2),
});
export const RejectedRow = z.object({ line: z.number().int(), sku: z.string().nullable(), reasons: z.array(z.string()) });
export type RejectedRow = z.infer<typeof RejectedRow>;
export const ImportResult = z.object({
  rows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  rejected: z.array(RejectedRow),
  changeVersion: z.number().int().nullable(),
});
export type ImportResult = z.infer<typeof ImportResult>;
/** Largest CSV body the import takes in one request (the web app sends 1,000-row chunks). */
export const MAX_IMPORT_ROWS = 5000;

// ---- stock ----
export const StockListQuery = z.object({ storeId: Id.optional(), q: z.string().trim().max(100).optional(), ...Page });
export const StockItem = z.object({ sku: Sku, label: z.string().nullable(), storeId: Id, quantity: z.number().int() });
export type StockItem = z.infer<typeof StockItem>;
export const StockListResponse = z.object({ items: z.array(StockItem), total: z.number().int(), storeId: Id });
export type StockListResponse = z.infer<typeof StockListResponse>;

export const MovementReason = z.enum(['sale', 'return', 'reception', 'adjustment']);
export const StockMovement = z.object({
  id: Id,
  storeId: Id,
  sku: Sku,
  delta: z.number().int(),
  reason: MovementReason,
  registerId: Id.nullable(),
  ticketNumber: z.number().int().nullable(),
  createdAt: IsoDateTime,
  note: z.string().nullable(),
  by: z.string().nullable(),
});
export type StockMovement = z.infer<typeof StockMovement>;
export const MovementsQuery = z.object({ storeId: Id.optional(), ...Page });
export const MovementsResponse = z.object({ items: z.array(StockMovement), total: z.number().int(), quantity: z.number().int() });
export type MovementsResponse = z.infer<typeof MovementsResponse>;

export const ReceptionRequest = z.object({
  storeId: Id.optional(),
  note: z.string().trim().max(500).default(''),
  lines: z.array(z.object({ sku: Sku, quantity: z.number().int().min(1).max(1_000_000) })).min(1).max(1000),
});
export type ReceptionRequest = z.infer<typeof ReceptionRequest>;
export const AdjustmentRequest = z.object({
  storeId: Id.optional(),
  sku: Sku,
  delta: z.number().int().min(-1_000_000).max(1_000_000).refine((d) => d !== 0, 'delta must not be 0'),
  reason: z.string().trim().min(3, 'a reason of at least 3 characters').max(500),
});
export type AdjustmentRequest = z.infer<typeof AdjustmentRequest>;
export const StockChangeResult = z.object({ storeId: Id, movements: z.array(StockMovement), levels: z.array(z.object({ sku: Sku, quantity: z.number().int() })) });
export type StockChangeResult = z.infer<typeof StockChangeResult>;

// ---- users ----
export const PatchUserRequest = z
  .object({
    displayName: z.string().trim().min(1).max(200).optional(),
    role: Role.optional(),
    password: z.string().min(8).max(200).optional(),
    pin: z.string().regex(/^[0-9]{4,8}$/, 'PIN is 4 to 8 digits').optional(),
    active: z.boolean().optional(),
    storeId: Id.nullable().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'nothing to change');
export type PatchUserRequest = z.infer<typeof PatchUserRequest>;

// ---- dashboard ----
export const DashboardQuery = z.object({ date: IsoDay.optional(), storeId: Id.optional() });
export const DashboardStore = z.object({
  storeId: Id,
  storeName: z.string(),
  timezone: z.string(),
  /** The store's local day shown: the day asked, else the store's today in its own time zone. */
  date: IsoDay,
  /** The day's sales and returns (a gift card's sale is no sale: see `giftCardsIssuedCents`). */
  tickets: z.number().int(),
  totalCents: Cents,
  /** Gift cards sold that day (§25): their amount and how many, apart from the turnover. */
  giftCardsIssuedCents: Cents,
  giftCardsIssued: z.number().int().nonnegative(),
  /** 24 buckets, local hours of the store. */
  perHour: z.array(z.object({ hour: z.number().int(), tickets: z.number().int(), totalCents: Cents })),
  offlineTickets: z.number().int(),
  /** Integration delay of the day's offline tickets. */
  offlineDelayMs: z.object({ max: z.number().int(), avg: z.number().int() }).nullable(),
  /** What came into the tills per payment method (cash net of the change given back; refunds negative). */
  byMethod: z.array(z.object({ method: z.string(), amountCents: z.number().int() })),
  /** Per register of the store, with its name. */
  byRegister: z.array(z.object({ registerId: Id, name: z.string(), tickets: z.number().int(), totalCents: z.number().int() })),
  /** Per catalog category of the items sold ('' = none), biggest first. */
  byCategory: z.array(z.object({ category: z.string(), quantity: z.number().int(), totalCents: z.number().int() })),
  /** The day's ten best-selling items by amount. */
  topProducts: z.array(z.object({ sku: z.string(), label: z.string(), quantity: z.number().int(), totalCents: z.number().int() })),
});
export type DashboardStore = z.infer<typeof DashboardStore>;
/** `date`: the day asked, else the first store's today (each store's own day is its `date`). */
export const DashboardResponse = z.object({ date: IsoDay, stores: z.array(DashboardStore) });
export type DashboardResponse = z.infer<typeof DashboardResponse>;

// ---- review queue ----
export const ReviewQuery = z.object({ status: z.enum(['open', 'acknowledged', 'all']).default('open'), ...Page });
export const ReviewItem = DocumentSummary.extend({
  review: z.object({ acknowledgedBy: z.string(), acknowledgedAt: IsoDateTime, note: z.string() }).nullable(),
});
export type ReviewItem = z.infer<typeof ReviewItem>;
export const ReviewResponse = z.object({ items: z.array(ReviewItem), total: z.number().int() });
export type ReviewResponse = z.infer<typeof ReviewResponse>;
export const AcknowledgeRequest = z.object({ note: z.string().trim().max(500).default('') });
