import { ComptoirError, type CreateProductRequest, type PatchProductRequest, type Product } from '@comptoir/protocol';
import { nowIso, type Ctx } from '../../context';
import { nextChangeVersion } from '../../db/change-version';
import type { ProductRow } from '../../db/schema';
import { barcodesOf, findProduct, findProducts } from './product.repository';

export function toProduct(r: ProductRow, barcodes: string[]): Product {
  return {
    sku: r.sku,
    label: r.label,
    priceCents: Number(r.price_cents),
    vatRate: Number(r.vat_rate),
    category: r.category,
    barcodes,
    openPrice: r.open_price_max_cents !== null,
    openPriceMaxCents: openPriceCap(r),
    mealVoucherEligible: mealVoucherEligible(r),
  };
}

/** Meal vouchers may pay for it (food, §24); an integer column (a string on some drivers). */
export function mealVoucherEligible(r: Pick<ProductRow, 'meal_voucher_eligible'>): boolean {
  return Number(r.meal_voucher_eligible) === 1;
}

/** The cap of an open-price item (bigint: a string on PostgreSQL), null for a product at its catalog price. */
export function openPriceCap(r: Pick<ProductRow, 'open_price_max_cents'>): number | null {
  return r.open_price_max_cents === null ? null : Number(r.open_price_max_cents);
}

export async function listProducts(
  ctx: Ctx,
  query: { limit: number; offset: number; q?: string | undefined },
): Promise<{ items: Product[]; total: number }> {
  const { rows, total } = await findProducts(ctx, { q: query.q }, query.limit, query.offset);
  const codes = await barcodesOf(ctx, rows.map((r) => r.sku));
  return { items: rows.map((r) => toProduct(r, codes.get(r.sku) ?? [])), total };
}

export async function getProduct(ctx: Ctx, sku: string): Promise<Product> {
  const row = await findProduct(ctx, sku);
  if (!row) throw new ComptoirError('NOT_FOUND', `Unknown product ${sku}`, { sku });
  const codes = await barcodesOf(ctx, [sku]);
  return toProduct(row, codes.get(sku) ?? []);
}

/** New product (and its barcodes) under a new change version, so registers pull it. */
export async function createProduct(ctx: Ctx, req: CreateProductRequest): Promise<Product> {
  const barcodes = [...new Set(req.barcodes)];
  return ctx.db.transaction().execute(async (trx) => {
    const existing = await trx.selectFrom('products').select('sku').where('sku', '=', req.sku).executeTakeFirst();
    if (existing) throw new ComptoirError('CONFLICT', `Product ${req.sku} already exists`, { sku: req.sku });
    if (barcodes.length > 0) {
      const taken = await trx.selectFrom('barcodes').select(['code', 'sku']).where('code', 'in', barcodes).execute();
      if (taken.length > 0) throw new ComptoirError('CONFLICT', `Barcode ${taken[0]!.code} already belongs to ${taken[0]!.sku}`, { taken });
    }
    const version = await nextChangeVersion(trx);
    await trx
      .insertInto('products')
      .values({
        sku: req.sku,
        label: req.label,
        price_cents: req.priceCents,
        vat_rate: req.vatRate,
        category: req.category,
        open_price_max_cents: req.openPriceMaxCents,
        meal_voucher_eligible: req.mealVoucherEligible ? 1 : 0,
        active: 1,
        change_version: version,
        updated_at: nowIso(ctx),
      })
      .execute();
    if (barcodes.length > 0) await trx.insertInto('barcodes').values(barcodes.map((code) => ({ code, sku: req.sku }))).execute();
    return getProduct({ ...ctx, db: trx }, req.sku);
  });
}

/** Price or label change: a new change version (the registers' next `changes` pull carries it). */
export async function patchProduct(ctx: Ctx, sku: string, req: PatchProductRequest): Promise<Product> {
  return ctx.db.transaction().execute(async (trx) => {
    const version = await nextChangeVersion(trx);
    const res = await trx
      .updateTable('products')
      .set({
        ...(req.priceCents !== undefined ? { price_cents: req.priceCents } : {}),
        ...(req.label !== undefined ? { label: req.label } : {}),
        change_version: version,
        updated_at: nowIso(ctx),
      })
      .where('sku', '=', sku)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new ComptoirError('NOT_FOUND', `Unknown product ${sku}`, { sku });
    return getProduct({ ...ctx, db: trx }, sku);
  });
}
