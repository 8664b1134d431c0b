import { Cron } from 'croner';
import type { Logger } from 'pino';

/** Scheduled full copies (remote configuration): one croner job per cron expression. */
export class SosScheduler {
  private jobs: Cron[] = [];
  private current = '[]';

  constructor(
    private readonly logger: Logger,
    private readonly run: () => void,
  ) {}

  /** Replaces the schedule; invalid expressions are logged and skipped. */
  set(crons: readonly string[]): void {
    const key = JSON.stringify(crons);
    if (key === this.current) return;
    this.current = key;
    this.stop();
    for (const expr of crons) {
      try {
        this.jobs.push(new Cron(expr, { protect: true }, () => this.run()));
      } catch (e) {
        this.logger.error({ expr, err: String(e) }, 'invalid SOS copy schedule expression');
      }
    }
  }

  stop(): void {
    for (const j of this.jobs) j.stop();
    this.jobs = [];
  }
}
