import type { Generated, Insertable, Selectable } from 'kysely';

// Kysely table interfaces of the central database (one schema for SQLite and PostgreSQL).
// Portability rules: booleans are integers 0/1, JSON is text, timestamps are ISO-8601 UTC text,
// ids are text (randomUUID); composite primary keys rather than autoincrement.

export interface StoresTable {
  id: string;
  name: string;
  address: string;
  siret: string;
  vat_number: string;
  timezone: string;
  /** NF525 business day cutoff "HH:MM" (store time). */
  business_day_cutoff: Generated<string>;
  /** First month (1–12) of the fiscal year. */
  fiscal_year_start_month: Generated<number>;
  /** Short code in the store's ticket references (`S01`), unique (migration 0017; '' = none yet). */
  code: Generated<string>;
  /** Cap of meal vouchers (titres-restaurant) per ticket, cents (migration 0023; default 2500). */
  meal_voucher_cap_cents: Generated<number>;
  /** Most a gift card is sold for, cents (migration 0025; default 50000). */
  gift_card_max_cents: Generated<number>;
  change_version: number;
}

export interface RegistersTable {
  id: string;
  store_id: string;
  name: string;
  /** sha256 of the one-time enrolment code; null once used. */
  enrol_code_hash: string | null;
  enrolled_at: string | null;
  public_key_pem: string | null;
  /** sha256 of the register's bearer token. */
  token_hash: string | null;
  mode: string | null;
  last_seen_at: string | null;
  autonomous_since: string | null;
  pending_records: Generated<number>;
  /** Till customers waiting to be pushed, as last reported; null when the register never reported it (migration 0027). */
  pending_customers: number | null;
  last_sos_copy_at: string | null;
  last_sos_copy_kind: string | null;
  sos_checksum: string | null;
  change_version_seen: Generated<number>;
  /** JSON array of cron expressions. */
  sos_schedule: Generated<string>;
  created_at: string;
  /** The register's own API URL (heartbeat), for central-initiated copies. */
  advertised_url: string | null;
  /** JSON object: row counts of the register's last full copy. */
  sos_counts: string | null;
  /** Software version of the last heartbeat (null: protocol 1 registers do not report it). */
  software_version: string | null;
  /** Sync protocol of the last heartbeat; null when never seen. */
  protocol_version: number | null;
  next_sos_copy_at: string | null;
  /** When an admin revoked the register's token (it answers 401 since); null while trusted. */
  revoked_at: string | null;
  /** When the pending enrolment code stops working; null when none is pending (or from before 0011). */
  enrol_code_expires_at: string | null;
  /** The register's number within its store (1, 2…; `C2` in `S01-C2-000123`), never reused (migration 0017). */
  number_in_store: number | null;
}

/** Login throttling (domain `login-throttle`): consecutive failures per key, shared by every instance. */
export interface LoginFailuresTable {
  key: string;
  failures: number;
  locked_until: string | null;
  last_failure_at: string;
}

export interface UsersTable {
  id: string;
  username: string;
  display_name: string;
  role: 'admin' | 'manager' | 'cashier';
  password_hash: string | null;
  pin_hash: string | null;
  store_id: string | null;
  active: number;
  change_version: number;
}

export interface SessionsTable {
  token_hash: string;
  user_id: string;
  expires_at: string;
}

export interface ProductsTable {
  sku: string;
  label: string;
  price_cents: number;
  vat_rate: number;
  category: string;
  active: number;
  change_version: number;
  updated_at: string;
  /** The cap of an open-price item (the cashier types the price); null for a product at its catalog price. */
  open_price_max_cents: number | null;
  /** 1: meal vouchers may pay for it (food, §24); 0: not. Default 1 (migration 0026). */
  meal_voucher_eligible: Generated<number>;
}

export interface BarcodesTable {
  code: string;
  sku: string;
}

export interface CustomersTable {
  id: string;
  store_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  active: number;
  change_version: number;
}

export interface StockLevelsTable {
  store_id: string;
  sku: string;
  quantity: number;
}

export interface StockMovementsTable {
  id: string;
  store_id: string;
  sku: string;
  delta: number;
  reason: 'sale' | 'return' | 'reception' | 'adjustment';
  register_id: string | null;
  ticket_number: number | null;
  created_at: string;
}

export interface RecordsTable {
  register_id: string;
  chain: string;
  number: number;
  recorded_at: string;
  /** The payload exactly as signed (JSON text). */
  payload: string;
  prev_signature: string;
  signature: string;
  integrated_at: string;
  /** The signing key's id (signed with the record); null on records signed before keys had ids. */
  key_id: string | null;
}

