import type { HeartbeatResponse, RegisterMode } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { writeEvent } from '../chain/record-chain';
import { CentralCallError, centralBusyFor, type CentralClient } from './central-client';
import { withJitter } from './jitter';
import type { LinkReporter, OutboxPusher } from './outbox';

export interface LinkMonitorOptions {
  heartbeatIntervalMs: number;
  failuresBeforeAutonomous: number;
  /** Source of jitter (tests pin it); default Math.random. */
  random?: () => number;
  /** Monotonic milliseconds, to keep the cadence (tests pin it with the mocked timers); default performance.now. */
  clock?: () => number;
}

export interface LinkHooks {
  /** A heartbeat answered while connected: apply config, pull changes when behind (never awaited). */
  onConnectedHeartbeat(res: HeartbeatResponse): void;
  /** Last phase of reintegration: catch the copy up with central (throws on failure). */
  catchUp(): Promise<void>;
  heartbeatBody(): Parameters<CentralClient['heartbeat']>[0];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Modes (docs/architecture.md §3):
 *   CONNECTED ──K consecutive failures (heartbeat or push)──▶ AUTONOMOUS
 *   AUTONOMOUS ──heartbeat answered──▶ REINTEGRATING ──outbox drained up to the cut, changes pulled──▶ CONNECTED
 *   REINTEGRATING ──K consecutive failures──▶ AUTONOMOUS (same offline period: no new offline_start)
 * Each transition writes a signed event (offline_start, reintegration_start, reintegration_end,
 * offline_end). Invariants: a sale never waits for any of this (sales only read `mode`); heartbeats
 * keep running during reintegration; one heartbeat in flight at a time; after a failure the next
 * heartbeat is sent at once, so K failures against a black hole take ≈ K × timeout.
 * Busy is not down: a 429/503 answer with `Retry-After` (central saturated) proves central is alive.
 * It resets the failure count, changes no mode, records no refusal, and the next heartbeat waits for
 * max(interval, Retry-After) plus jitter (so a fleet told to wait does not come back in one second).
 */
export class LinkMonitor implements LinkReporter {
  mode: RegisterMode = 'connected';
  autonomousSince: string | null = null;
  lastContactAt: string | null = null;
  /** Central answered the last heartbeat with a refusal (4xx, e.g. PROTOCOL_UNSUPPORTED); null once one is accepted. */
  refusal: { code: string; message: string; since: string } | null = null;
  /** Progress of the current reintegration: records up to `targetSeq` (the cut) must be pushed. */
  progress: { targetSeq: number; total: number } | null = null;
  /** Central answered "busy, come back later" (429/503 + Retry-After) to the last heartbeat; null once one is answered. */
  busy: { retryAfterMs: number; since: string } | null = null;
  outbox!: OutboxPusher;
  private failures: number;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private reintegrating: Promise<void> | null = null;
  private beating: Promise<void> | null = null;

  constructor(
    private readonly ctx: RegisterContext,
    private readonly client: CentralClient,
    private readonly hooks: LinkHooks,
    private readonly opts: LinkMonitorOptions,
  ) {
    // At start nothing proves the link is up: the first failure already means autonomous.
    this.failures = Math.max(0, opts.failuresBeforeAutonomous - 1);
  }

  /** Runs the first heartbeat (bounded by its timeout), then keeps beating. */
  async start(): Promise<void> {
    await this.beat();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.beating?.catch(() => {});
  }

  canPush(): boolean {
    return !this.stopped && this.mode !== 'autonomous';
  }

  linkOk(): void {
    this.failures = 0;
    this.lastContactAt = this.ctx.now().toISOString();
  }

  linkFailed(reason: string): void {
    this.failures++;
    if (this.failures >= this.opts.failuresBeforeAutonomous && this.mode !== 'autonomous') this.goAutonomous(reason);
  }

  reintegrationStatus(): { done: number; total: number } | null {
    if (this.mode !== 'reintegrating' || !this.progress) return null;
    const left = this.outbox.remainingUpTo(this.progress.targetSeq);
    return { done: Math.max(0, this.progress.total - left), total: this.progress.total };
  }

  private goAutonomous(reason: string): void {
    const sameOutage = this.mode === 'reintegrating';
    this.mode = 'autonomous';
    if (sameOutage) {
      this.ctx.logger.warn({ reason }, 'link lost again during reintegration: back to autonomous mode');
      return;
    }
    this.autonomousSince = this.ctx.now().toISOString();
    const pending = this.ctx.q.outboxCount.get()!.n;
    writeEvent(this.ctx, 'offline_start', { pending, reason: reason.slice(0, 200) });
    this.ctx.logger.warn({ reason, pending }, 'central unreachable: autonomous mode');
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.beat(), Math.max(0, delayMs));
  }

