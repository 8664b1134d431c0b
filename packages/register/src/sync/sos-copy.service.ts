import {
  ComptoirError,
  type ChangesResponse,
  type CopyCashier,
  type CopyDocument,
  type CopyCustomer,
  type CopyProduct,
  type Snapshot,
} from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import type { CopyStoreTable, ProductTable } from '../db/schema';

type CopyStoreRow = CopyStoreTable;
import { CentralCallError, type CentralClient } from './central-client';
import { restoreTillCustomers } from '../customers/till-customer.service';
import { runStreamedCopy } from './streamed-copy.service';

// The SOS copy (docs/architecture.md §5): a full copy replaces the copy tables atomically and verified (streamed
// into staging tables, then swapped: streamed-copy.service.ts); an incremental refresh upserts what
// changed since the copy's change version.

type CopyBody = Omit<Snapshot, 'manifest'>;

/** Replaces every copy table with `body` (caller holds the transaction). */
export function replaceCopy(ctx: RegisterContext, body: CopyBody): void {
  const db = ctx.sqlite;
  for (const t of ['copy_store', 'copy_payment_methods', 'products', 'barcodes', 'customers', 'cashiers', 'stock_levels']) {
    db.prepare(`DELETE FROM ${t}`).run();
  }
  upsertStore(ctx, body.store);
  const pm = db.prepare('INSERT OR IGNORE INTO copy_payment_methods (method) VALUES (?)');
  for (const m of body.paymentMethods) pm.run(m);
  upsertProducts(ctx, body.products);
  upsertCustomers(ctx, body.customers);
  upsertCashiers(ctx, body.cashiers);
  const st = db.prepare('INSERT INTO stock_levels (sku, quantity) VALUES (?, ?)');
  for (const s of body.stock) st.run(s.sku, s.quantity);
  db.prepare('DELETE FROM customer_documents').run();
  upsertDocuments(ctx, body.documents);
  restoreTillCustomers(ctx);
}

/** The copy as stored, in the snapshot's shape (e.g. to re-verify it against its checksum). */
export function readCopy(ctx: RegisterContext): CopyBody {
  const db = ctx.sqlite;
  const store = db.prepare('SELECT * FROM copy_store LIMIT 1').get() as CopyStoreRow | undefined
    | undefined;
  return {
    store: store
      ? {
          id: store.id,
          name: store.name,
          address: store.address,
          siret: store.siret,
          vatNumber: store.vat_number,
          timezone: store.timezone,
          businessDayCutoff: store.business_day_cutoff,
          fiscalYearStartMonth: store.fiscal_year_start_month,
          ...(store.code !== null || store.registers !== null
            ? { code: store.code ?? undefined, registers: store.registers ? (JSON.parse(store.registers) as NonNullable<CopyBody['store']['registers']>) : undefined }
            : {}),
          ...(store.meal_voucher_cap_cents !== null ? { mealVoucherCapCents: store.meal_voucher_cap_cents } : {}),
          ...(store.gift_card_max_cents !== null ? { giftCardMaxCents: store.gift_card_max_cents } : {}),
        }
      : { id: '', name: '', address: '', siret: '', vatNumber: '', timezone: '', businessDayCutoff: '04:00', fiscalYearStartMonth: 1 },
    paymentMethods: (db.prepare('SELECT method FROM copy_payment_methods').all() as { method: CopyBody['paymentMethods'][number] }[]).map(
      (r) => r.method,
    ),
    products: (
      db.prepare('SELECT sku, label, price_cents, vat_rate, category, barcodes, active, open_price_max_cents, meal_voucher_eligible FROM products').all() as ProductTable[]
    ).map((r) => ({
      sku: r.sku,
      label: r.label,
      priceCents: r.price_cents,
      vatRate: r.vat_rate,
      category: r.category,
      barcodes: JSON.parse(r.barcodes) as string[],
      active: r.active === 1,
      ...(r.open_price_max_cents !== null ? { openPriceMaxCents: r.open_price_max_cents } : {}),
      ...(r.meal_voucher_eligible === 0 ? { mealVoucherEligible: false as const } : {}),
    })),
    customers: (
      db.prepare('SELECT id, name, email, phone, active FROM customers').all() as {
        id: string; name: string; email: string | null; phone: string | null; active: number;
      }[]
    ).map((r) => ({ id: r.id, name: r.name, email: r.email, phone: r.phone, active: r.active === 1 })),
    cashiers: (
      db.prepare('SELECT id, login, display_name, role, pin_hash, active FROM cashiers').all() as {
        id: string; login: string; display_name: string; role: CopyCashier['role']; pin_hash: string | null; active: number;
      }[]
    ).map((r) => ({ id: r.id, login: r.login, displayName: r.display_name, role: r.role, pinHash: r.pin_hash, active: r.active === 1 })),
    stock: db.prepare('SELECT sku, quantity FROM stock_levels').all() as { sku: string; quantity: number }[],
    documents: (
      db.prepare('SELECT customer_id, register_id, number, kind, total_cents, sold_at FROM customer_documents').all() as {
        customer_id: string; register_id: string; number: number; kind: 'sale' | 'return'; total_cents: number; sold_at: string;
      }[]
    ).map((r) => ({ customerId: r.customer_id, registerId: r.register_id, number: r.number, kind: r.kind, totalCents: r.total_cents, soldAt: r.sold_at })),
  };
}

