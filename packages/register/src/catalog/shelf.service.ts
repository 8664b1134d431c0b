import { ComptoirError, type LocalProduct, type ShelfCategory } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { toLocalProduct, type ProductRowWithStock } from './local-product';

// The cashier screen's shelves and scans, answered from the SOS copy (same connected or autonomous).
// Invariant: a scan lookup is two indexed point reads (SKU primary key, then barcode primary key):
// its cost does not grow with the catalog.

const COLUMNS = 'p.sku, p.label, p.price_cents, p.vat_rate, p.category, p.barcodes, s.quantity, p.open_price_max_cents, p.meal_voucher_eligible';

export function createShelfService(ctx: RegisterContext) {
  const bySku = ctx.sqlite.prepare<[string], ProductRowWithStock>(
    `SELECT ${COLUMNS} FROM products p LEFT JOIN stock_levels s ON s.sku = p.sku WHERE p.sku = ? AND p.active = 1`,
  );
  const byBarcode = ctx.sqlite.prepare<[string], ProductRowWithStock>(
    `SELECT ${COLUMNS} FROM barcodes b JOIN products p ON p.sku = b.sku LEFT JOIN stock_levels s ON s.sku = p.sku
     WHERE b.code = ? AND p.active = 1 ORDER BY p.sku LIMIT 1`,
  );
  const categories = ctx.sqlite.prepare<[], { name: string; n: number }>(
    'SELECT category AS name, count(*) AS n FROM products WHERE active = 1 GROUP BY category ORDER BY category',
  );
  const inCategory = ctx.sqlite.prepare<[string, number, number], ProductRowWithStock>(
    `SELECT ${COLUMNS} FROM products p LEFT JOIN stock_levels s ON s.sku = p.sku
     WHERE p.category = ? AND p.active = 1 ORDER BY p.label, p.sku LIMIT ? OFFSET ?`,
  );
  const countInCategory = ctx.sqlite.prepare<[string], { n: number }>(
    'SELECT count(*) AS n FROM products WHERE category = ? AND active = 1',
  );

  return {
    /** Exact SKU, else exact barcode; unknown or inactive → 404 NOT_FOUND (a scan of a foreign code). */
    byCode(code: string): LocalProduct {
      const row = bySku.get(code) ?? byBarcode.get(code);
      if (!row) throw new ComptoirError('NOT_FOUND', `Unknown product code: ${code}`, { code });
      return toLocalProduct(row);
    },
    categories(): { items: ShelfCategory[]; total: number } {
      const items = categories.all().map((r) => ({ name: r.name, productCount: r.n }));
      return { items, total: items.length };
    },
    productsIn(category: string, page: { limit: number; offset: number }): { items: LocalProduct[]; total: number } {
      return {
        items: inCategory.all(category, page.limit, page.offset).map(toLocalProduct),
        total: countInCategory.get(category)!.n,
      };
    },
  };
}
