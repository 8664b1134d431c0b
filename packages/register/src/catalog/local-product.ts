import type { LocalProduct } from '@comptoir/protocol';
import type { ProductTable } from '../db/schema';

/** A product of the SOS copy joined with its local stock level (null when the copy has none). */
export type ProductRowWithStock = Omit<ProductTable, 'active'> & { quantity: number | null };

export function toLocalProduct(r: ProductRowWithStock): LocalProduct {
  return {
    sku: r.sku,
    label: r.label,
    priceCents: r.price_cents,
    vatRate: r.vat_rate,
    category: r.category,
    barcodes: JSON.parse(r.barcodes) as string[],
    stock: r.quantity ?? null,
    openPriceMaxCents: r.open_price_max_cents ?? null,
    mealVoucherEligible: r.meal_voucher_eligible !== 0,
  };
}
