import { sql, type Kysely, type Migration } from 'kysely';
import { keyIdOf } from '@comptoir/domain';

// Migrations of the register's local database, applied in name order at start (migrateToLatest).
// Never edit a migration that has shipped: add a new one.

const m0001: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE register_meta (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      register_id TEXT, register_name TEXT, store_id TEXT, central_url TEXT, token TEXT,
      private_key_pem TEXT, public_key_pem TEXT, enrolled_at TEXT,
      change_version INTEGER NOT NULL DEFAULT 0,
      last_copy_at TEXT, last_copy_kind TEXT, last_copy_checksum TEXT, last_copy_counts TEXT,
      sos_schedule TEXT NOT NULL DEFAULT '[]'
    )`.execute(db);
    await sql`INSERT INTO register_meta (id) VALUES (1)`.execute(db);

    // ---- the SOS copy (replaced atomically by a full copy, upserted by incremental changes) ----
    await sql`CREATE TABLE copy_store (id TEXT PRIMARY KEY, name TEXT NOT NULL, address TEXT NOT NULL,
      siret TEXT NOT NULL, vat_number TEXT NOT NULL, timezone TEXT NOT NULL)`.execute(db);
    await sql`CREATE TABLE copy_payment_methods (method TEXT PRIMARY KEY)`.execute(db);
    await sql`CREATE TABLE products (sku TEXT PRIMARY KEY, label TEXT NOT NULL, price_cents INTEGER NOT NULL,
      vat_rate INTEGER NOT NULL, category TEXT NOT NULL, barcodes TEXT NOT NULL, active INTEGER NOT NULL)`.execute(db);
    await sql`CREATE INDEX products_label ON products (label COLLATE NOCASE)`.execute(db);
    await sql`CREATE TABLE barcodes (code TEXT NOT NULL, sku TEXT NOT NULL, PRIMARY KEY (code, sku))`.execute(db);
    await sql`CREATE INDEX barcodes_sku ON barcodes (sku)`.execute(db);
    await sql`CREATE TABLE customers (id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT, phone TEXT,
      active INTEGER NOT NULL)`.execute(db);
    await sql`CREATE TABLE cashiers (id TEXT PRIMARY KEY, login TEXT NOT NULL, display_name TEXT NOT NULL,
      role TEXT NOT NULL, pin_hash TEXT, active INTEGER NOT NULL)`.execute(db);
    await sql`CREATE INDEX cashiers_login ON cashiers (login)`.execute(db);
    await sql`CREATE TABLE stock_levels (sku TEXT PRIMARY KEY, quantity INTEGER NOT NULL)`.execute(db);

    // ---- the register's own signed records: append-only ----
    await sql`CREATE TABLE records (
      chain TEXT NOT NULL, number INTEGER NOT NULL CHECK (number > 0), recorded_at TEXT NOT NULL,
      payload TEXT NOT NULL, prev_signature TEXT NOT NULL, signature TEXT NOT NULL,
      seq INTEGER NOT NULL UNIQUE,
      PRIMARY KEY (chain, number)
    ) WITHOUT ROWID`.execute(db);
    // A record waits in the outbox until central acknowledges it (seq = records.seq).
    await sql`CREATE TABLE outbox (seq INTEGER PRIMARY KEY, chain TEXT NOT NULL, number INTEGER NOT NULL,
      UNIQUE (chain, number))`.execute(db);
    await sql`CREATE TABLE integrations (chain TEXT NOT NULL, number INTEGER NOT NULL, integrated_at TEXT NOT NULL,
      PRIMARY KEY (chain, number)) WITHOUT ROWID`.execute(db);

    // ---- local lookups (derived from records, written in the same transaction) ----
    await sql`CREATE TABLE tickets (number INTEGER PRIMARY KEY, kind TEXT NOT NULL, total_cents INTEGER NOT NULL,
      sold_at TEXT NOT NULL, cashier_id TEXT NOT NULL, customer_id TEXT, client_sale_id TEXT UNIQUE,
      sold_offline INTEGER NOT NULL, original_register_id TEXT, original_number INTEGER)`.execute(db);
    await sql`CREATE INDEX tickets_original ON tickets (original_number) WHERE original_number IS NOT NULL`.execute(db);
    await sql`CREATE TABLE returned_quantities (original_number INTEGER NOT NULL, line_no INTEGER NOT NULL,
      return_number INTEGER NOT NULL, quantity INTEGER NOT NULL CHECK (quantity > 0),
      PRIMARY KEY (original_number, line_no, return_number)) WITHOUT ROWID`.execute(db);
    await sql`CREATE TABLE stock_movements (id INTEGER PRIMARY KEY, sku TEXT NOT NULL, delta INTEGER NOT NULL,
      ticket_number INTEGER NOT NULL, at TEXT NOT NULL)`.execute(db);
    await sql`CREATE TABLE sessions (token_hash TEXT PRIMARY KEY, cashier_id TEXT NOT NULL, created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL) WITHOUT ROWID`.execute(db);

    // Invariant (NF525, docs/architecture.md §6): signed facts are never edited nor deleted, whoever writes SQL.
    for (const t of ['records', 'tickets', 'returned_quantities', 'stock_movements']) {
      await sql
        .raw(`CREATE TRIGGER ${t}_no_update BEFORE UPDATE ON ${t} BEGIN SELECT RAISE(ABORT, '${t} are append-only'); END`)
        .execute(db);
      await sql
        .raw(`CREATE TRIGGER ${t}_no_delete BEFORE DELETE ON ${t} BEGIN SELECT RAISE(ABORT, '${t} are append-only'); END`)
        .execute(db);
    }
  },
};

// SOS copy (issue 3): the recent documents of the store's customers (last N tickets each), part of
// the copy. Full copies replace it with the other copy tables (staging tables + renames).
const m0002SosCopy: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE customer_documents (register_id TEXT NOT NULL, number INTEGER NOT NULL,
      customer_id TEXT NOT NULL, kind TEXT NOT NULL, total_cents INTEGER NOT NULL, sold_at TEXT NOT NULL,
      PRIMARY KEY (register_id, number))`.execute(db);
    await sql`CREATE INDEX customer_documents_customer ON customer_documents (customer_id, sold_at)`.execute(db);
  },
};