/** Every key a register ever had, append-only: valid from `valid_from` until `valid_to` (else the next key's). */
export interface RegisterKeysTable {
  register_id: string;
  key_id: string;
  public_key_pem: string;
  valid_from: string;
  /** JSON {chain: number}: the key signs the numbers after these (null: from record 1). */
  start_after: string | null;
  /** JSON {chain: number}: the last number it may sign per chain (null: still current). */
  end_at: string | null;
  valid_to: string | null;
}

export interface ChainHeadsTable {
  register_id: string;
  chain: string;
  last_number: number;
  last_signature: string;
}

export interface TicketsTable {
  register_id: string;
  number: number;
  store_id: string;
  kind: 'sale' | 'return';
  total_cents: number;
  sold_at: string;
  sold_offline: number;
  integrated_at: string;
  customer_id: string | null;
  cashier_id: string;
  original_register_id: string | null;
  original_number: number | null;
  /** JSON array of anomaly strings (flagged for review, never a reason to refuse). */
  anomalies: string;
  signature: string;
}

export interface TicketLinesTable {
  register_id: string;
  number: number;
  line_no: number;
  sku: string;
  label: string;
  quantity: number;
  unit_price_cents: number;
  vat_rate: number;
  discount_cents: number;
  total_cents: number;
  /** PostgreSQL only (migration 0022): the ticket's sold_at, this row's partition key. */
  sold_at?: string;
}

export interface TicketPaymentsTable {
  register_id: string;
  number: number;
  seq: number;
  method: string;
  amount_cents: number;
  /** PostgreSQL only (migration 0022): the ticket's sold_at, this row's partition key. */
  sold_at?: string;
}

export interface TicketVatTable {
  register_id: string;
  number: number;
  rate: number;
  base_cents: number;
  vat_cents: number;
  total_cents: number;
  /** PostgreSQL only (migration 0022): the ticket's sold_at, this row's partition key. */
  sold_at?: string;
}

/** PostgreSQL only (migration 0022): each month purged, by whom, and the archives verified for it (JSON). */
export interface PartitionPurgesTable {
  month: string;
  purged_at: string;
  purged_by: string;
  verified_archives: string;
}

export interface TamperAlertsTable {
  id: string;
  register_id: string;
  chain: string;
  number: number;
  reason: string;
  created_at: string;
}

export interface CountersTable {
  name: string;
  value: number;
}

/** Back office: who acknowledged a flagged ticket, and when (one row per ticket). */
export interface TicketReviewsTable {
  register_id: string;
  number: number;
  acknowledged_by: string;
  acknowledged_at: string;
  note: string;
}

/** Back office: who made a reception or an adjustment, and why (one row per stock movement). */
export interface StockMovementNotesTable {
  movement_id: string;
  user_id: string;
  note: string;
}

/** A store's own account for one key of its chart (absent: the French default). */
export interface StoreAccountsTable {
  store_id: string;
  account_key: string;
  account_num: string;
  account_label: string;
  updated_at: string;
  updated_by: string;
}

/** Units of a ticket line refunded or reserved for a refund, at any register of the store (one row per reservation and line). */
export interface ReturnedUnitsTable {
  reservation_id: string;
  line_no: number;
  store_id: string;
  original_register_id: string;
  original_number: number;
  quantity: number;
  returning_register_id: string;
  /** The return ticket that used the reservation, once pushed (null while only reserved). */
  return_number: number | null;
  created_at: string;
}

/** A reservation of `returned_units` freed before any return used it (migration 0029, §17). */
export interface ReturnedUnitReleasesTable {
  reservation_id: string;
  /** `created_at` of the reservation's rows it freed. */
  reserved_at: string;
  original_register_id: string;
  released_at: string;
}

export interface CreditNotesTable {
  reference: string;
  store_id: string;
  register_id: string;
  /** The issuing ticket's number (a return for an avoir, the card's sale for a gift card). */
  return_number: number;
  amount_cents: number;
  issued_at: string;
  /** `credit_note` or `gift_card` (migration 0025). */
  kind: Generated<'credit_note' | 'gift_card'>;
}

export interface CreditNoteSpendsTable {
  reservation_id: string;
  reference: string;
  store_id: string;
  amount_cents: number;
  spending_register_id: string;
  /** The sale ticket that spent it, once pushed (null while only reserved). */
  ticket_number: number | null;
  created_at: string;
}

