import { ComptoirError } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { resolveStoreId } from '../stores/store.service';

/** Stock of a product in a store (default: the only/first store); 0 when nothing was ever moved. */
export async function getStockLevel(ctx: Ctx, sku: string, storeId?: string): Promise<{ sku: string; storeId: string; quantity: number }> {
  const store = await resolveStoreId(ctx, storeId);
  const product = await ctx.db.selectFrom('products').select('sku').where('sku', '=', sku).executeTakeFirst();
  if (!product) throw new ComptoirError('NOT_FOUND', `Unknown product ${sku}`, { sku });
  const level = await ctx.db
    .selectFrom('stock_levels')
    .select('quantity')
    .where('store_id', '=', store)
    .where('sku', '=', sku)
    .executeTakeFirst();
  return { sku, storeId: store, quantity: Number(level?.quantity ?? 0) };
}
