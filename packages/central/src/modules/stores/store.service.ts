import { ComptoirError } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { assertStoreNamed, ownStoreId } from './store-scope';

/**
 * The store a request is about, within the caller's scope (store-scope.ts): the given one (must
 * exist; another store than the caller's is 403), else the caller's own store, else (an admin, or
 * internal work) the only/first store. A manager with no store is refused.
 */
export async function resolveStoreId(ctx: Ctx, storeId?: string | null): Promise<string> {
  const own = ownStoreId(ctx);
  if (own === null) throw new ComptoirError('FORBIDDEN', 'This account belongs to no store: it sees no store');
  if (storeId) {
    assertStoreNamed(ctx, storeId);
    const row = await ctx.db.selectFrom('stores').select('id').where('id', '=', storeId).executeTakeFirst();
    if (!row) throw new ComptoirError('NOT_FOUND', `Unknown store ${storeId}`, { storeId });
    return row.id;
  }
  if (own !== undefined) return own;
  const first = await ctx.db.selectFrom('stores').select('id').orderBy('id').limit(1).executeTakeFirst();
  if (!first) throw new ComptoirError('NOT_FOUND', 'No store yet: create or seed one first');
  return first.id;
}
