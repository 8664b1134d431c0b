import {
  ComptoirError,
  snapshotChecksum,
  type ChangesResponse,
  type CopyCashier,
  type CopyCustomer,
  type CopyProduct,
  type Snapshot,
  type SosCopyKind,
  type SosCopyResult,
} from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { writeEvent } from '../chain/record-chain';
import { CentralCallError, type CentralClient } from './central-client';

// The SOS copy (DESIGN §5): a full copy replaces the copy tables atomically and verified; an
// incremental refresh upserts what changed since the copy's change version.

type CopyBody = Omit<Snapshot, 'manifest'>;

/**
 * Full copy. Phases: fetch the snapshot (schema-validated) → check the manifest's counts and
 * recompute the checksum over what was received → replace every copy table in ONE transaction and
 * check the stored counts before committing (a mismatch or a crash rolls back: the previous copy
 * stays intact) → record the copy in meta → `sos_copy` event.
 */
export async function runFullCopy(ctx: RegisterContext, client: CentralClient, kind: SosCopyKind): Promise<SosCopyResult> {
  const started = performance.now();
  let snap: Snapshot;
  try {
    snap = await client.snapshot();
  } catch (e) {
    throw toComptoir(e);
  }
  const { manifest, ...body } = snap;
  const counts = {
    products: body.products.length,
    customers: body.customers.length,
    cashiers: body.cashiers.length,
    stock: body.stock.length,
  };
  for (const k of Object.keys(counts) as (keyof typeof counts)[]) {
    if (counts[k] !== manifest.counts[k]) {
      throw new ComptoirError('COPY_REJECTED', `Copy refused: ${k} count ${counts[k]} differs from the manifest (${manifest.counts[k]})`);
    }
  }
  const received = snapshotChecksum(body);
  if (received !== manifest.checksum) {
    throw new ComptoirError('COPY_REJECTED', 'Copy refused: checksum of what was received differs from the manifest');
  }
  const at = ctx.now().toISOString();
  ctx.sqlite.transaction(() => {
    replaceCopy(ctx, body);
    // Phase: verify what was stored before committing (counts; the checksum was verified on what was
    // received, and recomputing it over 100k stored products would block the loop ~2 s more).
    const stored = storedCounts(ctx);
    for (const k of Object.keys(counts) as (keyof typeof counts)[]) {
      if (stored[k] !== counts[k]) {
        throw new ComptoirError('COPY_REJECTED', `Copy refused: ${stored[k]} ${k} stored, ${counts[k]} received`);
      }
    }
    ctx.sqlite
      .prepare(
        `UPDATE register_meta SET change_version = ?, last_copy_at = ?, last_copy_kind = ?, last_copy_checksum = ?,
           last_copy_counts = ? WHERE id = 1`,
      )
      .run(manifest.changeVersion, at, kind, manifest.checksum, JSON.stringify(counts));
  })();
  const durationMs = Math.round(performance.now() - started);
  writeEvent(ctx, 'sos_copy', { kind, checksum: manifest.checksum, changeVersion: manifest.changeVersion, ...counts });
  ctx.logger.info({ kind, counts, changeVersion: manifest.changeVersion, durationMs }, 'SOS copy done');
  return { ok: true, kind, at, changeVersion: manifest.changeVersion, counts, checksum: manifest.checksum, durationMs };
}

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
}

function storedCounts(ctx: RegisterContext): Record<'products' | 'customers' | 'cashiers' | 'stock', number> {
  const n = (t: string) => (ctx.sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  return { products: n('products'), customers: n('customers'), cashiers: n('cashiers'), stock: n('stock_levels') };
}

/** The copy as stored, in the snapshot's shape (e.g. to re-verify it against its checksum). */
export function readCopy(ctx: RegisterContext): CopyBody {
  const db = ctx.sqlite;
  const store = db.prepare('SELECT id, name, address, siret, vat_number, timezone FROM copy_store LIMIT 1').get() as
    | { id: string; name: string; address: string; siret: string; vat_number: string; timezone: string }
    | undefined;
  return {
    store: store
      ? { id: store.id, name: store.name, address: store.address, siret: store.siret, vatNumber: store.vat_number, timezone: store.timezone }
      : { id: '', name: '', address: '', siret: '', vatNumber: '', timezone: '' },
    paymentMethods: (db.prepare('SELECT method FROM copy_payment_methods').all() as { method: CopyBody['paymentMethods'][number] }[]).map(
      (r) => r.method,
    ),
    products: (
      db.prepare('SELECT sku, label, price_cents, vat_rate, category, barcodes, active FROM products').all() as {
        sku: string; label: string; price_cents: number; vat_rate: number; category: string; barcodes: string; active: number;
      }[]
    ).map((r) => ({
      sku: r.sku,
      label: r.label,
      priceCents: r.price_cents,
      vatRate: r.vat_rate,
      category: r.category,
      barcodes: JSON.parse(r.barcodes) as string[],
      active: r.active === 1,
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
    ctx.sqlite.prepare('UPDATE register_meta SET change_version = ? WHERE id = 1').run(changes.changeVersion);
    return true;
  })();
}

/** Pulls and applies the changes since the copy's version; true when something was applied. */
export async function pullChanges(ctx: RegisterContext, client: CentralClient): Promise<boolean> {
  const meta = ctx.sqlite.prepare('SELECT change_version FROM register_meta WHERE id = 1').get() as { change_version: number };
  const changes = await client.changes(meta.change_version);
  const applied = applyChanges(ctx, changes);
  if (applied) {
    ctx.logger.debug({ changeVersion: changes.changeVersion, products: changes.products.length }, 'incremental refresh applied');
  }
  return applied;
}

function upsertStore(ctx: RegisterContext, s: Snapshot['store']): void {
  ctx.sqlite
    .prepare('INSERT OR REPLACE INTO copy_store (id, name, address, siret, vat_number, timezone) VALUES (?, ?, ?, ?, ?, ?)')
    .run(s.id, s.name, s.address, s.siret, s.vatNumber, s.timezone);
}

function upsertProducts(ctx: RegisterContext, products: readonly CopyProduct[]): void {
  if (products.length === 0) return;
  const up = ctx.sqlite.prepare(
    `INSERT INTO products (sku, label, price_cents, vat_rate, category, barcodes, active) VALUES (?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (sku) DO UPDATE SET label = excluded.label, price_cents = excluded.price_cents, vat_rate = excluded.vat_rate,
       category = excluded.category, barcodes = excluded.barcodes, active = excluded.active`,
  );
  const delCodes = ctx.sqlite.prepare('DELETE FROM barcodes WHERE sku = ?');
  const code = ctx.sqlite.prepare('INSERT OR IGNORE INTO barcodes (code, sku) VALUES (?, ?)');
  for (const p of products) {
    up.run(p.sku, p.label, p.priceCents, p.vatRate, p.category, JSON.stringify(p.barcodes), p.active ? 1 : 0);
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

export function toComptoir(e: unknown): Error {
  if (e instanceof CentralCallError) {
    return new ComptoirError('CENTRAL_UNREACHABLE', `Central server: ${e.message}`, { kind: e.kind, status: e.status, code: e.code });
  }
  return e as Error;
}
