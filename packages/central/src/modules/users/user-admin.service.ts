import { ComptoirError, type PatchUserRequest, type UserSummary } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { nextChangeVersion } from '../../db/change-version';
import type { UsersTable } from '../../db/schema';
import type { Updateable } from 'kysely';
import { hashSecret } from '../auth/password';
import { deleteSessionsOfUser } from '../auth/auth.repository';
import { resolveStoreId } from '../stores/store.service';
import { toUserSummary } from './user.service';

/**
 * Edit of a user (admin only). Secrets are hashed before the transaction and never returned
 * (the summary says `hasPin` only). Invariants: an admin cannot demote or deactivate themself (the
 * shop never loses its last way in by accident); a cashier always keeps a PIN. A new change version
 * carries a PIN change to the registers of the store. A change of password, PIN, role, store or a
 * deactivation ends the user's sessions at once (sessions are rows: every instance sees it).
 */
export async function patchUser(ctx: Ctx, id: string, req: PatchUserRequest): Promise<UserSummary> {
  const me = ctx.user?.kind === 'user' ? ctx.user.userId : null;
  if (me === id && ((req.role !== undefined && req.role !== 'admin') || req.active === false)) {
    throw new ComptoirError('CONFLICT', 'You cannot demote or deactivate yourself');
  }
  const storeId = req.storeId ? await resolveStoreId(ctx, req.storeId) : req.storeId;
  const [passwordHash, pinHash] = await Promise.all([
    req.password !== undefined ? hashSecret(req.password) : undefined,
    req.pin !== undefined ? hashSecret(req.pin) : undefined,
  ]);
  return ctx.db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!current) throw new ComptoirError('NOT_FOUND', `Unknown user ${id}`, { userId: id });
    const role = req.role ?? current.role;
    if (role === 'cashier' && pinHash === undefined && current.pin_hash === null) {
      throw new ComptoirError('VALIDATION', 'a cashier needs a PIN', { issues: [{ path: 'pin', message: 'a cashier needs a PIN' }] });
    }
    if (role !== 'cashier' && passwordHash === undefined && current.password_hash === null) {
      throw new ComptoirError('VALIDATION', 'an admin or manager needs a password', { issues: [{ path: 'password', message: 'required' }] });
    }
    const set: Updateable<UsersTable> = { change_version: await nextChangeVersion(trx) };
    if (req.displayName !== undefined) set.display_name = req.displayName;
    if (req.role !== undefined) set.role = req.role;
    if (passwordHash !== undefined) set.password_hash = passwordHash;
    if (pinHash !== undefined) set.pin_hash = pinHash;
    if (req.active !== undefined) set.active = req.active ? 1 : 0;
    if (storeId !== undefined) set.store_id = storeId;
    await trx.updateTable('users').set(set).where('id', '=', id).execute();
    const rightsChanged =
      passwordHash !== undefined || pinHash !== undefined || req.active === false ||
      (req.role !== undefined && req.role !== current.role) || (storeId !== undefined && storeId !== current.store_id);
    if (rightsChanged) await deleteSessionsOfUser({ ...ctx, db: trx }, id);
    return toUserSummary(await trx.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  });
}
