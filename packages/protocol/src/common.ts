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

/** One invalid field of a 400 VALIDATION answer (`details.issues`): its dot path ('' = the whole part) and why. */
export const ValidationIssue = z.object({ path: z.string(), message: z.string() });
export type ValidationIssue = z.infer<typeof ValidationIssue>;

/** Every error answer of both servers. */
export const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()).optional() }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;

/** Path parameters shared by several routes. */
export const IdParams = z.object({ id: Id });
export const SkuParams = z.object({ sku: Sku });
/** A ticket (or any record) of a register's chain: `/:registerId/:number`. */
export const TicketKeyParams = z.object({ registerId: Id, number: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