/** A freed reservation of an avoir or a gift card, kept for the issuing register (migration 0028; rows only inserted). */
export interface CreditNoteReleasesTable {
  reservation_id: string;
  /** `created_at` of the spend row it freed. */
  spend_created_at: string;
  reference: string;
  released_at: string;
}

/** The `invoice` chain's records, indexed by ticket (migration 0018); the signed payload stays in `records`. */
export interface InvoicesTable {
  register_id: string;
  number: number;
  ticket_number: number;
  store_id: string;
  customer_id: string;
  reference: string;
  issued_at: string;
}

/** A customer a register created at its till (migration 0019): its UUID → the customer central holds for it. */
export interface TillCustomersTable {
  id: string;
  store_id: string;
  register_id: string;
  customer_id: string;
  created_at: string;
  received_at: string;
}

/** The archive files registers sent (migration 0020), as bytes; append-only. */
export interface ArchiveFilesTable {
  register_id: string;
  number: number;
  period_key: string;
  sha256: string;
  size_bytes: number;
  content: Buffer;
  received_at: string;
}

/** Who downloaded a stored archive file from central, and when (migration 0020); append-only. */
export interface ArchiveFileDownloadsTable {
  register_id: string;
  number: number;
  user_id: string;
  downloaded_at: string;
}

/** A stock count (inventaire) of one category of one store (migration 0021); frozen once posted. */
export interface StockCountsTable {
  id: string;
  store_id: string;
  category: string;
  status: 'open' | 'posted';
  started_at: string;
  started_by: string;
  posted_at: string | null;
  posted_by: string | null;
}

/** A line of a count sheet: the level frozen at start, the counted quantity once entered. */
export interface StockCountLinesTable {
  count_id: string;
  sku: string;
  label: string;
  frozen_quantity: number;
  counted: number | null;
  counted_at: string | null;
  counted_by: string | null;
}

/** The one adjustment document a posted count becomes (append-only). */
export interface StockAdjustmentsTable {
  id: string;
  store_id: string;
  count_id: string;
  category: string;
  posted_by: string;
  posted_at: string;
}

export interface StockAdjustmentLinesTable {
  adjustment_id: string;
  sku: string;
  expected: number;
  counted: number;
  delta: number;
  movement_id: string | null;
}

export interface CentralDb {
  archive_files: ArchiveFilesTable;
  archive_file_downloads: ArchiveFileDownloadsTable;
  stores: StoresTable;
  registers: RegistersTable;
  credit_notes: CreditNotesTable;
  credit_note_spends: CreditNoteSpendsTable;
  credit_note_releases: CreditNoteReleasesTable;
  invoices: InvoicesTable;
  users: UsersTable;
  sessions: SessionsTable;
  login_failures: LoginFailuresTable;
  products: ProductsTable;
  barcodes: BarcodesTable;
  customers: CustomersTable;
  till_customers: TillCustomersTable;
  stock_levels: StockLevelsTable;
  stock_movements: StockMovementsTable;
  records: RecordsTable;
  register_keys: RegisterKeysTable;
  chain_heads: ChainHeadsTable;
  tickets: TicketsTable;
  ticket_lines: TicketLinesTable;
  ticket_payments: TicketPaymentsTable;
  ticket_vat: TicketVatTable;
  tamper_alerts: TamperAlertsTable;
  partition_purges: PartitionPurgesTable;
  counters: CountersTable;
  ticket_reviews: TicketReviewsTable;
  stock_movement_notes: StockMovementNotesTable;
  store_accounts: StoreAccountsTable;
  returned_units: ReturnedUnitsTable;
  returned_unit_releases: ReturnedUnitReleasesTable;
  stock_counts: StockCountsTable;
  stock_count_lines: StockCountLinesTable;
  stock_adjustments: StockAdjustmentsTable;
  stock_adjustment_lines: StockAdjustmentLinesTable;
}

export type StoreRow = Selectable<StoresTable>;
export type RegisterRow = Selectable<RegistersTable>;
export type UserRow = Selectable<UsersTable>;
export type ProductRow = Selectable<ProductsTable>;
export type CustomerRow = Selectable<CustomersTable>;
export type TicketRow = Selectable<TicketsTable>;
export type NewTicket = Insertable<TicketsTable>;

/** The name of the one row of `counters` holding the global monotonic change version. */
export const CHANGE_COUNTER = 'change_version';
export const DEFAULT_SOS_SCHEDULE = ['0 0 6 * * *', '0 0 13 * * *'];
