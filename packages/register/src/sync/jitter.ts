/**
 * Jitter for a fleet's retries and scheduled copies: thousands of tills that failed (or were
 * scheduled) at the same second must not all come back at the same second.
 */

/** `ms` plus a random share of up to `spread` × `ms` (never less than `ms`: a Retry-After is a floor). */
export function withJitter(ms: number, spread = 0.5, random: () => number = Math.random): number {
  return Math.round(ms + random() * Math.max(0, ms) * spread);
}

/** Longest delay added to a scheduled copy. */
export const SCHEDULED_COPY_JITTER_MAX_MS = 120_000;

/**
 * Delay before a scheduled copy fires: random, up to a tenth of the time until the schedule's next
 * slot (a copy every 5 s waits ≤ 0.5 s) and never more than `maxMs`, so copies stay in their slot.
 */
export function scheduledCopyDelay(untilNextMs: number | null, maxMs = SCHEDULED_COPY_JITTER_MAX_MS, random: () => number = Math.random): number {
  const bound = Math.min(maxMs, untilNextMs === null ? maxMs : Math.max(0, untilNextMs) / 10);
  return Math.floor(random() * bound);
}

/** Between half of `ms` and `ms` ("equal jitter"): a backoff that never exceeds its cap. */
export function jitterBelow(ms: number, random: () => number = Math.random): number {
  return Math.round(ms / 2 + (random() * ms) / 2);
}
