import { afterFailure, lockRemainingMs, NO_FAILURES, retryAfterSeconds, type ThrottleState } from '@comptoir/domain';
import { ComptoirError } from '@comptoir/protocol';
import { writeEvent } from '../chain/record-chain';
import type { RegisterContext } from '../context';

/**
 * PIN login throttling on the register (domain `login-throttle` rule), per account and per client
 * address, counted in the register's own database: a restart does not reset it and it works offline.
 *
 * Phases of one attempt: `beginAttempt` — in ONE synchronous transaction, refuse (429
 * TOO_MANY_ATTEMPTS + Retry-After) if any key is locked, else count the attempt as a failure
 * up front (so parallel guesses cannot all pass the check before any failure is recorded) → the
 * caller checks the PIN → `attemptSucceeded` clears the keys, or `attemptFailed` writes the
 * signed `login_locked` event when that failure locked a key.
 */
export type ThrottleKey = `login:${string}` | `addr:${string}`;

export function throttleKeys(login: string, address: string | undefined): ThrottleKey[] {
  return address ? [`login:${login}`, `addr:${address}`] : [`login:${login}`];
}

function readState(ctx: RegisterContext, key: string): ThrottleState {
  const row = ctx.sqlite.prepare('SELECT failures, locked_until FROM login_failures WHERE key = ?').get(key) as
    | { failures: number; locked_until: string | null }
    | undefined;
  return row ? { failures: row.failures, lockedUntil: row.locked_until } : NO_FAILURES;
}

export interface Attempt {
  keys: ThrottleKey[];
  /** Keys this attempt's (provisional) failure locked. */
  lockedNow: { key: ThrottleKey; failures: number; lockedUntil: string }[];
}

export function beginAttempt(ctx: RegisterContext, keys: ThrottleKey[]): Attempt {
  return ctx.sqlite.transaction((): Attempt => {
    const now = ctx.now();
    const states = keys.map((key) => ({ key, state: readState(ctx, key) }));
    const remaining = Math.max(0, ...states.map((s) => lockRemainingMs(s.state, now)));
    if (remaining > 0) {
      throw new ComptoirError('TOO_MANY_ATTEMPTS', 'Too many failed attempts: try again later', {
        retryAfterSeconds: retryAfterSeconds(remaining),
      });
    }
    const upsert = ctx.sqlite.prepare(
      `INSERT INTO login_failures (key, failures, locked_until, last_failure_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until,
       last_failure_at = excluded.last_failure_at`,
    );
    const lockedNow: Attempt['lockedNow'] = [];
    for (const { key, state } of states) {
      const next = afterFailure(state, now);
      upsert.run(key, next.failures, next.lockedUntil, now.toISOString());
      if (next.lockedUntil) lockedNow.push({ key, failures: next.failures, lockedUntil: next.lockedUntil });
    }
    return { keys, lockedNow };
  })();
}

export function attemptSucceeded(ctx: RegisterContext, attempt: Attempt): void {
  const del = ctx.sqlite.prepare('DELETE FROM login_failures WHERE key = ?');
  ctx.sqlite.transaction(() => {
    for (const key of attempt.keys) del.run(key);
  })();
}

export function attemptFailed(ctx: RegisterContext, attempt: Attempt): void {
  for (const l of attempt.lockedNow) {
    ctx.logger.warn({ key: l.key, failures: l.failures, lockedUntil: l.lockedUntil }, 'login locked');
    writeEvent(ctx, 'login_locked', { key: l.key, failures: l.failures, lockedUntil: l.lockedUntil });
  }
}
