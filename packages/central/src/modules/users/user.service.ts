import { randomUUID } from 'node:crypto';
import { ComptoirError, type CreateUserRequest, type UserSummary } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { nextChangeVersion } from '../../db/change-version';
import type { UserRow } from '../../db/schema';
import { hashSecret } from '../auth/password';
import { resolveStoreId } from '../stores/store.service';

export function toUserSummary(r: UserRow): UserSummary {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    storeId: r.store_id,
    active: r.active === 1,
    hasPin: r.pin_hash !== null,
  };
}

/**
 * New user. Cashiers get a PIN (copied, hashed, to the registers of their store) and are bound to a
 * store (default: the only/first store); admins and managers need a password, a PIN is optional.
 */
export async function createUser(ctx: Ctx, req: CreateUserRequest): Promise<UserSummary> {
  const storeId = req.role === 'cashier' || req.storeId ? await resolveStoreId(ctx, req.storeId) : null;
  const [passwordHash, pinHash] = await Promise.all([
    req.password !== undefined ? hashSecret(req.password) : null,
    req.pin !== undefined ? hashSecret(req.pin) : null,
  ]);
  return ctx.db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom('users').select('id').where('username', '=', req.username).executeTakeFirst();
    if (taken) throw new ComptoirError('CONFLICT', `Username ${req.username} is taken`, { username: req.username });
    const row: UserRow = {
      id: randomUUID(),
      username: req.username,
      display_name: req.displayName,
      role: req.role,
      password_hash: passwordHash,
      pin_hash: pinHash,
      store_id: storeId,
      active: 1,
      change_version: await nextChangeVersion(trx),
    };
    await trx.insertInto('users').values(row).execute();
    return toUserSummary(row);
  });
}

export async function listUsers(ctx: Ctx): Promise<{ items: UserSummary[]; total: number }> {
  const rows = await ctx.db.selectFrom('users').selectAll().orderBy('username').execute();
  return { items: rows.map(toUserSummary), total: rows.length };
}
