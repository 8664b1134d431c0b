import type { Generated } from 'kysely';

// Kysely types of the register's local SQLite database (the SOS copy + the register's own records).
// Booleans are stored as 0/1 integers, JSON as TEXT, times as ISO-8601 UTC strings.

export interface RegisterMetaTable {
  /** Always 1: one register per database file. */
  id: number;
  register_id: string | null;
  register_name: string | null;
  store_id: string | null;
  central_url: string | null;
  token: string | null;
  private_key_pem: string | null;
  public_key_pem: string | null;
  enrolled_at: string | null;
  change_version: number;
  last_copy_at: string | null;
  last_copy_kind: string | null;
  last_copy_checksum: string | null;
  /** JSON object of row counts of the last full copy. */
  last_copy_counts: string | null;
  /** JSON array of cron expressions (remote configuration). */
  sos_schedule: string;
  /** 1 while training mode is on. */
  training: number;
}

export interface CopyStoreTable {
  id: string;
  name: string;
  address: string;
  siret: string;
  vat_number: string;
  timezone: string;
  business_day_cutoff: string;
  fiscal_year_start_month: number;
  /** A cashier may give up to this discount on a line (basis points of the line) without approval. */
  cashier_discount_limit_bp: Generated<number>;
  /** 1: every return needs a manager's approval. */
  returns_need_approval: Generated<number>;
  /** The store's short code in ticket references (`S01`); null in a copy from before (migration 0010_till). */
  code: string | null;
  /** JSON `[{id, name, number}]`: the store's registers and their number in the store; null likewise. */
  registers: string | null;
  /** Meal vouchers accepted per ticket, cents; null in a copy from before (migration 0014_meal_vouchers). */
  meal_voucher_cap_cents: number | null;
  /** Most a gift card is sold for, cents; null in a copy from before (migration 0016_gift_cards). */
  gift_card_max_cents: number | null;
}

/** Consecutive failed logins per key (`login:<login>`, `addr:<address>`); see domain login-throttle. */
export interface LoginFailureTable {
  key: string;
  failures: number;
  locked_until: string | null;
  last_failure_at: string;
}

export interface CopyPaymentMethodTable {
  method: string;
}

export interface ProductTable {
  sku: string;
  label: string;
  price_cents: number;
  vat_rate: number;
  category: string;
  /** JSON array, in the order central sent it (checksummed as is). */
  barcodes: string;
  active: number;
  /** The cap of an open-price item (the cashier types the price); null for a product at its catalog price. */
  open_price_max_cents: number | null;
  /** 1: meal vouchers may pay for it (food, §24), the default; 0: the copy says they may not. */
  meal_voucher_eligible: number;
}

export interface BarcodeTable {
  code: string;
  sku: string;
}

export interface CustomerTable {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  active: number;
}

/** A customer created at this till (migration 0012): the queue to central and what central answered. */
export interface TillCustomerTable {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  created_at: string;
  pushed_at: string | null;
  central_id: string | null;
}

export interface CashierTable {
  id: string;
  login: string;
  display_name: string;
  role: string;
  pin_hash: string | null;
  active: number;
}

export interface StockLevelTable {
  sku: string;
  quantity: number;
}

/** A recent document of a customer of the store (part of the SOS copy). */
export interface CustomerDocumentTable {
  register_id: string;
  number: number;
  customer_id: string;
  kind: string;
  total_cents: number;
  sold_at: string;
}

export interface RecordTable {
  chain: string;
  number: number;
  recorded_at: string;
  payload: string;
  prev_signature: string;
  signature: string;
  /** Global insertion order across chains (outbox rows reuse it, so a requeue keeps chain order). */
  seq: number;
  /** The signing key's id (signed with the record); null on records signed before keys had ids. */
  key_id: string | null;
}

export interface OutboxTable {
  seq: number;
  chain: string;
  number: number;
}

export interface IntegrationTable {
  chain: string;
  number: number;
  integrated_at: string;
}

export interface TicketTable {
  number: number;
  kind: string;
  total_cents: number;
  sold_at: string;
  cashier_id: string;
  customer_id: string | null;
  client_sale_id: string | null;
  sold_offline: number;
  original_register_id: string | null;
  original_number: number | null;
}

export interface ReturnedQuantityTable {
  original_number: number;
  line_no: number;
  return_number: number;
  quantity: number;
}

export interface StockMovementTable {
  id: Generated<number>;
  sku: string;
  delta: number;
  ticket_number: number;
  at: string;
}

export interface SessionTable {
  token_hash: string;
  cashier_id: string;
  created_at: string;
  expires_at: string;
}

/** A sale put on hold (not signed; deleted when it is recalled). */
export interface HeldSaleTable {
  id: Generated<number>;
  held_at: string;
  cashier_id: string;
  total_cents: number;
  /** JSON: HoldSaleRequest (lines and customer). */
  sale: string;
}

export interface RegisterDatabase {
  register_meta: RegisterMetaTable;
  copy_store: CopyStoreTable;
  copy_payment_methods: CopyPaymentMethodTable;
  products: ProductTable;
  barcodes: BarcodeTable;
  customers: CustomerTable;
  till_customers: TillCustomerTable;
  cashiers: CashierTable;
  stock_levels: StockLevelTable;
  customer_documents: CustomerDocumentTable;
  records: RecordTable;
  outbox: OutboxTable;
  integrations: IntegrationTable;
  tickets: TicketTable;
  returned_quantities: ReturnedQuantityTable;
  stock_movements: StockMovementTable;
  sessions: SessionTable;
  login_failures: LoginFailureTable;
  held_sales: HeldSaleTable;
}
