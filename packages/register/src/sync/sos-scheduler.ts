import { Cron } from 'croner';
import type { Logger } from 'pino';
import { scheduledCopyDelay } from './jitter';

/**
 * Scheduled full copies (remote configuration): one croner job per cron expression, evaluated in
 * the store's time zone (from the copy). Invariants: `set` is idempotent (same expressions and
 * zone → nothing restarts); `protect` keeps one job from overlapping itself; the agent serializes
 * every copy anyway. Each firing waits a random delay first (≤ a tenth of the time to the next slot,
 * ≤ 2 min): a store-wide schedule must not start every till's copy in the same second.
 */
export class SosScheduler {
  private jobs: Cron[] = [];
  private current = '';
  private delayed = new Set<NodeJS.Timeout>();

  constructor(
    private readonly logger: Logger,
    private readonly run: () => void,
  ) {}

  /** Replaces the schedule; invalid expressions are logged and skipped (central validates them first). */
  set(crons: readonly string[], timezone?: string | null): void {
    const key = JSON.stringify([crons, timezone ?? null]);
    if (key === this.current) return;
    this.stop();
    this.current = key;
    for (const expr of crons) {
      try {
        this.jobs.push(new Cron(expr, { protect: true, ...(timezone ? { timezone } : {}) }, () => this.fire()));
      } catch (e) {
        this.logger.error({ expr, timezone, err: String(e) }, 'invalid SOS copy schedule expression');
      }
    }
  }

  /** The next scheduled copy, or null without a schedule. */
  nextRun(): Date | null {
    let next: Date | null = null;
    for (const j of this.jobs) {
      const d = j.nextRun();
      if (d && (!next || d < next)) next = d;
    }
    return next;
  }

  private fire(): void {
    const next = this.nextRun();
    const timer = setTimeout(() => {
      this.delayed.delete(timer);
      this.run();
    }, scheduledCopyDelay(next ? next.getTime() - Date.now() : null));
    this.delayed.add(timer);
  }

  stop(): void {
    for (const t of this.delayed) clearTimeout(t);
    this.delayed.clear();
    for (const j of this.jobs) j.stop();
    this.jobs = [];
    this.current = '';
  }
}

/**
 * True when a scheduled copy fell between the last full copy and `now` (the register was off or cut
 * off at that time): the copy is then made at once.
 */
export function missedScheduledCopy(crons: readonly string[], timezone: string | null, lastCopyAt: string | null, now: Date): boolean {
  if (!lastCopyAt || crons.length === 0) return false;
  for (const expr of crons) {
    try {
      const next = new Cron(expr, { paused: true, ...(timezone ? { timezone } : {}) }).nextRun(new Date(lastCopyAt));
      if (next && next <= now) return true;
    } catch {
      // invalid expressions are skipped, as in the scheduler
    }
  }
  return false;
}
