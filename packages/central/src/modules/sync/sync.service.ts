import {
  ComptoirError,
  type ChangesResponse,
  type CopyCashier,
  type CopyCustomer,
  type CopyDocument,
  type CopyExtras,
  type CopyProduct,
  type HeartbeatRequest,
  type HeartbeatResponse,
  type PaymentMethod,
  type Snapshot,
  type StoreIdentity,
} from '@comptoir/protocol';
import { snapshotChecksum } from '@comptoir/protocol/node';
import { sql, type Kysely } from 'kysely';
import { nowIso, type Ctx } from '../../context';
import { currentChangeVersion } from '../../db/change-version';
import type { CentralDb, CustomerRow, ProductRow, StoreRow, UserRow } from '../../db/schema';
import { toStore } from '../stores/store-list.service';
import { allBarcodes, barcodesOf } from '../catalog/product.repository';
import { mealVoucherEligible, openPriceCap } from '../catalog/product.service';
import { parseSchedule } from '../registers/register.service';
import { readHeads } from './ingest.repository';
import { SET_BY_ADMIN, heartbeatAdvertisedUrl } from '../registers/advertised-url';

/** Payment methods every register of a store accepts; `meal_voucher` only for registers that ask for the till extras (§24), `gift_card` for those asking `gift-card` (§25). */
const COPY_PAYMENT_METHODS = ['cash', 'card', 'cheque', 'credit_note'] as const;
export function copyPaymentMethods(extras: CopyExtras): PaymentMethod[] {
  return [...COPY_PAYMENT_METHODS, ...(extras.till ? (['meal_voucher'] as const) : []), ...(extras.giftCard ? (['gift_card'] as const) : [])];
}

/** What a register asked for beyond the copy of older releases (`?with=`, protocol `copyExtrasOf`). */
export type { CopyExtras };
export const NO_COPY_EXTRAS: CopyExtras = { references: false, till: false, openPrice: false, giftCard: false, mealVoucherEligible: false };

/**
 * Heartbeat: the register reports its state (fleet view columns), central answers with the
 * register's remote configuration, the heads it holds, and the latest change version.
 * With the instance's presence (modules/fleet/presence.ts) a heartbeat never waits for a write:
 * an unchanged state writes nothing (its time joins the next batched flush), a changed one is
 * queued for that flush; schedule, heads and change version come from memory. Without it (the
 * baseline), one UPDATE and two reads per heartbeat.
 */
export async function heartbeat(
  ctx: Ctx,
  registerId: string,
  req: HeartbeatRequest,
  heartbeatIntervalMs: number,
  sourceAddress: string,
): Promise<HeartbeatResponse> {
  const now = nowIso(ctx);
  const advertised = heartbeatAdvertisedUrl(req.advertisedUrl, sourceAddress);
  if (req.advertisedUrl && advertised === undefined) ctx.log.debug({ registerId }, 'heartbeat URL refused (not http/https, or no source address)');
  const state = {
    mode: req.mode,
    pending_records: req.pendingRecords,
    // A register before issue 12 does not report it: recorded as unknown (null), not as 0.
    pending_customers: req.pendingCustomers ?? null,
    last_sos_copy_at: req.lastSosCopyAt,
    last_sos_copy_kind: req.lastSosCopyKind,
    sos_checksum: req.sosChecksum,
    change_version_seen: req.changeVersion,
    autonomous_since: req.autonomousSince,
    ...(req.sosCounts !== undefined ? { sos_counts: req.sosCounts === null ? null : JSON.stringify(req.sosCounts) } : {}),
    ...(req.nextSosCopyAt !== undefined ? { next_sos_copy_at: req.nextSosCopyAt } : {}),
    // A protocol 1 register reports neither: it is recorded as such (the fleet view flags it).
    software_version: req.softwareVersion ?? null,
    protocol_version: req.protocolVersion ?? 1,
  };
  // Pinned to the heartbeat's source address; a URL an admin set stays (advertised-url.ts).
  const update = (db: Kysely<CentralDb>) =>
    db
      .updateTable('registers')
      .set({
        ...state,
        last_seen_at: now,
        ...(advertised !== undefined
          ? { advertised_url: (eb) => eb.case().when('advertised_url', 'like', `%${SET_BY_ADMIN}`).then(eb.ref('advertised_url')).else(advertised).end() }
          : {}),
      })
      .where('id', '=', registerId);
  const presence = ctx.presence;
  let schedule: string;
  if (!presence) {
    // The baseline: one UPDATE per heartbeat.
    const reg = await update(ctx.db).returning(['sos_schedule']).executeTakeFirst();
    if (!reg) throw new ComptoirError('NOT_FOUND', `Unknown register ${registerId}`);
    schedule = reg.sos_schedule;
  } else {
    // The key: the URL part, a newline (JSON escapes any inside a string), the state part.
    const urlKey = `${JSON.stringify(advertised ?? null)}\n`;
    const key = urlKey + JSON.stringify(state);
    const stamp = presence.stamp();
    let known = presence.known(registerId);
    if (!known) {
      // Not remembered (first contact since this instance started, or its refresh time): the
      // state is written again, with the schedule and URL the fleet load holds (one read for a
      // register enrolled since). A restarted central costs one batched write per till, no read.
      let row = presence.rowOf(registerId);
      if (!row) {
        const read = await ctx.db.selectFrom('registers').select(['sos_schedule', 'advertised_url']).where('id', '=', registerId).executeTakeFirst();
        if (!read) throw new ComptoirError('NOT_FOUND', `Unknown register ${registerId}`);
        row = { schedule: read.sos_schedule, url: read.advertised_url };
        presence.rememberRow(registerId, row, stamp);
      }
      known = { key: rowHasUrl(row.url, advertised) ? urlKey : '', schedule: row.schedule };
    }
    schedule = known.schedule;
    if (known.key === key) presence.markSeen(registerId, now);
    else if (!known.key.startsWith(urlKey)) {
      // A new URL (rare: a till moved on the network) is written at once: central may call the till
      // any moment (prepare-outage, store returns); it carries the state with it.
      await update(ctx.db).execute();
      presence.wrote(registerId, key, schedule, stamp);
    } else presence.queueState(registerId, key, schedule, stamp, { write: (db) => update(db).execute(), columns: state, at: now });
  }
  const [heads, changeVersion] = await Promise.all([headsOf(ctx, registerId), presence ? presence.changeVersion() : currentChangeVersion(ctx.db)]);
  return {
    serverTime: now,
    heads,
    changeVersion,
    config: { sosSchedule: parseSchedule(schedule), heartbeatIntervalMs },
  };
}

