import type { Ctx } from '../../context';

export function findUserByUsername(ctx: Ctx, username: string) {
  return ctx.db.selectFrom('users').selectAll().where('username', '=', username).executeTakeFirst();
}

export async function insertSession(ctx: Ctx, tokenHash: string, userId: string, expiresAt: string): Promise<void> {
  await ctx.db.insertInto('sessions').values({ token_hash: tokenHash, user_id: userId, expires_at: expiresAt }).execute();
}

export function findSessionUser(ctx: Ctx, tokenHash: string) {
  return ctx.db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.role', 'users.store_id', 'users.active', 'sessions.expires_at'])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
}

export function findRegisterByTokenHash(ctx: Ctx, tokenHash: string) {
  return ctx.db.selectFrom('registers').select(['id', 'store_id', 'revoked_at']).where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function deleteExpiredSessions(ctx: Ctx, now: string): Promise<void> {
  await ctx.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
}

export async function deleteSession(ctx: Ctx, tokenHash: string): Promise<void> {
  await ctx.db.deleteFrom('sessions').where('token_hash', '=', tokenHash).execute();
}

/** Ends every session of a user (the sessions are rows: every central instance sees it at once). */
export async function deleteSessionsOfUser(ctx: Ctx, userId: string): Promise<void> {
  await ctx.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}