// NF525 calendar of the store (issue 10): business day cutoff and fiscal year start, from the copy's store line.
const m0003StoreCalendar: Migration = {
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE copy_store ADD COLUMN business_day_cutoff TEXT NOT NULL DEFAULT '04:00'`.execute(db);
    await sql`ALTER TABLE copy_store ADD COLUMN fiscal_year_start_month INTEGER NOT NULL DEFAULT 1`.execute(db);
  },
};

// Keys (issue 10): every record names the key that signed it (signed with it).
const m0004RecordKeys: Migration = {
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE records ADD COLUMN key_id TEXT`.execute(db);
  },
};

// Training mode (issue 10): survives a restart.
const m0005Training: Migration = {
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE register_meta ADD COLUMN training INTEGER NOT NULL DEFAULT 0`.execute(db);
  },
};

// Trust (issue 9): login throttling counters (kept here so a restart does not reset them, and they
// work offline), and the store's approval rules in the copy (defaults until central sends them).
const m0006Trust: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE login_failures (key TEXT PRIMARY KEY, failures INTEGER NOT NULL,
      locked_until TEXT, last_failure_at TEXT NOT NULL) WITHOUT ROWID`.execute(db);
    await sql`ALTER TABLE copy_store ADD COLUMN cashier_discount_limit_bp INTEGER NOT NULL DEFAULT 1000`.execute(db);
    await sql`ALTER TABLE copy_store ADD COLUMN returns_need_approval INTEGER NOT NULL DEFAULT 1`.execute(db);
  },
};