/** Whether the heartbeat's URL would leave the row's as it is (none given, the same, or one an admin set). */
function rowHasUrl(url: string | null, advertised: string | null | undefined): boolean {
  return advertised === undefined || (url !== null && url.endsWith(SET_BY_ADMIN)) || url === advertised;
}

/** The heads central holds for a register: remembered by the presence when there is one. */
async function headsOf(ctx: Ctx, registerId: string): Promise<Record<string, number>> {
  const presence = ctx.presence;
  const known = presence?.headsOf(registerId);
  if (known) {
    // Due: read again in the background; this heartbeat answers what is remembered (exact unless
    // another instance integrated a push, and then it forgot them through the channel).
    if (known.due) {
      const stamp = presence!.headsStamp(registerId);
      void readHeads(ctx, registerId)
        .then((heads) => presence!.rememberHeads(registerId, heads, stamp), () => undefined)
        .finally(() => presence!.headsRead(registerId));
    }
    return known.heads;
  }
  const stamp = presence?.headsStamp(registerId) ?? '';
  const heads = await readHeads(ctx, registerId);
  presence?.rememberHeads(registerId, heads, stamp);
  return heads;
}

/**
 * A product as a register's copy holds it. An open-price item carries its cap only to a register
 * that asked (`extras.openPrice`); to an older one it is inactive (left out of a full copy, sent
 * as deactivated in changes): a till that cannot ask the price never sells it at a catalog price.
 * An item meal vouchers may not pay for says so (`mealVoucherEligible: false`) only to a register
 * that asked (`extras.mealVoucherEligible`); an eligible item's line is the same for every register.
 */
