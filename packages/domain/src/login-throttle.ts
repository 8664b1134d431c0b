/**
 * Login throttling, the rule both servers apply (central in its database, the register in its own
 * SQLite file): failures are counted per key (an account, a client address); after
 * `THROTTLE.freeFailures` consecutive failures the key is locked, even for the right secret, for a
 * back-off that doubles with each further failure (capped). A success ends the count.
 *
 * Phases of a key: counting (failures < free) → locked (now < lockedUntil: every attempt refused
 * without checking the secret) → after the lock, one attempt: success resets, failure locks again,
 * longer. Invariant: lockedUntil is null while failures < free.
 */
export interface ThrottleState {
  failures: number;
  /** ISO-8601 UTC, or null when not locked. */
  lockedUntil: string | null;
}

export const THROTTLE = {
  /** Consecutive failures allowed before the first lock. */
  freeFailures: 5,
  /** First lock; each further failure doubles it. */
  baseLockMs: 30_000,
  maxLockMs: 60 * 60_000,
} as const;

export const NO_FAILURES: ThrottleState = { failures: 0, lockedUntil: null };

/** Milliseconds left on the lock at `now` (0 when the key may try). */
export function lockRemainingMs(state: ThrottleState, now: Date): number {
  if (!state.lockedUntil) return 0;
  return Math.max(0, Date.parse(state.lockedUntil) - now.getTime());
}

/** The lock that follows `failures` consecutive failures (0 below the free allowance). */
export function lockDurationMs(failures: number): number {
  if (failures < THROTTLE.freeFailures) return 0;
  const doublings = Math.min(failures - THROTTLE.freeFailures, 20);
  return Math.min(THROTTLE.baseLockMs * 2 ** doublings, THROTTLE.maxLockMs);
}

/** The state after one failed attempt at `now` (made while not locked). */
export function afterFailure(state: ThrottleState, now: Date): ThrottleState {
  const failures = state.failures + 1;
  const lock = lockDurationMs(failures);
  return { failures, lockedUntil: lock > 0 ? new Date(now.getTime() + lock).toISOString() : null };
}

/** Seconds for a `Retry-After` header (at least 1). */
export function retryAfterSeconds(remainingMs: number): number {
  return Math.max(1, Math.ceil(remainingMs / 1000));
}
