import { randomBytes } from 'node:crypto';
import {
  ComptoirError,
  SnapshotDataLine,
  SnapshotManifestLine,
  type SnapshotManifest,
  type SosCopyKind,
  type SosCopyResult,
} from '@comptoir/protocol';
import { SnapshotHasher } from '@comptoir/protocol/node';
import type { RegisterContext } from '../context';
import { writeEvent } from '../chain/record-chain';
import type { CentralClient } from './central-client';
import { CentralCallError } from './central-client';
import { restoreTillCustomers } from '../customers/till-customer.service';
import { COPY_TABLES, countRows, createStaging, dropLeftovers, stagingName, swapStagingIn } from './copy-staging';

/** Background drop of the previous copy's tables, per database; the next copy awaits it first. */
const cleanups = new WeakMap<object, Promise<void>>();

/** Rows written to staging per transaction; a sale waits at most one such batch. */
const BATCH_ROWS = 1000;

type Counts = { products: number; customers: number; cashiers: number; stock: number; documents: number };

/**
 * Full SOS copy, streamed, verified, swapped (docs/architecture.md §5). Phases:
 *  1. drop leftovers of an interrupted copy; create empty staging tables (`next_*`);
 *  2. stream the NDJSON copy from central: each line parsed and schema-checked, its canonical text
 *     hashed, its row written to staging in batches of BATCH_ROWS with a yield between batches (sales
 *     run in between; the live copy is untouched);
 *  3. verify: the manifest came last, the received counts, the staged row counts and the checksum
 *     all equal the manifest's — otherwise COPY_REJECTED, staging dropped, previous copy kept;
 *  4. swap in ONE short transaction: renames, the register's own stock movements of tickets central
 *     had not integrated when it read the copy re-applied (manifest.ticketHead), the customers created
 *     at this till that the copy lacks put back, meta updated;
 *  5. `sos_copy` event; old tables dropped in chunks.
 * A kill -9 anywhere before 4 commits leaves the previous copy as it was.
 */
export async function runStreamedCopy(ctx: RegisterContext, client: CentralClient, kind: SosCopyKind): Promise<SosCopyResult> {
  const started = performance.now();
  const db = ctx.sqlite;
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    phases[name] = Math.round(now - mark);
    mark = now;
  };
  await cleanups.get(db);
  await dropLeftovers(db);
  phase('leftovers');
  createStaging(db, `${Date.now().toString(36)}${randomBytes(2).toString('hex')}`);
  let manifest: SnapshotManifest;
  let received: Counts;
  let checksum: string;
  try {
    let body: AsyncIterable<Buffer>;
    try {
      body = await client.snapshotStream();
    } catch (e) {
      if (e instanceof CentralCallError) {
        throw new ComptoirError('CENTRAL_UNREACHABLE', `Central server: ${e.message}`, { kind: e.kind, status: e.status, code: e.code });
      }
      throw e;
    }
    phase('headers');
    ({ manifest, received, checksum } = await receiveIntoStaging(ctx, body));
    phase('receive');
    verify(ctx, manifest, received, checksum);
    phase('verify');
  } catch (e) {
    await dropLeftovers(db).catch(() => {});
    throw e;
  }

  const at = ctx.now().toISOString();
  const counts = { ...received };
  db.transaction(() => {
    swapStagingIn(db);
    // Customers created at this till that the copy does not hold yet stay (till-customer.service.ts).
    restoreTillCustomers(ctx);
    if (manifest.ticketHead !== undefined) {
      // Stock of the copy = central's, which holds tickets up to ticketHead; later local sales re-applied.
      db.prepare(
        `INSERT INTO stock_levels (sku, quantity) SELECT sku, sum(delta) FROM stock_movements WHERE ticket_number > ?
         GROUP BY sku ON CONFLICT (sku) DO UPDATE SET quantity = quantity + excluded.quantity`,
      ).run(manifest.ticketHead);
    }
    db.prepare(
      `UPDATE register_meta SET change_version = ?, last_copy_at = ?, last_copy_kind = ?, last_copy_checksum = ?,
         last_copy_counts = ? WHERE id = 1`,
    ).run(manifest.changeVersion, at, kind, manifest.checksum, JSON.stringify(counts));
  })();
  phase('swap');
  const durationMs = Math.round(performance.now() - started);
  writeEvent(ctx, 'sos_copy', { kind, checksum: manifest.checksum, changeVersion: manifest.changeVersion, ...counts });
  ctx.logger.info({ kind, counts, changeVersion: manifest.changeVersion, durationMs, phases }, 'SOS copy done');
  // Phase 5: the previous copy's tables are dropped in the background, in chunks (the next copy waits for it).
  cleanups.set(
    db,
    dropLeftovers(db).catch((e: unknown) => ctx.logger.warn({ err: String(e) }, 'dropping the previous copy tables failed')),
  );
  return { ok: true, kind, at, changeVersion: manifest.changeVersion, counts, checksum: manifest.checksum, durationMs };
}