/**
 * Incremental refresh: upserts the changes in one transaction and records their version.
 * Changes older than the copy (a late answer) are ignored.
 */
export function applyChanges(ctx: RegisterContext, changes: ChangesResponse): boolean {
  return ctx.sqlite.transaction(() => {
    const meta = ctx.sqlite.prepare('SELECT change_version FROM register_meta WHERE id = 1').get() as { change_version: number };
    if (changes.changeVersion <= meta.change_version) return false;
    if (changes.store) {
      ctx.sqlite.prepare('DELETE FROM copy_store').run();
      upsertStore(ctx, changes.store);
    }
    upsertProducts(ctx, changes.products);
    upsertCustomers(ctx, changes.customers);
    upsertCashiers(ctx, changes.cashiers);
    upsertDocuments(ctx, changes.documents);
    ctx.sqlite.prepare('UPDATE register_meta SET change_version = ? WHERE id = 1').run(changes.changeVersion);
    return true;
  })();
}

/** Rows upserted per transaction by an incremental refresh; a sale waits at most one chunk. */
const CHANGES_CHUNK = 1000;

/**
 * Incremental refresh of any size without blocking sales: rows upserted in chunks of CHANGES_CHUNK
 * (one transaction each, a yield between), the version recorded only with the LAST chunk. Upserts
 * are idempotent, so a crash between chunks re-pulls from the old version and converges; a sale in
 * between sees a mix of old and new rows of the same refresh, never a half-written row.
 */
export async function applyChangesInChunks(ctx: RegisterContext, changes: ChangesResponse): Promise<boolean> {
  const rows = changes.products.length + changes.customers.length + changes.cashiers.length + changes.documents.length;
  if (rows <= CHANGES_CHUNK) return applyChanges(ctx, changes);
  const version = () => (ctx.sqlite.prepare('SELECT change_version FROM register_meta WHERE id = 1').get() as { change_version: number }).change_version;
  if (changes.changeVersion <= version()) return false;
  const empty = { ...changes, store: null, products: [], customers: [], cashiers: [], documents: [] };
  const parts: ChangesResponse[] = [];
  for (let i = 0; i < changes.products.length; i += CHANGES_CHUNK) parts.push({ ...empty, products: changes.products.slice(i, i + CHANGES_CHUNK) });
  for (let i = 0; i < changes.customers.length; i += CHANGES_CHUNK) parts.push({ ...empty, customers: changes.customers.slice(i, i + CHANGES_CHUNK) });
  for (let i = 0; i < changes.documents.length; i += CHANGES_CHUNK) parts.push({ ...empty, documents: changes.documents.slice(i, i + CHANGES_CHUNK) });
  for (const part of parts) {
    ctx.sqlite.transaction(() => {
      upsertProducts(ctx, part.products);
      upsertCustomers(ctx, part.customers);
      upsertDocuments(ctx, part.documents);
    })();
    await new Promise((r) => setImmediate(r));
  }
  // Last chunk: store, cashiers and the version, together.
  return applyChanges(ctx, { ...empty, changeVersion: changes.changeVersion, store: changes.store, cashiers: changes.cashiers });
}

