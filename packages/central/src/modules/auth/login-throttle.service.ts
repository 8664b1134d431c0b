import { afterFailure, lockRemainingMs, NO_FAILURES, retryAfterSeconds, type ThrottleState } from '@comptoir/domain';
import { ComptoirError } from '@comptoir/protocol';
import type { Ctx } from '../../context';

/**
 * Login and enrolment throttling on central (domain `login-throttle`, the rule the register applies
 * to PINs), per account and per client address. The counters are rows of the central database
 * (`login_failures`), not process memory, so every central instance behind the load balancer and a
 * restarted one see the same locks — which is why this is not @fastify/rate-limit: its stores are
 * per process (or Redis, which Comptoir does not run), and it counts requests, where we must count
 * failures only (a store's tills enrol through one NAT address; successes never count).
 *
 * Phases of one attempt: `beginAttempt` — in ONE transaction (rows locked FOR UPDATE on PostgreSQL,
 * SQLite's writer lock otherwise), refuse with 429 TOO_MANY_ATTEMPTS + Retry-After if any key is
 * locked, else (when `provisional`) count the attempt as a failure up front, so parallel password
 * guesses cannot all pass before a failure is recorded → the caller checks the secret →
 * `attemptSucceeded` clears the keys, or `attemptFailed` counts it (when not provisional) and logs
 * each lock it caused.
 */
export type ThrottleKey = `login:${string}` | `addr:${string}` | `enrol:${string}`;

export interface Attempt {
  keys: ThrottleKey[];
  provisional: boolean;
  /** Keys the (provisional) failure locked. */
  lockedNow: { key: ThrottleKey; failures: number; lockedUntil: string }[];
}

type Row = { key: string; failures: number; locked_until: string | null };

async function lockedRows(ctx: Ctx, keys: ThrottleKey[], now: string): Promise<Map<string, ThrottleState>> {
  await ctx.db
    .insertInto('login_failures')
    .values(keys.map((key) => ({ key, failures: 0, locked_until: null, last_failure_at: now })))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  let q = ctx.db.selectFrom('login_failures').select(['key', 'failures', 'locked_until']).where('key', 'in', keys);
  if (ctx.dialect === 'postgres') q = q.forUpdate();
  const rows: Row[] = await q.execute();
  return new Map(rows.map((r) => [r.key, { failures: Number(r.failures), lockedUntil: r.locked_until }]));
}

async function countFailure(ctx: Ctx, keys: ThrottleKey[], states: Map<string, ThrottleState>, now: Date): Promise<Attempt['lockedNow']> {
  const lockedNow: Attempt['lockedNow'] = [];
  for (const key of keys) {
    const next = afterFailure(states.get(key) ?? NO_FAILURES, now);
    await ctx.db
      .updateTable('login_failures')
      .set({ failures: next.failures, locked_until: next.lockedUntil, last_failure_at: now.toISOString() })
      .where('key', '=', key)
      .execute();
    if (next.lockedUntil) lockedNow.push({ key, failures: next.failures, lockedUntil: next.lockedUntil });
  }
  return lockedNow;
}

export async function beginAttempt(ctx: Ctx, keys: ThrottleKey[], opts: { provisional: boolean }): Promise<Attempt> {
  return ctx.db.transaction().execute(async (trx) => {
    const tctx = { ...ctx, db: trx };
    const now = ctx.clock();
    const states = await lockedRows(tctx, keys, now.toISOString());
    const remaining = Math.max(0, ...[...states.values()].map((s) => lockRemainingMs(s, now)));
    if (remaining > 0) {
      throw new ComptoirError('TOO_MANY_ATTEMPTS', 'Too many failed attempts: try again later', { retryAfterSeconds: retryAfterSeconds(remaining) });
    }
    const lockedNow = opts.provisional ? await countFailure(tctx, keys, states, now) : [];
    return { keys, provisional: opts.provisional, lockedNow };
  });
}

export async function attemptSucceeded(ctx: Ctx, attempt: Attempt): Promise<void> {
  await ctx.db.deleteFrom('login_failures').where('key', 'in', attempt.keys).execute();
}

export async function attemptFailed(ctx: Ctx, attempt: Attempt): Promise<void> {
  let lockedNow = attempt.lockedNow;
  if (!attempt.provisional) {
    lockedNow = await ctx.db.transaction().execute(async (trx) => {
      const tctx = { ...ctx, db: trx };
      const now = ctx.clock();
      return countFailure(tctx, attempt.keys, await lockedRows(tctx, attempt.keys, now.toISOString()), now);
    });
  }
  for (const l of lockedNow) ctx.log.warn({ key: l.key, failures: l.failures, lockedUntil: l.lockedUntil }, 'login locked');
}