const rejected = (message: string, details?: Record<string, unknown>) => new ComptoirError('COPY_REJECTED', `Copy refused: ${message}`, details);

/** Phase 2: lines → staging, hashing as they come. */
async function receiveIntoStaging(
  ctx: RegisterContext,
  body: AsyncIterable<Buffer>,
): Promise<{ manifest: SnapshotManifest; received: Counts; checksum: string }> {
  const db = ctx.sqlite;
  const ins = {
    store: db.prepare(
      `INSERT INTO ${stagingName('copy_store')} (id, name, address, siret, vat_number, timezone, business_day_cutoff, fiscal_year_start_month, code, registers, meal_voucher_cap_cents, gift_card_max_cents)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    paymentMethod: db.prepare(`INSERT INTO ${stagingName('copy_payment_methods')} (method) VALUES (?)`),
    product: db.prepare(
      `INSERT INTO ${stagingName('products')} (sku, label, price_cents, vat_rate, category, barcodes, active, open_price_max_cents, meal_voucher_eligible) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    barcode: db.prepare(`INSERT OR IGNORE INTO ${stagingName('barcodes')} (code, sku) VALUES (?, ?)`),
    customer: db.prepare(`INSERT INTO ${stagingName('customers')} (id, name, email, phone, active) VALUES (?, ?, ?, ?, ?)`),
    cashier: db.prepare(`INSERT INTO ${stagingName('cashiers')} (id, login, display_name, role, pin_hash, active) VALUES (?, ?, ?, ?, ?, ?)`),
    stock: db.prepare(`INSERT INTO ${stagingName('stock_levels')} (sku, quantity) VALUES (?, ?)`),
    document: db.prepare(
      `INSERT INTO ${stagingName('customer_documents')} (register_id, number, customer_id, kind, total_cents, sold_at) VALUES (?, ?, ?, ?, ?, ?)`,
    ),
  };
  const write = db.transaction((lines: SnapshotDataLine[]) => {
    for (const l of lines) {
      switch (l.t) {
        case 'store':
          ins.store.run(
            l.r.id, l.r.name, l.r.address, l.r.siret, l.r.vatNumber, l.r.timezone, l.r.businessDayCutoff, l.r.fiscalYearStartMonth,
            l.r.code ?? null, l.r.registers ? JSON.stringify(l.r.registers) : null, l.r.mealVoucherCapCents ?? null, l.r.giftCardMaxCents ?? null,
          );
          break;
        case 'paymentMethod':
          ins.paymentMethod.run(l.r);
          break;
        case 'product':
          ins.product.run(l.r.sku, l.r.label, l.r.priceCents, l.r.vatRate, l.r.category, JSON.stringify(l.r.barcodes), l.r.active ? 1 : 0, l.r.openPriceMaxCents ?? null, l.r.mealVoucherEligible === false ? 0 : 1);
          for (const c of l.r.barcodes) ins.barcode.run(c, l.r.sku);
          break;
        case 'customer':
          ins.customer.run(l.r.id, l.r.name, l.r.email, l.r.phone, l.r.active ? 1 : 0);
          break;
        case 'cashier':
          ins.cashier.run(l.r.id, l.r.login, l.r.displayName, l.r.role, l.r.pinHash, l.r.active ? 1 : 0);
          break;
        case 'stock':
          ins.stock.run(l.r.sku, l.r.quantity);
          break;
        case 'document':
          ins.document.run(l.r.registerId, l.r.number, l.r.customerId, l.r.kind, l.r.totalCents, l.r.soldAt);
          break;
      }
    }
  });

  const hasher = new SnapshotHasher();
  const received: Counts = { products: 0, customers: 0, cashiers: 0, stock: 0, documents: 0 };
  let manifest: SnapshotManifest | null = null;
  let batch: SnapshotDataLine[] = [];
  let lineNo = 0;
  let rest = '';
  const flush = async () => {
    if (batch.length === 0) return;
    const lines = batch;
    batch = [];
    try {
      write(lines);
    } catch (e) {
      throw rejected(`a row could not be staged (${(e as Error).message})`);
    }
    await new Promise((r) => setImmediate(r));
  };
  const take = (text: string) => {
    lineNo++;
    if (text === '') return;
    if (manifest) throw rejected(`data after the manifest (line ${lineNo})`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw rejected(`line ${lineNo} is not JSON`);
    }
    if ((json as { t?: unknown }).t === 'manifest') {
      const m = SnapshotManifestLine.safeParse(json);
      if (!m.success) throw rejected(`malformed manifest (line ${lineNo})`);
      manifest = m.data.r;
      return;
    }
    const parsed = SnapshotDataLine.safeParse(json);
    if (!parsed.success) throw rejected(`line ${lineNo} does not match the protocol`, { issues: parsed.error.issues.slice(0, 3) });
    const line = parsed.data;
    hasher.add(line);
    if (line.t === 'product') received.products++;
    else if (line.t === 'customer') received.customers++;
    else if (line.t === 'cashier') received.cashiers++;
    else if (line.t === 'stock') received.stock++;
    else if (line.t === 'document') received.documents++;
    batch.push(line);
  };

  try {
    for await (const chunk of body) {
      const text = rest + chunk.toString('utf8');
      let start = 0;
      for (let nl = text.indexOf('\n', start); nl >= 0; nl = text.indexOf('\n', start)) {
        take(text.slice(start, nl));
        start = nl + 1;
      }
      rest = text.slice(start);
      if (batch.length >= BATCH_ROWS) await flush();
    }
  } catch (e) {
    if (e instanceof ComptoirError) throw e;
    throw rejected(`the stream was cut after ${lineNo} lines (${(e as Error).message || String(e)})`);
  }
  if (rest !== '') take(rest);
  await flush();
  if (!manifest) throw rejected(`the stream ended after ${lineNo} lines without its manifest (truncated)`);
  return { manifest, received, checksum: hasher.digest() };
}

/** Phase 3: counts received, counts staged, checksum — all against the manifest. */
function verify(ctx: RegisterContext, manifest: SnapshotManifest, received: Counts, checksum: string): void {
  const staged: Counts = {
    products: countRows(ctx.sqlite, stagingName('products')),
    customers: countRows(ctx.sqlite, stagingName('customers')),
    cashiers: countRows(ctx.sqlite, stagingName('cashiers')),
    stock: countRows(ctx.sqlite, stagingName('stock_levels')),
    documents: countRows(ctx.sqlite, stagingName('customer_documents')),
  };
  for (const k of Object.keys(received) as (keyof Counts)[]) {
    if (received[k] !== manifest.counts[k]) throw rejected(`${k}: ${received[k]} received, the manifest says ${manifest.counts[k]}`);
    if (staged[k] !== manifest.counts[k]) throw rejected(`${k}: ${staged[k]} stored, the manifest says ${manifest.counts[k]}`);
  }
  if (countRows(ctx.sqlite, stagingName('copy_store')) !== 1) throw rejected('the copy holds no store identity');
  if (checksum !== manifest.checksum) throw rejected('the checksum of what was received differs from the manifest', { expected: manifest.checksum, got: checksum });
}

export { COPY_TABLES };