/** Pulls and applies the changes since the copy's version; true when something was applied. */
export async function pullChanges(ctx: RegisterContext, client: CentralClient): Promise<boolean> {
  const meta = ctx.sqlite.prepare('SELECT change_version FROM register_meta WHERE id = 1').get() as { change_version: number };
  const changes = await client.changes(meta.change_version);
  const applied = await applyChangesInChunks(ctx, changes);
  if (applied) {
    ctx.logger.debug({ changeVersion: changes.changeVersion, products: changes.products.length }, 'incremental refresh applied');
  }
  return applied;
}

function upsertStore(ctx: RegisterContext, s: Snapshot['store']): void {
  ctx.sqlite
    .prepare(
      `INSERT OR REPLACE INTO copy_store (id, name, address, siret, vat_number, timezone, business_day_cutoff, fiscal_year_start_month, code, registers, meal_voucher_cap_cents, gift_card_max_cents)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    .run(
      s.id, s.name, s.address, s.siret, s.vatNumber, s.timezone, s.businessDayCutoff, s.fiscalYearStartMonth,
      s.code ?? null, s.registers ? JSON.stringify(s.registers) : null, s.mealVoucherCapCents ?? null, s.giftCardMaxCents ?? null,
    );
}

function upsertProducts(ctx: RegisterContext, products: readonly CopyProduct[]): void {
  if (products.length === 0) return;
  const up = ctx.sqlite.prepare(
    `INSERT INTO products (sku, label, price_cents, vat_rate, category, barcodes, active, open_price_max_cents, meal_voucher_eligible) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (sku) DO UPDATE SET label = excluded.label, price_cents = excluded.price_cents, vat_rate = excluded.vat_rate,
       category = excluded.category, barcodes = excluded.barcodes, active = excluded.active, open_price_max_cents = excluded.open_price_max_cents,
       meal_voucher_eligible = excluded.meal_voucher_eligible`,
  );
  const delCodes = ctx.sqlite.prepare('DELETE FROM barcodes WHERE sku = ?');
  const code = ctx.sqlite.prepare('INSERT OR IGNORE INTO barcodes (code, sku) VALUES (?, ?)');
  for (const p of products) {
    up.run(p.sku, p.label, p.priceCents, p.vatRate, p.category, JSON.stringify(p.barcodes), p.active ? 1 : 0, p.openPriceMaxCents ?? null, p.mealVoucherEligible === false ? 0 : 1);
    delCodes.run(p.sku);
    for (const c of p.barcodes) code.run(c, p.sku);
  }
}

function upsertCustomers(ctx: RegisterContext, customers: readonly CopyCustomer[]): void {
  const up = ctx.sqlite.prepare('INSERT OR REPLACE INTO customers (id, name, email, phone, active) VALUES (?, ?, ?, ?, ?)');
  for (const c of customers) up.run(c.id, c.name, c.email, c.phone, c.active ? 1 : 0);
}

function upsertCashiers(ctx: RegisterContext, cashiers: readonly CopyCashier[]): void {
  const up = ctx.sqlite.prepare(
    'INSERT OR REPLACE INTO cashiers (id, login, display_name, role, pin_hash, active) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const c of cashiers) up.run(c.id, c.login, c.displayName, c.role, c.pinHash, c.active ? 1 : 0);
}

function upsertDocuments(ctx: RegisterContext, documents: readonly CopyDocument[]): void {
  if (documents.length === 0) return;
  const up = ctx.sqlite.prepare(
    'INSERT OR REPLACE INTO customer_documents (register_id, number, customer_id, kind, total_cents, sold_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (const d of documents) up.run(d.registerId, d.number, d.customerId, d.kind, d.totalCents, d.soldAt);
}

export function toComptoir(e: unknown): Error {
  if (e instanceof CentralCallError) {
    return new ComptoirError('CENTRAL_UNREACHABLE', `Central server: ${e.message}`, { kind: e.kind, status: e.status, code: e.code });
  }
  return e as Error;
}