// Sales on hold (issue 12): the sale in progress put aside and recalled later, on this register;
// here so it survives a restart of the register. Not signed (it is not a sale until it is paid).
const m0007HeldSales: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE held_sales (id INTEGER PRIMARY KEY AUTOINCREMENT, held_at TEXT NOT NULL,
      cashier_id TEXT NOT NULL, total_cents INTEGER NOT NULL, sale TEXT NOT NULL)`.execute(db);
  },
};

// NF525 (issue 10): the register's keys with their validity by position (rotation, replaced till:
// per chain, a key signs the numbers after `start_after` up to `end_at`, JSON {chain: number});
// where a replaced till's chains continue from (central's heads at its enrolment); the last head
// of each chain the start-up self-check verified; the archive files written at signing.
const m0008Nf525: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE register_keys (key_id TEXT PRIMARY KEY, public_key_pem TEXT NOT NULL,
      valid_from TEXT NOT NULL, valid_to TEXT, start_after TEXT, end_at TEXT)`.execute(db);
    await sql`CREATE TABLE chain_anchors (chain TEXT PRIMARY KEY, number INTEGER NOT NULL,
      signature TEXT NOT NULL, recorded_at TEXT NOT NULL) WITHOUT ROWID`.execute(db);
    await sql`CREATE TABLE chain_checks (chain TEXT PRIMARY KEY, number INTEGER NOT NULL,
      signature TEXT NOT NULL, checked_at TEXT NOT NULL) WITHOUT ROWID`.execute(db);
    await sql`CREATE TABLE archive_files (number INTEGER PRIMARY KEY, file TEXT NOT NULL,
      sha256 TEXT NOT NULL, written_at TEXT NOT NULL)`.execute(db);
    const meta = await sql<{ public_key_pem: string | null; enrolled_at: string | null }>`SELECT public_key_pem, enrolled_at FROM register_meta WHERE id = 1`.execute(db);
    const row = meta.rows[0];
    if (row?.public_key_pem) {
      await sql`INSERT INTO register_keys (key_id, public_key_pem, valid_from) VALUES (${keyIdOf(row.public_key_pem)}, ${row.public_key_pem},
        ${row.enrolled_at ?? '1970-01-01T00:00:00.000Z'})`.execute(db);
    }
  },
};

// Returns at any register with central down (issue 11, docs/architecture.md §17): the store's other
// registers (where they listen, their public keys: from central, refreshed while connected); units of
// this register's tickets reserved over the LAN for a return at another register (each one also a
// signed `return_reserved_for_peer` event, pushed to central); units of this register's tickets that
// other registers returned through central (pulled while connected), so this register stays the
// authority on its own tickets when central is gone.
const m0009Returns: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE store_registers (register_id TEXT PRIMARY KEY, name TEXT NOT NULL, url TEXT,
      keys TEXT NOT NULL, refreshed_at TEXT NOT NULL) WITHOUT ROWID`.execute(db);
    await sql`CREATE TABLE peer_reservations (reservation_id TEXT NOT NULL, line_no INTEGER NOT NULL,
      original_number INTEGER NOT NULL, quantity INTEGER NOT NULL CHECK (quantity > 0), returning_register_id TEXT NOT NULL,
      created_at TEXT NOT NULL, PRIMARY KEY (reservation_id, line_no)) WITHOUT ROWID`.execute(db);
    await sql`CREATE INDEX peer_reservations_original ON peer_reservations (original_number)`.execute(db);
    await sql`CREATE TABLE store_returned_units (reservation_id TEXT NOT NULL, line_no INTEGER NOT NULL,
      original_number INTEGER NOT NULL, quantity INTEGER NOT NULL, returning_register_id TEXT NOT NULL,
      created_at TEXT NOT NULL, PRIMARY KEY (reservation_id, line_no)) WITHOUT ROWID`.execute(db);
    await sql`CREATE INDEX store_returned_units_original ON store_returned_units (original_number)`.execute(db);
    await sql`ALTER TABLE register_meta ADD COLUMN returned_units_since TEXT`.execute(db);
  },
};

// Credit notes (avoirs, issue 12 §3, docs/architecture.md §19): what is spent of THIS register's avoirs
// — by its own sales, and reserved over the LAN for sales at other registers (each of those also a
// signed credit_note_reserved_for_peer event) — so it can decide alone while central is down.
const m0009ReturnsCreditNotes: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE credit_note_spends (reservation_id TEXT PRIMARY KEY, reference TEXT NOT NULL,
      amount_cents INTEGER NOT NULL CHECK (amount_cents > 0), spending_register_id TEXT NOT NULL, created_at TEXT NOT NULL) WITHOUT ROWID`.execute(db);
    await sql`CREATE INDEX credit_note_spends_reference ON credit_note_spends (reference)`.execute(db);
  },
};

