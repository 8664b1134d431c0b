import { createParser } from 'eventsource-parser';
import type { RegisterContext } from '../context';
import { centralBusyFor, type CentralClient } from './central-client';
import { jitterBelow, withJitter } from './jitter';

export interface ChangeEventsOptions {
  /** Pause before reopening a stream that was open and ended (central restarted, link cut). */
  retryMs?: number;
  /** Cap of the doubling pause after streams that could not be opened in a row. */
  maxRetryMs?: number;
  /** For tests: the jitter's random source. */
  random?: () => number;
}

/** Central answers 404: it has no change events (an older central); look again after this. */
export const NO_EVENTS_RETRY_MS = 60_000;
/** Central answers 429 TOO_MANY_STREAMS (a stale stream of this token not yet closed after a cut). */
export const TOO_MANY_STREAMS_RETRY_MS = 30_000;

/**
 * Listens to central's change events (SSE `GET /api/sync/events`, a push hint): each `change` event
 * hands its change version to `onVersion` (the agent then refreshes its copy).
 *
 * Phases: idle → opening (the request) → streaming (events parsed as they come) → paused (a timer)
 * → opening again …; `stop()` from any phase → stopped, for good.
 * Pause after a stream ends: `retryMs` plus jitter when it had been open (a drop: central restarted
 * or the link was cut; thousands of tills must not come back in the same second); when it could not
 * be opened, doubling from `retryMs` per failure in a row up to `maxRetryMs` (equal jitter, never
 * above the cap); 404 (central without events) waits NO_EVENTS_RETRY_MS; 429 waits its Retry-After,
 * at least TOO_MANY_STREAMS_RETRY_MS.
 * Invariants: never awaited by anything; at most one stream open and at most one timer pending;
 * after `stop()` no stream stays open and nothing is reopened; a malformed event is ignored; the
 * heartbeat stays the fallback, so a lost event only delays a refresh by one heartbeat.
 */
export class ChangeEventsListener {
  private stopped = false;
  private close: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Streams that could not be opened in a row (reset by one that opens). */
  private failures = 0;
  private readonly retryMs: number;
  private readonly maxRetryMs: number;
  private readonly random: () => number;

  constructor(
    private readonly ctx: RegisterContext,
    private readonly client: CentralClient,
    private readonly onVersion: (version: number) => void,
    opts: ChangeEventsOptions = {},
  ) {
    this.retryMs = opts.retryMs ?? 1_000;
    this.maxRetryMs = Math.max(this.retryMs, opts.maxRetryMs ?? 30_000);
    this.random = opts.random ?? Math.random;
  }

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.close?.();
  }

  private async loop(): Promise<void> {
    this.timer = null;
    let pause: number;
    try {
      const { body, close } = await this.client.events();
      if (this.stopped) return close(); // stopped while the request was on its way
      this.close = close;
      this.failures = 0;
      const parser = createParser({
        onEvent: (message) => {
          if (message.event !== 'change') return;
          try {
            const v = (JSON.parse(message.data) as { changeVersion?: unknown }).changeVersion;
            if (typeof v === 'number' && Number.isInteger(v)) this.onVersion(v);
          } catch {
            // a malformed hint is ignored: the heartbeat still says the version
          }
        },
      });
      const text = new TextDecoder();
      for await (const chunk of body) {
        if (this.stopped) break;
        parser.feed(text.decode(chunk as Uint8Array, { stream: true }));
      }
      pause = this.afterDrop();
    } catch (e) {
      if (this.close === null) this.failures++; // it never opened
      const status = (e as { status?: number }).status;
      if (status === 404) pause = NO_EVENTS_RETRY_MS;
      else if (status === 429) pause = Math.max(TOO_MANY_STREAMS_RETRY_MS, centralBusyFor(e) ?? 0);
      else if (this.failures === 0) pause = this.afterDrop(); // it had opened, then broke
      else pause = jitterBelow(Math.min(this.maxRetryMs, this.retryMs * 2 ** (this.failures - 1)), this.random);
      this.ctx.logger.debug({ err: String(e), pauseMs: pause }, 'change events stream closed');
    } finally {
      this.close = null;
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.loop(), pause);
  }

  /** The pause after a stream that had been open ends: `retryMs` with jitter (tills not all back in one second). */
  private afterDrop(): number {
    return withJitter(this.retryMs, 0.5, this.random);
  }
}
