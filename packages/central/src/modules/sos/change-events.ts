import type { FastifyInstance, FastifyReply } from 'fastify';
import { ComptoirError } from '@comptoir/protocol';
import { listenPostgres, type PostgresListener } from '@comptoir/db';
import { CHANGE_CHANNEL } from '../../db/migrations/0013-change-notify';
import type { Ctx } from '../../context';
import { currentChangeVersion } from '../../db/change-version';

/**
 * Push hint for incremental refresh (docs/architecture.md §5): `GET /api/sync/events` is a Server-Sent Events
 * stream that says `event: change` with `{changeVersion}` whenever the change version moves; the
 * register then pulls `changes` as it would after a heartbeat. Invariants: the hint carries no data
 * (a lost hint only delays a refresh until the next heartbeat); the version is read from the
 * database, so it works the same with several central instances. On PostgreSQL (given its URL) the
 * instance LISTENs on `comptoir_change`, which a trigger on the change counter notifies at each
 * commit (migration 0013): no polling, and a change made on any instance reaches the registers
 * listening on every other one at once; after (re)connecting the listener reads the counter once,
 * for what it may have missed. On SQLite (one instance) the counter is polled while someone
 * listens: every 20 ms costs 50 one-row reads a second (whatever the number of registers
 * listening) and keeps a change at the registers within ~100 ms with margin (docs/benchmarks.md).
 * Invariant: versions are announced in increasing order only.
 * A register holds at most MAX_STREAMS_PER_REGISTER streams on one instance (one, plus one being
 * replaced after a cut): a stolen or buggy token cannot pile up open sockets; beyond, 429
 * TOO_MANY_STREAMS and the register relies on its heartbeat until one closes.
 */
export const MAX_STREAMS_PER_REGISTER = 2;

export class ChangeEvents {
  private readonly listeners = new Set<FastifyReply>();
  private readonly streamsOf = new Map<string, number>();
  private timer: NodeJS.Timeout | null = null;
  private last = -1;
  private polling = false;
  private listener: PostgresListener | null = null;

  constructor(
    private readonly baseCtx: () => Ctx,
    /** PostgreSQL URL: LISTEN/NOTIFY instead of polling. */
    private readonly listenUrl?: string,
    private readonly pollMs = 20,
    private readonly keepAliveMs = 15_000,
  ) {}

  async subscribe(reply: FastifyReply, registerId: string): Promise<void> {
    const open = this.streamsOf.get(registerId) ?? 0;
    if (open >= MAX_STREAMS_PER_REGISTER) {
      throw new ComptoirError('TOO_MANY_STREAMS', `This register already has ${open} change-event streams open`, { retryAfterSeconds: 30 });
    }
    this.streamsOf.set(registerId, open + 1);
    reply.raw.once('close', () => {
      const n = (this.streamsOf.get(registerId) ?? 1) - 1;
      if (n > 0) this.streamsOf.set(registerId, n);
      else this.streamsOf.delete(registerId);
    });
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    const version = await currentChangeVersion(this.baseCtx().db);
    raw.write(`retry: 1000\nevent: change\ndata: ${JSON.stringify({ changeVersion: version })}\n\n`);
    this.listeners.add(reply);
    const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), this.keepAliveMs);
    raw.on('close', () => {
      clearInterval(keepAlive);
      this.listeners.delete(reply);
    });
    if (this.last < 0) this.last = version;
    if (this.listenUrl) this.ensureListening(this.listenUrl);
    else this.ensurePolling();
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    void this.listener?.close();
    this.listener = null;
    for (const r of this.listeners) r.raw.end();
    this.listeners.clear();
  }

  private ensureListening(url: string): void {
    if (this.listener) return;
    this.listener = listenPostgres(
      url,
      CHANGE_CHANNEL,
      (payload) => this.announce(Number(payload)),
      () => void this.readAndAnnounce(),
    );
  }

  private announce(version: number): void {
    if (!Number.isFinite(version) || version <= this.last) return;
    this.last = version;
    const msg = `event: change\ndata: ${JSON.stringify({ changeVersion: version })}\n\n`;
    for (const r of this.listeners) r.raw.write(msg);
  }

  private async readAndAnnounce(): Promise<void> {
    try {
      this.announce(await currentChangeVersion(this.baseCtx().db));
    } catch {
      // closing: nothing to announce
    }
  }

  private ensurePolling(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.pollMs);
  }

  private async poll(): Promise<void> {
    if (this.listeners.size === 0) {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      this.last = -1;
      return;
    }
    if (this.polling) return;
    this.polling = true;
    try {
      this.announce(await currentChangeVersion(this.baseCtx().db));
    } catch {
      // database busy or closing: the next poll tries again
    } finally {
      this.polling = false;
    }
  }
}

export function installChangeEvents(app: FastifyInstance, events: ChangeEvents): void {
  app.addHook('onClose', async () => events.close());
  // Fastify waits for open connections on close: end the event streams first.
  app.addHook('preClose', async () => events.close());
}
