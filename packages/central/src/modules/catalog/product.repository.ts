import type { Ctx } from '../../context';
import type { ProductRow } from '../../db/schema';

export interface ProductFilter {
  q?: string | undefined;
  activeOnly?: boolean;
}

function filtered(ctx: Ctx, f: ProductFilter) {
  let q = ctx.db.selectFrom('products');
  if (f.activeOnly !== false) q = q.where('active', '=', 1);
  if (f.q) {
    // LIKE wildcards are dropped from the search text (SQLite has no default escape character).
    const pattern = `%${f.q.toLowerCase().replace(/[\\%_]/g, '')}%`;
    const code = f.q;
    q = q.where((eb) =>
      eb.or([
        eb(eb.fn('lower', ['label']), 'like', pattern),
        eb(eb.fn('lower', ['sku']), 'like', pattern),
        eb('sku', 'in', eb.selectFrom('barcodes').select('barcodes.sku').where('barcodes.code', '=', code)),
      ]),
    );
  }
  return q;
}

export async function findProducts(ctx: Ctx, f: ProductFilter, limit: number, offset: number): Promise<{ rows: ProductRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    filtered(ctx, f).selectAll().orderBy('sku').limit(limit).offset(offset).execute(),
    filtered(ctx, f).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

export function findProduct(ctx: Ctx, sku: string) {
  return ctx.db.selectFrom('products').selectAll().where('sku', '=', sku).executeTakeFirst();
}

/** Barcodes of the given products, grouped by sku (one query). */
export async function barcodesOf(ctx: Ctx, skus: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (skus.length === 0) return out;
  for (let i = 0; i < skus.length; i += 10000) {
    const rows = await ctx.db
      .selectFrom('barcodes')
      .select(['sku', 'code'])
      .where('sku', 'in', skus.slice(i, i + 10000))
      .orderBy('code')
      .execute();
    for (const r of rows) {
      const list = out.get(r.sku);
      if (list) list.push(r.code);
      else out.set(r.sku, [r.code]);
    }
  }
  return out;
}

export async function allBarcodes(ctx: Ctx): Promise<Map<string, string[]>> {
  const rows = await ctx.db.selectFrom('barcodes').select(['sku', 'code']).orderBy('code').execute();
  const out = new Map<string, string[]>();
  for (const r of rows) {
    const list = out.get(r.sku);
    if (list) list.push(r.code);
    else out.set(r.sku, [r.code]);
  }
  return out;
}
