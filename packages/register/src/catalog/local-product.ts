import type { LocalProduct } from '@comptoir/protocol';

/** A product of the SOS copy joined with its local stock level (null when the copy has none). */
export type ProductRowWithStock = {
  sku: string;
  label: string;
  price_cents: number;
  vat_rate: number;
  category: string;
  /** JSON array of barcodes. */
  barcodes: string;
  quantity: number | null;
};

export function toLocalProduct(r: ProductRowWithStock): LocalProduct {
  return {
    sku: r.sku,
    label: r.label,
    priceCents: r.price_cents,
    vatRate: r.vat_rate,
    category: r.category,
    barcodes: JSON.parse(r.barcodes) as string[],
    stock: r.quantity ?? null,
  };
}
