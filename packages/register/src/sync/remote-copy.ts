import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { ComptoirError, REMOTE_COPY_MAX_SKEW_MS, RemoteCopyHeaders, remoteCopySigningString } from '@comptoir/protocol';
import type { RegisterContext } from '../context';

/** A copy asked by central (prepare-outage, docs/architecture.md §5): see verifyCentralCall. */
export function verifyRemoteCopy(ctx: RegisterContext, headers: Record<string, string | string[] | undefined>): void {
  verifyCentralCall(ctx, headers, remoteCopySigningString);
}

/**
 * Authenticates a call central makes to this register (a copy, an invoice asked by the back office),
 * signed over `signingString(registerId, timestamp)`. The key is sha256(hex) of this
 * register's bearer token — central stores exactly that hash, the register holds the token — so
 * only central (or the register itself) can sign, and the token never travels. Checks: headers
 * well-formed (else 400), addressed to this register, timestamp within ±REMOTE_COPY_MAX_SKEW_MS,
 * HMAC equal in constant time (else 401). A replay inside the window only repeats an idempotent call (one more copy; the same invoice).
 */
export function verifyCentralCall(
  ctx: RegisterContext,
  headers: Record<string, string | string[] | undefined>,
  signingString: (registerId: string, timestamp: string) => string,
): void {
  const id = ctx.identity;
  if (!id) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const h = RemoteCopyHeaders.safeParse(headers);
  if (!h.success) {
    throw new ComptoirError('UNAUTHENTICATED', 'Missing or malformed x-comptoir-register / x-comptoir-timestamp / x-comptoir-signature headers');
  }
  const { 'x-comptoir-register': registerId, 'x-comptoir-timestamp': timestamp, 'x-comptoir-signature': signature } = h.data;
  if (registerId !== id.registerId) throw new ComptoirError('FORBIDDEN', `This is register ${id.registerId}, not ${registerId}`);
  const skew = Math.abs(ctx.now().getTime() - Date.parse(timestamp));
  if (!(skew <= REMOTE_COPY_MAX_SKEW_MS)) throw new ComptoirError('UNAUTHENTICATED', `Timestamp ${timestamp} is outside the accepted window`);
  const key = createHash('sha256').update(id.token).digest('hex');
  const expected = createHmac('sha256', key).update(signingString(registerId, timestamp)).digest();
  const got = Buffer.from(signature, 'hex');
  if (got.length !== expected.length || !timingSafeEqual(got, expected)) throw new ComptoirError('UNAUTHENTICATED', 'Bad signature');
}
