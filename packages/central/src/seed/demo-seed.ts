import type { Kysely } from 'kysely';
import { DEMO_CASHIERS, DEMO_CUSTOMERS, DEMO_STORE, demoProducts } from './demo-catalog';
import type { CentralDb } from '../db/schema';
import { nextChangeVersion } from '../db/change-version';
import { insertChunked } from '../db/batch';
import { hashSecret } from '../modules/auth/password';

export const DEMO_ADMIN_USERNAME = 'admin';
export const DEMO_MANAGER = { username: 'gerant', displayName: 'Hélène Girard (gérante)', pin: '9999' };

export interface DemoSeedResult {
  storeId: string;
  /** false when the demo store was already there (nothing was written but, if asked, the admin password). */
  created: boolean;
}

/**
 * The demo shop: a Paris épicerie-boulangerie with ~200 products (EAN-13 barcodes, the four
 * French VAT rates), stock for each, customers, an admin, a manager and three cashiers with PINs.
 * Idempotent: when the demo store exists, it is kept as is; `resetAdminPassword` then only updates
 * the admin's and manager's passwords (used when the credentials file was lost).
 */
export async function seedDemo(
  db: Kysely<CentralDb>,
  opts: { adminPassword: string; managerPassword: string; resetAdminPassword?: boolean; clock?: () => Date },
): Promise<DemoSeedResult> {
  const now = (opts.clock ?? (() => new Date()))().toISOString();
  const existing = await db.selectFrom('stores').select('id').where('id', '=', DEMO_STORE.id).executeTakeFirst();
  if (existing) {
    if (opts.resetAdminPassword) {
      const [admin, manager] = await Promise.all([hashSecret(opts.adminPassword), hashSecret(opts.managerPassword)]);
      await db.updateTable('users').set({ password_hash: admin }).where('username', '=', DEMO_ADMIN_USERNAME).execute();
      await db.updateTable('users').set({ password_hash: manager }).where('username', '=', DEMO_MANAGER.username).execute();
    }
    return { storeId: DEMO_STORE.id, created: false };
  }
  const [adminHash, managerHash, managerPin, ...cashierPins] = await Promise.all([
    hashSecret(opts.adminPassword),
    hashSecret(opts.managerPassword),
    hashSecret(DEMO_MANAGER.pin),
    ...DEMO_CASHIERS.map((c) => hashSecret(c.pin)),
  ]);
  const products = demoProducts();
  await db.transaction().execute(async (trx) => {
    const v = await nextChangeVersion(trx);
    await trx.insertInto('stores').values({ ...DEMO_STORE, change_version: v }).execute();
    await insertChunked(
      trx,
      'products',
      products.map((p) => ({
        sku: p.sku,
        label: p.label,
        price_cents: p.priceCents,
        vat_rate: p.vatRate,
        category: p.category,
        active: 1,
        change_version: v,
        updated_at: now,
      })),
    );
    await insertChunked(trx, 'barcodes', products.map((p) => ({ code: p.barcode, sku: p.sku })));
    await insertChunked(trx, 'stock_levels', products.map((p) => ({ store_id: DEMO_STORE.id, sku: p.sku, quantity: p.stock })));
    await insertChunked(
      trx,
      'stock_movements',
      products.map((p, i) => ({
        id: `demo-reception-${i + 1}`,
        store_id: DEMO_STORE.id,
        sku: p.sku,
        delta: p.stock,
        reason: 'reception' as const,
        register_id: null,
        ticket_number: null,
        created_at: now,
      })),
    );
    await insertChunked(
      trx,
      'customers',
      DEMO_CUSTOMERS.map((c) => ({ ...c, store_id: DEMO_STORE.id, active: 1, change_version: v })),
    );
    await trx
      .insertInto('users')
      .values([
        { id: 'demo-admin', username: DEMO_ADMIN_USERNAME, display_name: 'Administrateur', role: 'admin', password_hash: adminHash!, pin_hash: null, store_id: null, active: 1, change_version: v },
        { id: 'demo-manager', username: DEMO_MANAGER.username, display_name: DEMO_MANAGER.displayName, role: 'manager', password_hash: managerHash!, pin_hash: managerPin!, store_id: DEMO_STORE.id, active: 1, change_version: v },
        ...DEMO_CASHIERS.map((c, i) => ({
          id: c.id,
          username: c.login,
          display_name: c.displayName,
          role: 'cashier' as const,
          password_hash: null,
          pin_hash: cashierPins[i]!,
          store_id: DEMO_STORE.id,
          active: 1,
          change_version: v,
        })),
      ])
      .execute();
  });
  return { storeId: DEMO_STORE.id, created: true };
}