// Ticket references (issue 12, docs/architecture.md §18): the store's short code and its registers
// with their number in the store (JSON `[{id, name, number}]`), from the copy's store line; null in
// a copy made before (the receipt then prints no reference).
const m0010Till: Migration = {
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE copy_store ADD COLUMN code TEXT`.execute(db);
    await sql`ALTER TABLE copy_store ADD COLUMN registers TEXT`.execute(db);
  },
};

// Invoices (issue 10): at most one invoice per ticket, whoever writes to the records table.
const m0011Invoices: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE UNIQUE INDEX records_invoice_ticket ON records (json_extract(payload, '$.ticket.number')) WHERE chain = 'invoice'`.execute(db);
  },
};

// Customers created at the till (issue 12 §4, docs/architecture.md §16): each one also a row of the
// copy's `customers`, written in the same transaction; `pushed_at` null while it waits for central,
// `central_id` the customer central holds for it (itself, or an existing customer it was linked to).
// Not a signed record: a customer is no fiscal fact, so it never enters a chain or the outbox.
const m0012TillCustomers: Migration = {
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE till_customers (id TEXT PRIMARY KEY, name TEXT NOT NULL, email TEXT, phone TEXT,
      created_at TEXT NOT NULL, pushed_at TEXT, central_id TEXT) WITHOUT ROWID`.execute(db);
    await sql`CREATE INDEX till_customers_waiting ON till_customers (created_at) WHERE pushed_at IS NULL`.execute(db);
  },
};

// Archive files sent to central (issue 10 item 6, sync/archive-upload.ts): when central kept the
// file (null: not yet), or why it refused it for good (then it is not sent again).
const m0013ArchiveUploads: Migration = {
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE archive_files ADD COLUMN sent_at TEXT`.execute(db);
    await sql`ALTER TABLE archive_files ADD COLUMN refused TEXT`.execute(db);
  },
};

// Meal vouchers (issue 12, docs/architecture.md §24): the store's cap per ticket from the copy's store
// line; null in a copy made before (the rule then uses the legal default, 25,00 €).
const m0014MealVouchers: Migration = {
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE copy_store ADD COLUMN meal_voucher_cap_cents INTEGER`.execute(db);
  },
};

// Open-price items (issue 12): the cap of an open-price item, from the copy's product line (null = a
// product sold at its catalog price). Copy staging tables follow the live table's schema by themselves.
const m0015OpenPrice: Migration = {
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE products ADD COLUMN open_price_max_cents INTEGER`.execute(db);
  },
};

// Gift cards (issue 12, docs/architecture.md §25): the store's cap on a card's amount from the copy's
// store line; null in a copy made before (the rule then uses the default, 500,00 €). The cards and
// their spends need no table of their own: a card is a signed ticket, its spends are in
// `credit_note_spends` beside the avoirs' (the reference's prefix tells them apart).
const m0016GiftCards: Migration = {
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE copy_store ADD COLUMN gift_card_max_cents INTEGER`.execute(db);
  },
};

// Meal vouchers pay for food only (issue 12, §24): 0 on an item the copy says they may not pay for
// (`mealVoucherEligible: false`); 1, the default, for every other item and every row of a copy from before.
const m0017MealVoucherEligible: Migration = {
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE products ADD COLUMN meal_voucher_eligible INTEGER NOT NULL DEFAULT 1`.execute(db);
  },
};

export const registerMigrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_sos_copy': m0002SosCopy,
  '0003_store_calendar': m0003StoreCalendar,
  '0004_record_keys': m0004RecordKeys,
  '0005_training': m0005Training,
  '0006_trust': m0006Trust,
  '0007_held_sales': m0007HeldSales,
  '0008_nf525': m0008Nf525,
  '0009_returns': m0009Returns,
  '0009_returns_credit_notes': m0009ReturnsCreditNotes,
  '0010_till': m0010Till,
  '0011_invoices': m0011Invoices,
  '0012_till_customers': m0012TillCustomers,
  '0013_archive_uploads': m0013ArchiveUploads,
  '0014_meal_vouchers': m0014MealVouchers,
  '0015_open_price': m0015OpenPrice,
  '0016_gift_cards': m0016GiftCards,
  '0017_meal_voucher_eligible': m0017MealVoucherEligible,
};
