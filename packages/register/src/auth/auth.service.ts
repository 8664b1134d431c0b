import { createHash, randomBytes } from 'node:crypto';
import { ComptoirError, type CashierLoginRequest, type CashierLoginResponse } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { writeEvent } from '../chain/record-chain';
import { attemptFailed, attemptSucceeded, beginAttempt, throttleKeys } from './login-throttle.service';
import { verifyPin } from './pin';

/** A logged-in cashier (from a session token). */
export interface Actor {
  cashierId: string;
  login: string;
  role: string;
  displayName: string;
}

export type CashierRow = { id: string; login: string; display_name: string; role: string };

const DECOY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

/**
 * Checks a login and PIN against the SOS copy (works offline), throttled per account and per
 * client address (login-throttle.service.ts): 429 while locked, whatever the PIN. Null when the
 * login is unknown or the PIN wrong (counted as a failure). Used by login and by approvals.
 */
export async function checkPin(
  ctx: RegisterContext,
  login: string,
  pin: string,
  address: string | undefined,
): Promise<CashierRow | null> {
  const attempt = beginAttempt(ctx, throttleKeys(login, address));
  const cashier = await ctx.db
    .selectFrom('cashiers')
    .select(['id', 'login', 'display_name', 'role', 'pin_hash'])
    .where('login', '=', login)
    .where('active', '=', 1)
    .executeTakeFirst();
  // Run scrypt even for an unknown login, so timing does not reveal which logins exist.
  const ok = await verifyPin(pin, cashier?.pin_hash ?? DECOY_HASH);
  if (!cashier || !ok) {
    writeEvent(ctx, 'login_failed', { login: login.slice(0, 64), address: address ?? null });
    attemptFailed(ctx, attempt);
    return null;
  }
  attemptSucceeded(ctx, attempt);
  return { id: cashier.id, login: cashier.login, display_name: cashier.display_name, role: cashier.role };
}

const SESSION_MS = 12 * 60 * 60 * 1000;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Cashier login against the SOS copy's PIN hashes: works offline. Sessions are stored hashed.
 * Phases: throttle check → find the active cashier by login → scrypt check (slow on purpose) →
 * session row → `login` event. `address` is the client's (per-address throttling).
 */
export async function login(ctx: RegisterContext, req: CashierLoginRequest, address?: string): Promise<CashierLoginResponse> {
  if (!ctx.identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const cashier = await checkPin(ctx, req.login, req.pin, address);
  if (!cashier) throw new ComptoirError('INVALID_CREDENTIALS', 'Unknown login or wrong PIN');

  const token = randomBytes(32).toString('base64url');
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + SESSION_MS).toISOString();
  await ctx.db
    .insertInto('sessions')
    .values({ token_hash: hashToken(token), cashier_id: cashier.id, created_at: now.toISOString(), expires_at: expiresAt })
    .execute();
  writeEvent(ctx, 'login', { cashierId: cashier.id });
  return {
    token,
    cashierId: cashier.id,
    displayName: cashier.display_name,
    role: cashier.role as CashierLoginResponse['role'],
    expiresAt,
  };
}

/** Resolves `Authorization: Bearer <token>` to a cashier; throws UNAUTHENTICATED otherwise. */
export function authenticate(ctx: RegisterContext, authorization: string | undefined): Actor {
  if (!ctx.identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const m = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  if (!m) throw new ComptoirError('UNAUTHENTICATED', 'A cashier session token is required');
  const row = ctx.q.sessionByHash.get(hashToken(m[1]!), ctx.now().toISOString());
  if (!row) throw new ComptoirError('UNAUTHENTICATED', 'Session unknown or expired');
  return { cashierId: row.cashier_id, login: row.login, role: row.role, displayName: row.display_name };
}
