import { z } from 'zod';

export const Id = z.string().min(1).max(64);
export const Cents = z.number().int().safe();
/** VAT rate in basis points: 2000 = 20 %. */
export const VatRate = z.number().int().min(0).max(10000);
export const IsoDateTime = z.iso.datetime({ offset: true });
export const Sku = z.string().trim().min(1).max(64);

export const Pagination = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});
export type Pagination = z.infer<typeof Pagination>;

export function listOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int().nonnegative() });
}

export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
