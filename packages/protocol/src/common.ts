import { z } from 'zod';

export const Id = z.string().min(1).max(64);
export const Cents = z.number().int().safe();
/** VAT rate in basis points: 2000 = 20 %. */
export const VatRate = z.number().int().min(0).max(10000);
/**
 * Cap of an open-price item (issue 12): the cashier types the price at the till, above 0 and at most
 * this; null (or absent) = a product sold at its catalog price. At most 1,000,000 € (a typing slip
 * of the owner is refused, not a till that takes any amount).
 */
export const OpenPriceMaxCents = z.number().int().min(1).max(100_000_000);
/** The open-price fields of a product write (create, full edit); `openPriceRule` ties them together. */
export const OpenPriceFields = {
  openPrice: z.boolean().default(false),
  openPriceMaxCents: OpenPriceMaxCents.nullable().default(null),
};
/** An open-price item needs its cap; a product at its catalog price has none. */
export function openPriceRule(p: { openPrice: boolean; openPriceMaxCents: number | null }, ctx: z.RefinementCtx): void {
  if (p.openPrice && p.openPriceMaxCents === null) ctx.addIssue({ code: 'custom', path: ['openPriceMaxCents'], message: 'an open-price item needs its cap' });
  if (!p.openPrice && p.openPriceMaxCents !== null) ctx.addIssue({ code: 'custom', path: ['openPriceMaxCents'], message: 'a cap is only for an open-price item' });
}
/**
 * Meal vouchers may pay for this item (food: Code du travail R3262-4, docs/architecture.md §24).
 * Default true: every item of a shop that never sets it stays payable in vouchers, as before.
 */
export const MealVoucherEligibleField = { mealVoucherEligible: z.boolean().default(true) };
export const IsoDateTime = z.iso.datetime({ offset: true });
/** A calendar day, YYYY-MM-DD, that exists (2025-02-30 is refused, never rolled over to March). */
export const IsoDay = z.iso.date({ error: 'a date YYYY-MM-DD that exists' });
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
