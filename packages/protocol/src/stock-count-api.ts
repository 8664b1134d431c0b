import { z } from 'zod';
import { Id, IsoDateTime, Sku } from './common';

// The stock count (inventaire) of one category of one store (issue 12 item 8, docs/architecture.md
// §21): a count sheet frozen at start, counted quantities saved as they are entered, then posted as
// ONE adjustment document. The back office imports these types; central validates with them.

const Page = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
};

/** A counted quantity: whole units, never negative (a shelf holds 0 or more). */
export const CountedQuantity = z.number().int().min(0).max(1_000_000);

export const StockCountStatus = z.enum(['open', 'posted']);
export type StockCountStatus = z.infer<typeof StockCountStatus>;

export const StartStockCountRequest = z.object({
  storeId: Id.optional(),
  category: z.string().trim().min(1).max(100),
});
export type StartStockCountRequest = z.infer<typeof StartStockCountRequest>;

/** Partial saves: only the lines sent change; `counted: null` clears a line. Each SKU once. */
export const SaveStockCountRequest = z.object({
  lines: z
    .array(z.object({ sku: Sku, counted: CountedQuantity.nullable() }))
    .min(1)
    .max(2000)
    .refine((lines) => new Set(lines.map((l) => l.sku)).size === lines.length, 'each SKU at most once'),
});
export type SaveStockCountRequest = z.infer<typeof SaveStockCountRequest>;

export const StockCountLine = z.object({
  sku: Sku,
  label: z.string(),
  /** The store's level of the product when the count started (frozen). */
  frozenQuantity: z.number().int(),
  /** Movements since the start: up to the line's count once counted (a ticket at its sale time), up to now before. */
  movedSinceStart: z.number().int(),
  /** frozenQuantity + movedSinceStart: what the shelf should hold when it was counted. */
  expected: z.number().int(),
  counted: z.number().int().nullable(),
  countedAt: IsoDateTime.nullable(),
  /** counted − expected (null while not counted). */
  difference: z.number().int().nullable(),
});
export type StockCountLine = z.infer<typeof StockCountLine>;

export const StockAdjustmentLine = z.object({ sku: Sku, expected: z.number().int(), counted: z.number().int(), delta: z.number().int() });
export const StockAdjustment = z.object({
  id: Id,
  countId: Id,
  storeId: Id,
  category: z.string(),
  postedAt: IsoDateTime,
  /** The back-office user who posted it (username). */
  postedBy: z.string(),
  /** Every line of the sheet, differences of 0 included (they are part of what was counted). */
  lines: z.array(StockAdjustmentLine),
});
export type StockAdjustment = z.infer<typeof StockAdjustment>;

const StockCountHead = {
  id: Id,
  storeId: Id,
  category: z.string(),
  status: StockCountStatus,
  startedAt: IsoDateTime,
  startedBy: z.string(),
  postedAt: IsoDateTime.nullable(),
  postedBy: z.string().nullable(),
  lineCount: z.number().int(),
  countedCount: z.number().int(),
};
export const StockCountSummary = z.object(StockCountHead);
export type StockCountSummary = z.infer<typeof StockCountSummary>;
export const StockCount = z.object({ ...StockCountHead, lines: z.array(StockCountLine), adjustment: StockAdjustment.nullable() });
export type StockCount = z.infer<typeof StockCount>;

export const StockCountsQuery = z.object({ storeId: Id.optional(), status: StockCountStatus.optional(), category: z.string().trim().max(100).optional(), ...Page });
export const StockCountsResponse = z.object({ items: z.array(StockCountSummary), total: z.number().int() });
export type StockCountsResponse = z.infer<typeof StockCountsResponse>;
