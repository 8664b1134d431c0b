import { createHash, randomBytes } from 'node:crypto';
import { ComptoirError, type CashierLoginRequest, type CashierLoginResponse } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { writeEvent } from '../chain/record-chain';
import { verifyPin } from './pin';

/** A logged-in cashier (from a session token). */
export interface Actor {
  cashierId: string;
  role: string;
  displayName: string;
}

const SESSION_MS = 12 * 60 * 60 * 1000;

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Cashier login against the SOS copy's PIN hashes: works offline. Sessions are stored hashed.
 * Phases: find the active cashier by login → scrypt check (slow on purpose) → session row → `login` event.
 */
export async function login(ctx: RegisterContext, req: CashierLoginRequest): Promise<CashierLoginResponse> {
  if (!ctx.identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const cashier = await ctx.db
    .selectFrom('cashiers')
    .select(['id', 'display_name', 'role', 'pin_hash'])
    .where('login', '=', req.login)
    .where('active', '=', 1)
    .executeTakeFirst();
  // Run scrypt even for an unknown login, so timing does not reveal which logins exist.
  const ok = await verifyPin(req.pin, cashier?.pin_hash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
  if (!cashier || !ok) throw new ComptoirError('INVALID_CREDENTIALS', 'Unknown login or wrong PIN');

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
  return { cashierId: row.cashier_id, role: row.role, displayName: row.display_name };
}