  private beat(): Promise<void> {
    const run = async () => {
      const now = this.opts.clock ?? (() => performance.now());
      const started = now();
      let failed = false;
      let waitMs: number | null = null;
      try {
        const epoch = this.outbox.pushEpoch();
        const res = await this.client.heartbeat(this.hooks.heartbeatBody());
        if (this.stopped) return;
        this.linkOk();
        this.outbox.reconcile(res.heads, epoch);
        this.refusal = null;
        this.busy = null;
        if (this.mode === 'connected') {
          this.outbox.kick();
          this.hooks.onConnectedHeartbeat(res);
        } else {
          this.reintegrate();
        }
      } catch (e) {
        if (this.stopped) return;
        const busyMs = centralBusyFor(e);
        if (busyMs !== null) {
          // Central alive but saturated: come back later, never a link failure.
          this.linkOk();
          if (!this.busy) this.ctx.logger.warn({ retryAfterMs: busyMs }, 'central busy: heartbeats slowed down');
          this.busy = { retryAfterMs: busyMs, since: this.busy?.since ?? this.ctx.now().toISOString() };
          waitMs = withJitter(Math.max(busyMs, this.opts.heartbeatIntervalMs), 0.5, this.opts.random);
          return;
        }
        failed = true;
        const msg = e instanceof CentralCallError ? e.message : String(e);
        if (e instanceof CentralCallError && e.kind === 'http' && e.status >= 400 && e.status < 500) {
          // Central is there but refuses this till: say why on the screen (records wait in the outbox).
          if (this.refusal?.code !== e.code) this.ctx.logger.error({ code: e.code, err: msg }, 'central refuses this register');
          this.refusal = { code: e.code, message: e.message.replace(/^POST \S+: \d+ [A-Z_]+: /, ''), since: this.refusal?.since ?? this.ctx.now().toISOString() };
        }
        this.ctx.logger.debug({ err: msg }, 'heartbeat failed');
        this.linkFailed(`heartbeat: ${msg}`);
      } finally {
        this.beating = null;
        const elapsed = now() - started;
        // Phase: confirm a first failure at once; wait as central asked when busy; otherwise keep the cadence.
        this.schedule(waitMs ?? (failed && this.mode !== 'autonomous' ? 0 : this.opts.heartbeatIntervalMs - elapsed));
      }
    };
    this.beating = run();
    return this.beating;
  }

  /**
   * Reintegration. Phases: `reintegration_start` (with the count waiting) → push everything created up
   * to that point, in order, while sales go on (they queue behind) → pull the changes missed →
   * `reintegration_end` + `offline_end` (with the outage duration) → connected.
   * Abandoned (mode back to autonomous) if the link fails again; resumed by the next answered heartbeat.
   */
  private reintegrate(): void {
    if (this.reintegrating || this.stopped) return;
    this.reintegrating = (async () => {
      if (this.mode === 'autonomous') {
        this.mode = 'reintegrating';
        const count = this.ctx.q.outboxCount.get()!.n;
        const ev = writeEvent(this.ctx, 'reintegration_start', { count });
        this.progress = { targetSeq: ev.seq, total: count + 1 };
        this.ctx.logger.info({ count }, 'central reachable again: reintegrating');
      }
      const target = this.progress?.targetSeq ?? Number.MAX_SAFE_INTEGER;
      while (!this.stopped && this.mode === 'reintegrating' && this.outbox.remainingUpTo(target) > 0) {
        const outcome = await this.outbox.drain();
        if (outcome !== 'done' && this.mode === 'reintegrating') await sleep(Math.min(200, this.opts.heartbeatIntervalMs));
      }
      if (this.stopped || this.mode !== 'reintegrating') return;
      try {
        await this.hooks.catchUp();
      } catch (e) {
        this.ctx.logger.warn({ err: String(e) }, 'reintegration: catching up the copy failed');
        if (e instanceof CentralCallError && centralBusyFor(e) === null && (e.kind === 'network' || e.status >= 500)) this.linkFailed(`changes: ${e.message}`);
        return;
      }
      if (this.stopped || this.mode !== 'reintegrating') return;
      const since = this.autonomousSince;
      const durationMs = since ? this.ctx.now().getTime() - Date.parse(since) : 0;
      this.mode = 'connected';
      writeEvent(this.ctx, 'reintegration_end', { pushed: this.progress?.total ?? 0 });
      writeEvent(this.ctx, 'offline_end', { durationMs, since });
      this.ctx.logger.info({ durationMs, pushed: this.progress?.total ?? 0 }, 'reintegration done: connected');
      this.autonomousSince = null;
      this.progress = null;
      this.outbox.kick();
    })().finally(() => {
      this.reintegrating = null;
    });
  }
}
