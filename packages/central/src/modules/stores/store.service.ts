import { ComptoirError } from '@comptoir/protocol';
import type { Ctx } from '../../context';

/** The store a request is about: the given one (must exist), else the only/first store. */
export async function resolveStoreId(ctx: Ctx, storeId?: string | null): Promise<string> {
  if (storeId) {
    const row = await ctx.db.selectFrom('stores').select('id').where('id', '=', storeId).executeTakeFirst();
    if (!row) throw new ComptoirError('NOT_FOUND', `Unknown store ${storeId}`, { storeId });
    return row.id;
  }
  const first = await ctx.db.selectFrom('stores').select('id').orderBy('id').limit(1).executeTakeFirst();
  if (!first) throw new ComptoirError('NOT_FOUND', 'No store yet: create or seed one first');
  return first.id;
}
