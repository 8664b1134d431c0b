import { openSqliteFile, sqliteKysely } from '@comptoir/db';
import { CHANGE_COUNTER, type CentralDb } from '@comptoir/central';

/**
 * Grows a (stopped or running) central SQLite database to `count` products, with one EAN-like
 * barcode and a stock level each, all under one new change version. Bench set-up only: a shop
 * loads its catalog through the API or a CSV import.
 */
export async function growCatalog(centralSqlite: string, storeId: string, count: number): Promise<void> {
  const db = sqliteKysely<CentralDb>(openSqliteFile(centralSqlite));
  try {
    await db.transaction().execute(async (trx) => {
      const { value } = await trx
        .updateTable('counters')
        .set((eb) => ({ value: eb('value', '+', 1) }))
        .where('name', '=', CHANGE_COUNTER)
        .returning('value')
        .executeTakeFirstOrThrow();
      const now = new Date().toISOString();
      const CHUNK = 2000;
      for (let start = 0; start < count; start += CHUNK) {
        const ids = Array.from({ length: Math.min(CHUNK, count - start) }, (_, k) => start + k);
        await trx.insertInto('products').values(ids.map((i) => ({
          sku: benchSku(i),
          label: `Article ${i}`,
          price_cents: 100 + (i % 5000),
          vat_rate: [2000, 1000, 550, 210][i % 4]!,
          category: `Rayon ${i % 40}`,
          active: 1,
          change_version: Number(value),
          updated_at: now,
        }))).execute();
        await trx.insertInto('barcodes').values(ids.map((i) => ({ code: benchBarcode(i), sku: benchSku(i) }))).execute();
        await trx.insertInto('stock_levels').values(ids.map((i) => ({ store_id: storeId, sku: benchSku(i), quantity: 1_000_000 }))).execute();
      }
    });
  } finally {
    await db.destroy();
  }
}

export const benchSku = (i: number) => `BENCH${String(i).padStart(6, '0')}`;
export const benchBarcode = (i: number) => `29${String(i).padStart(11, '0')}`;
export const benchPrice = (i: number) => 100 + (i % 5000);
