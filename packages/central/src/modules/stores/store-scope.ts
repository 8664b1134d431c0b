import { sql } from 'kysely';
import { ComptoirError } from '@comptoir/protocol';
import type { Ctx, Principal, StoreScope } from '../../context';

// The one rule of who sees which store on central (issue 9), computed once per request into
// `ctx.scope` and used by every service that reads or writes a store's objects:
// - an admin sees every store;
// - a manager (or any other back-office user) sees only the store their account belongs to, and a
//   manager with no store sees nothing (never "all stores");
// - an enrolled register sees its own store;
// - internal work with no caller (jobs, seeds) sees every store.
// A list is filtered to the scope; another store's object is answered 404 (as if it did not exist);
// naming another store explicitly (`?storeId=`, `/api/stores/:id/…`) is 403.

export const ALL_STORES: StoreScope = { kind: 'all' };

export function scopeOf(principal: Principal | undefined): StoreScope {
  if (!principal) return ALL_STORES;
  if (principal.kind === 'register') return { kind: 'store', storeId: principal.storeId };
  if (principal.role === 'admin') return ALL_STORES;
  return principal.storeId ? { kind: 'store', storeId: principal.storeId } : { kind: 'none' };
}

function scope(ctx: Pick<Ctx, 'scope'>): StoreScope {
  return ctx.scope ?? ALL_STORES;
}

export function seesStore(ctx: Pick<Ctx, 'scope'>, storeId: string): boolean {
  const s = scope(ctx);
  return s.kind === 'all' || (s.kind === 'store' && s.storeId === storeId);
}

/** The caller's own store when the scope is one store (the default of a manager's requests). */
export function ownStoreId(ctx: Pick<Ctx, 'scope'>): string | null | undefined {
  const s = scope(ctx);
  return s.kind === 'store' ? s.storeId : s.kind === 'none' ? null : undefined;
}

/** 403 when the caller named a store outside their scope. */
export function assertStoreNamed(ctx: Pick<Ctx, 'scope'>, storeId: string): void {
  if (!seesStore(ctx, storeId)) throw new ComptoirError('FORBIDDEN', 'A manager may see and change only their own store', { storeId });
}

/** 404 (as if absent) when an object of another store is asked for by its id. */
export function assertStoreObject(ctx: Pick<Ctx, 'scope'>, storeId: string | null | undefined, notFound: () => ComptoirError): void {
  if (storeId == null || !seesStore(ctx, storeId)) throw notFound();
}

/** Restricts a query to the scope's store(s): `column` holds a store id. */
export function whereStoreIn<Q>(ctx: Pick<Ctx, 'scope'>, qb: Q, column: string): Q {
  const s = scope(ctx);
  const q = qb as unknown as { where: (...a: unknown[]) => unknown };
  if (s.kind === 'all') return qb;
  if (s.kind === 'none') return q.where(sql<boolean>`1 = 0`) as Q;
  return q.where(column, '=', s.storeId) as Q;
}

/** Restricts a query to the registers of the scope's store(s): `column` holds a register id. */
export function whereRegisterIn<Q>(ctx: Ctx, qb: Q, column: string): Q {
  const s = scope(ctx);
  const q = qb as unknown as { where: (...a: unknown[]) => unknown };
  if (s.kind === 'all') return qb;
  if (s.kind === 'none') return q.where(sql<boolean>`1 = 0`) as Q;
  return q.where(column, 'in', ctx.db.selectFrom('registers').select('id').where('store_id', '=', s.storeId)) as Q;
}

/** 404 for a register that does not exist or belongs to another store; answers its store. */
export async function assertRegisterInScope(ctx: Ctx, registerId: string): Promise<string> {
  const r = await ctx.db.selectFrom('registers').select('store_id').where('id', '=', registerId).executeTakeFirst();
  const notFound = () => new ComptoirError('NOT_FOUND', `Unknown register ${registerId}`, { registerId });
  assertStoreObject(ctx, r?.store_id, notFound);
  return r!.store_id;
}