function toCopyProduct(p: ProductRow, barcodes: string[], extras: CopyExtras): CopyProduct {
  const cap = openPriceCap(p);
  return {
    sku: p.sku,
    label: p.label,
    priceCents: Number(p.price_cents),
    vatRate: Number(p.vat_rate),
    category: p.category,
    barcodes,
    active: p.active === 1 && (cap === null || extras.openPrice),
    ...(cap !== null && extras.openPrice ? { openPriceMaxCents: cap } : {}),
    ...(extras.mealVoucherEligible && !mealVoucherEligible(p) ? { mealVoucherEligible: false as const } : {}),
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

/** Default number of recent documents per customer held in the copy (docs/architecture.md §5). */
export const DEFAULT_SOS_DOCUMENTS_PER_CUSTOMER = 10;

export interface CopyRead {
  changeVersion: number;
  /** The register's `ticket` head at central, read in the same transaction. */
  ticketHead: number;
  body: Omit<Snapshot, 'manifest'>;
}

/**
 * Reads everything a register of `storeId` sells from, in ONE read transaction (a consistent view
 * with the change version it corresponds to): store, payment methods, active products with their
 * barcodes, active customers of the store and their last `documentsPerCustomer` tickets, active PIN
 * holders of the store (or of every store), the store's stock levels.
 */
/**
 * The store line of the copy. With `references` (registers from issue 12 on ask for it) it also
 * carries the store's code and its registers' numbers (ticket references, docs/architecture.md §18);
 * with `till`, the meal-voucher cap (§24); with `gift-card`, the gift-card cap (§25); without, exactly the fields older registers hash, so
 * their copies keep verifying.
 */
async function copyStoreLine(db: Kysely<CentralDb>, store: StoreRow, extras: CopyExtras): Promise<StoreIdentity> {
  const { code, mealVoucherCapCents, giftCardMaxCents, ...base } = toStore(store);
  const identity = { ...base, ...(extras.till ? { mealVoucherCapCents } : {}), ...(extras.giftCard ? { giftCardMaxCents } : {}) };
  if (!extras.references) return identity;
  const registers = await db
    .selectFrom('registers')
    .select(['id', 'name', 'number_in_store'])
    .where('store_id', '=', store.id)
    .where('number_in_store', 'is not', null)
    .orderBy('number_in_store')
    .execute();
  return { ...identity, code, registers: registers.map((r) => ({ id: r.id, name: r.name, number: Number(r.number_in_store) })) };
}

export async function readCopyBody(ctx: Ctx, storeId: string, registerId: string, documentsPerCustomer: number, extras = NO_COPY_EXTRAS): Promise<CopyRead> {
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
    const documents = documentsPerCustomer > 0 ? await recentDocuments(db, storeId, documentsPerCustomer) : [];
    const head = await db
      .selectFrom('chain_heads')
      .select('last_number')
      .where('register_id', '=', registerId)
      .where('chain', '=', 'ticket')
      .executeTakeFirst();
    const activeCustomers = new Set(customers.map((c) => c.id));
    return {
      changeVersion,
      ticketHead: Number(head?.last_number ?? 0),
      body: {
        store: await copyStoreLine(db, store, extras),
        paymentMethods: copyPaymentMethods(extras),
        products: products.map((p) => toCopyProduct(p, codes.get(p.sku) ?? [], extras)).filter((p) => p.active),
        customers: customers.map(toCopyCustomer),
        cashiers: users.map(toCopyCashier),
        stock: stock.map((s) => ({ sku: s.sku, quantity: Number(s.quantity) })),
        documents: documents.filter((d) => activeCustomers.has(d.customerId)),
      },
    };
  });
}

/** The last `n` tickets of each customer of the store, newest first per customer (window function: both dialects). */
async function recentDocuments(db: Kysely<CentralDb>, storeId: string, n: number): Promise<CopyDocument[]> {
  const { rows } = await sql<{
    customer_id: string; register_id: string; number: number | string; kind: 'sale' | 'return'; total_cents: number | string; sold_at: string;
  }>`SELECT customer_id, register_id, number, kind, total_cents, sold_at FROM (
        SELECT coalesce(tc.customer_id, t.customer_id) AS customer_id, t.register_id, t.number, t.kind, t.total_cents, t.sold_at,
          ROW_NUMBER() OVER (PARTITION BY coalesce(tc.customer_id, t.customer_id) ORDER BY t.sold_at DESC, t.register_id DESC, t.number DESC) AS rn
        FROM tickets t LEFT JOIN till_customers tc ON tc.id = t.customer_id
        WHERE t.store_id = ${storeId} AND t.customer_id IS NOT NULL) recent
      WHERE rn <= ${n}`.execute(db);
  return rows.map((r) => ({
    customerId: r.customer_id,
    registerId: r.register_id,
    number: Number(r.number),
    kind: r.kind,
    totalCents: Number(r.total_cents),
    soldAt: r.sold_at,
  }));
}

/**
 * The full SOS copy as one JSON document (kept for tools and tests; registers use the streamed
 * copy, see snapshot-stream.service.ts). Same body, same checksum definition.
 */
export async function snapshot(ctx: Ctx, storeId: string, registerId = '', documentsPerCustomer = DEFAULT_SOS_DOCUMENTS_PER_CUSTOMER, extras = NO_COPY_EXTRAS): Promise<Snapshot> {
  const { changeVersion, ticketHead, body } = await readCopyBody(ctx, storeId, registerId, documentsPerCustomer, extras);
  return {
    manifest: {
      changeVersion,
      counts: copyCounts(body),
      checksum: snapshotChecksum(body),
      createdAt: nowIso(ctx),
      ticketHead,
    },
    ...body,
  };
}

export function copyCounts(body: Omit<Snapshot, 'manifest'>): Snapshot['manifest']['counts'] {
  return {
    products: body.products.length,
    customers: body.customers.length,
    cashiers: body.cashiers.length,
    stock: body.stock.length,
    documents: body.documents.length,
  };
}

/**
 * What changed since version `since` for a register of `storeId`: rows whose change_version is
 * greater, deactivated ones included (active: false), and the version to ask from next time.
 */
export async function changesSince(ctx: Ctx, storeId: string, since: number, extras = NO_COPY_EXTRAS): Promise<ChangesResponse> {
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
      store: store ? await copyStoreLine(db, store, extras) : null,
      products: products.map((p) => toCopyProduct(p, codes.get(p.sku) ?? [], extras)),
      customers: customers.map(toCopyCustomer),
      cashiers: users.map(toCopyCashier),
      // Recent documents travel with full copies only; a register's own tickets are local anyway.
      documents: [],
    };
  });
}
