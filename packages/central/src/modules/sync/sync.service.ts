import {
  ComptoirError,
  snapshotChecksum,
  type ChangesResponse,
  type CopyCashier,
  type CopyCustomer,
  type CopyProduct,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type Snapshot,
  type StoreIdentity,
} from '@comptoir/protocol';
import type { Kysely } from 'kysely';
import { nowIso, type Ctx } from '../../context';
import { currentChangeVersion } from '../../db/change-version';
import type { CentralDb, CustomerRow, ProductRow, StoreRow, UserRow } from '../../db/schema';
import { allBarcodes, barcodesOf } from '../catalog/product.repository';
import { parseSchedule } from '../registers/register.service';
import { readHeads } from './ingest.repository';

/** Payment methods every register of a store accepts. */
export const PAYMENT_METHODS = ['cash', 'card', 'cheque'] as const;

/**
 * Heartbeat: the register reports its state (fleet view columns), central answers with the
 * register's remote configuration, the heads it holds, and the latest change version.
 */
export async function heartbeat(
  ctx: Ctx,
  registerId: string,
  req: HeartbeatRequest,
  heartbeatIntervalMs: number,
): Promise<HeartbeatResponse> {
  const now = nowIso(ctx);
  const reg = await ctx.db
    .updateTable('registers')
    .set({
      mode: req.mode,
      pending_records: req.pendingRecords,
      last_sos_copy_at: req.lastSosCopyAt,
      last_sos_copy_kind: req.lastSosCopyKind,
      sos_checksum: req.sosChecksum,
      change_version_seen: req.changeVersion,
      autonomous_since: req.autonomousSince,
      last_seen_at: now,
    })
    .where('id', '=', registerId)
    .returning(['sos_schedule'])
    .executeTakeFirst();
  if (!reg) throw new ComptoirError('NOT_FOUND', `Unknown register ${registerId}`);
  const [heads, changeVersion] = await Promise.all([readHeads(ctx, registerId), currentChangeVersion(ctx.db)]);
  return {
    serverTime: now,
    heads,
    changeVersion,
    config: { sosSchedule: parseSchedule(reg.sos_schedule), heartbeatIntervalMs },
  };
}

function toStore(s: StoreRow): StoreIdentity {
  return { id: s.id, name: s.name, address: s.address, siret: s.siret, vatNumber: s.vat_number, timezone: s.timezone };
}
function toCopyProduct(p: ProductRow, barcodes: string[]): CopyProduct {
  return {
    sku: p.sku,
    label: p.label,
    priceCents: Number(p.price_cents),
    vatRate: Number(p.vat_rate),
    category: p.category,
    barcodes,
    active: p.active === 1,
  };
}
function toCopyCustomer(c: CustomerRow): CopyCustomer {
  return { id: c.id, name: c.name, email: c.email, phone: c.phone, active: c.active === 1 };
}
/** A user can log in on a register when active and holding a PIN. */
function toCopyCashier(u: UserRow): CopyCashier {
  return {
    id: u.id,
    login: u.username,
    displayName: u.display_name,
    role: u.role,
    pinHash: u.pin_hash,
    active: u.active === 1 && u.pin_hash !== null,
  };
}

/** Runs `fn` in one read transaction (a consistent view; repeatable read on PostgreSQL). */
async function readConsistently<T>(ctx: Ctx, fn: (db: Kysely<CentralDb>) => Promise<T>): Promise<T> {
  let tx = ctx.db.transaction();
  if (ctx.dialect === 'postgres') tx = tx.setIsolationLevel('repeatable read');
  return tx.execute(fn);
}

/**
 * The full SOS copy of a register's store, read in one transaction together with the change version
 * it corresponds to; the manifest carries counts and the checksum of the body.
 */
export async function snapshot(ctx: Ctx, storeId: string): Promise<Snapshot> {
  return readConsistently(ctx, async (db) => {
    const changeVersion = await currentChangeVersion(db);
    const store = await db.selectFrom('stores').selectAll().where('id', '=', storeId).executeTakeFirst();
    if (!store) throw new ComptoirError('NOT_FOUND', `Unknown store ${storeId}`);
    const tctx = { ...ctx, db };
    const products = await db.selectFrom('products').selectAll().where('active', '=', 1).orderBy('sku').execute();
    const codes = await allBarcodes(tctx);
    const customers = await db
      .selectFrom('customers')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('active', '=', 1)
      .orderBy('id')
      .execute();
    const users = await db
      .selectFrom('users')
      .selectAll()
      .where('active', '=', 1)
      .where('pin_hash', 'is not', null)
      .where((eb) => eb.or([eb('store_id', '=', storeId), eb('store_id', 'is', null)]))
      .orderBy('id')
      .execute();
    const stock = await db.selectFrom('stock_levels').select(['sku', 'quantity']).where('store_id', '=', storeId).orderBy('sku').execute();
    const body: Omit<Snapshot, 'manifest'> = {
      store: toStore(store),
      paymentMethods: [...PAYMENT_METHODS],
      products: products.map((p) => toCopyProduct(p, codes.get(p.sku) ?? [])),
      customers: customers.map(toCopyCustomer),
      cashiers: users.map(toCopyCashier),
      stock: stock.map((s) => ({ sku: s.sku, quantity: Number(s.quantity) })),
    };
    return {
      manifest: {
        changeVersion,
        counts: { products: body.products.length, customers: body.customers.length, cashiers: body.cashiers.length, stock: body.stock.length },
        checksum: snapshotChecksum(body),
        createdAt: nowIso(ctx),
      },
      ...body,
    };
  });
}

/**
 * What changed since version `since` for a register of `storeId`: rows whose change_version is
 * greater, deactivated ones included (active: false), and the version to ask from next time.
 */
export async function changesSince(ctx: Ctx, storeId: string, since: number): Promise<ChangesResponse> {
  return readConsistently(ctx, async (db) => {
    const changeVersion = await currentChangeVersion(db);
    const store = await db.selectFrom('stores').selectAll().where('id', '=', storeId).where('change_version', '>', since).executeTakeFirst();
    const products = await db.selectFrom('products').selectAll().where('change_version', '>', since).orderBy('sku').execute();
    const codes = await barcodesOf({ ...ctx, db }, products.map((p) => p.sku));
    const customers = await db
      .selectFrom('customers')
      .selectAll()
      .where('store_id', '=', storeId)
      .where('change_version', '>', since)
      .orderBy('id')
      .execute();
    const users = await db
      .selectFrom('users')
      .selectAll()
      .where('change_version', '>', since)
      .where((eb) => eb.or([eb('store_id', '=', storeId), eb('store_id', 'is', null)]))
      .orderBy('id')
      .execute();
    return {
      changeVersion,
      store: store ? toStore(store) : null,
      products: products.map((p) => toCopyProduct(p, codes.get(p.sku) ?? [])),
      customers: customers.map(toCopyCustomer),
      cashiers: users.map(toCopyCashier),
    };
  });
}
