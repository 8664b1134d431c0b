import { createHash } from 'node:crypto';
import type { RegisterContext } from '../context';
import { writeEvent } from '../chain/record-chain';
import type { Actor } from './auth.service';

/**
 * Logout (the screen's lock button or a cashier change): the session row is deleted, so the token
 * stops working at once, and a signed `logout` event (JET) is written.
 */
export function logout(ctx: RegisterContext, authorization: string, actor: Actor): void {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization)![1]!;
  ctx.sqlite.prepare('DELETE FROM sessions WHERE token_hash = ?').run(createHash('sha256').update(token).digest('hex'));
  writeEvent(ctx, 'logout', { cashierId: actor.cashierId });
}
