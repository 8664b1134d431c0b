import { createParser } from 'eventsource-parser';
import type { RegisterContext } from '../context';
import type { CentralClient } from './central-client';

/**
 * Listens to central's change events (SSE `GET /api/sync/events`, a push hint): each `change` event
 * hands its change version to `onVersion`. Invariants: never awaited by anything; a broken stream
 * is reopened after a pause (longer when central does not offer events); the heartbeat stays the
 * fallback, so a lost event only delays a refresh by one heartbeat.
 */
export class ChangeEventsListener {
  private stopped = false;
  private close: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: RegisterContext,
    private readonly client: CentralClient,
    private readonly onVersion: (version: number) => void,
    private readonly retryMs = 1_000,
  ) {}

  start(): void {
    void this.loop();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.close?.();
  }

  private async loop(): Promise<void> {
    let pause = this.retryMs;
    try {
      const { body, close } = await this.client.events();
      this.close = close;
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
    } catch (e) {
      const status = (e as { status?: number }).status;
      if (status === 404) pause = 60_000;
      // Central caps the streams of one register (a stale one not yet closed after a cut).
      if (status === 429) pause = 30_000;
      this.ctx.logger.debug({ err: String(e) }, 'change events stream closed');
    } finally {
      this.close = null;
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.loop(), pause);
  }
}
