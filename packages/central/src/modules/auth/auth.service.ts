import { ComptoirError, type AdminLoginRequest, type LoginResponse } from '@comptoir/protocol';
import type { Ctx, Principal } from '../../context';
import { deleteSession, findRegisterByTokenHash, findSessionUser, findUserByUsername, insertSession, deleteExpiredSessions } from './auth.repository';
import { hashSecret, newToken, sha256Hex, verifySecret } from './password';
import { attemptFailed, attemptSucceeded, beginAttempt } from './login-throttle.service';

export const SESSION_TTL_MS = 12 * 3600 * 1000;

// A hash of nothing anyone knows: verified when the user does not exist, so that the answer takes
// the same time whether the username exists or not.
let decoyHash: Promise<string> | undefined;

/**
 * Back-office login, throttled per account and per client address (`login-throttle.service.ts`):
 * after 5 consecutive failures, 429 even for the right password. The token is returned once; only
 * its sha256 is stored (any instance can check it).
 */
export async function login(ctx: Ctx, req: AdminLoginRequest, address: string | undefined): Promise<LoginResponse> {
  const attempt = await beginAttempt(ctx, address ? [`login:${req.username}`, `addr:${address}`] : [`login:${req.username}`], { provisional: true });
  const user = await findUserByUsername(ctx, req.username);
  decoyHash ??= hashSecret(newToken('cu'));
  const ok = await verifySecret(req.password, user?.password_hash ?? (await decoyHash));
  if (!user || !ok || user.active !== 1) {
    await attemptFailed(ctx, attempt);
    throw new ComptoirError('INVALID_CREDENTIALS', 'Unknown user or wrong password');
  }
  await attemptSucceeded(ctx, attempt);
  const token = newToken('cu');
  const now = ctx.clock();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS).toISOString();
  await deleteExpiredSessions(ctx, now.toISOString());
  await insertSession(ctx, sha256Hex(token), user.id, expiresAt);
  return { token, role: user.role, expiresAt };
}

/** `POST /api/auth/logout`: ends the caller's own session (its other sessions stay). */
export async function logout(ctx: Ctx, token: string): Promise<void> {
  await deleteSession(ctx, sha256Hex(token));
}

/** Resolves a bearer token to who is calling; null when unknown, expired or deactivated. */
export async function authenticate(ctx: Ctx, token: string): Promise<Principal | null> {
  const hash = sha256Hex(token);
  if (token.startsWith('cr_')) {
    // Known to this instance: no database read (forgotten on revocation and re-enrolment, modules/fleet/presence.ts).
    const known = ctx.presence?.registerOfToken(hash);
    if (known) return { kind: 'register', ...known };
    const stamp = ctx.presence?.stamp() ?? 0;
    const reg = await findRegisterByTokenHash(ctx, hash);
    if (reg?.revoked_at) throw new ComptoirError('UNAUTHENTICATED', `This register was revoked at ${reg.revoked_at}: an admin issues a new enrolment code to re-enrol it`);
    if (!reg) return null;
    ctx.presence?.rememberToken(hash, { registerId: reg.id, storeId: reg.store_id }, stamp);
    return { kind: 'register', registerId: reg.id, storeId: reg.store_id };
  }
  if (!token.startsWith('cu_')) return null;
  const session = await findSessionUser(ctx, hash);
  if (!session || session.active !== 1 || session.expires_at <= ctx.clock().toISOString()) return null;
  return { kind: 'user', userId: session.id, role: session.role, storeId: session.store_id };
}
