import { ComptoirError, type HeartbeatRequest, type HeartbeatResponse, type SosCopyKind, type SosCopyResult } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { writeEvent } from '../chain/record-chain';
import { readStatus } from '../status/status.service';
import { CentralClient } from './central-client';
import { enrol } from './enrolment.service';
import { LinkMonitor } from './link-monitor';
import { OutboxPusher } from './outbox';
import { pullChanges, runFullCopy, toComptoir } from './sos-copy.service';
import { SosScheduler } from './sos-scheduler';

export interface AgentOptions {
  centralUrl: string;
  heartbeatIntervalMs: number;
  requestTimeoutMs: number;
  failuresBeforeAutonomous: number;
}

/** What the HTTP app needs from the agent. */
export interface AgentHandle {
  status(): ReturnType<typeof readStatus>;
  manualCopy(): Promise<SosCopyResult>;
}

type MetaRow = { change_version: number; last_copy_at: string | null; last_copy_kind: string | null; last_copy_checksum: string | null; sos_schedule: string };

/**
 * The register's sync side: enrolment, link monitor, outbox pusher, SOS copies (full, scheduled,
 * manual, incremental). Copies and change pulls are serialized on one promise chain; none of it is
 * ever awaited by a sale.
 */
export class RegisterAgent implements AgentHandle {
  readonly client: CentralClient;
  private link: LinkMonitor | null = null;
  private outbox: OutboxPusher | null = null;
  private readonly scheduler: SosScheduler;
  private copyChain: Promise<unknown> = Promise.resolve();
  private pulling = false;

  constructor(
    private readonly ctx: RegisterContext,
    private readonly opts: AgentOptions,
  ) {
    this.client = new CentralClient({ baseUrl: opts.centralUrl, token: ctx.identity?.token ?? null, requestTimeoutMs: opts.requestTimeoutMs });
    this.scheduler = new SosScheduler(ctx.logger, () => {
      if (this.link?.mode !== 'connected') return;
      this.copy('scheduled').catch((e: unknown) => ctx.logger.error({ err: String(e) }, 'scheduled SOS copy failed'));
    });
  }

  /** Enrols with `code` when not enrolled yet, then makes the first full copy. */
  async enrolIfNeeded(code: string | undefined): Promise<void> {
    if (this.ctx.identity || !code) return;
    await enrol(this.ctx, this.client, code, this.opts.centralUrl);
    try {
      await this.copy('enrolment');
    } catch (e) {
      // Enrolled without a copy: the next answered heartbeat retries it.
      this.ctx.logger.error({ err: String(e) }, 'first SOS copy failed; will retry');
    }
  }

  /** Starts the link (first heartbeat awaited, bounded by its timeout) and the pusher. */
  async start(): Promise<void> {
    if (!this.ctx.identity) {
      this.ctx.logger.warn('register not enrolled: no link to central (start with an enrolment code)');
      return;
    }
    const link = new LinkMonitor(
      this.ctx,
      this.client,
      {
        heartbeatBody: () => this.heartbeatBody(),
        onConnectedHeartbeat: (res) => this.onConnectedHeartbeat(res),
        catchUp: () => this.serialized(() => pullChanges(this.ctx, this.client)).then(() => undefined),
      },
      { heartbeatIntervalMs: this.opts.heartbeatIntervalMs, failuresBeforeAutonomous: this.opts.failuresBeforeAutonomous },
    );
    const outbox = new OutboxPusher(this.ctx, this.client, link, { maxRetryDelayMs: this.opts.heartbeatIntervalMs });
    link.outbox = outbox;
    this.link = link;
    this.outbox = outbox;
    this.ctx.mode = () => link.mode;
    this.ctx.recordsAppended = () => outbox.kick();
    this.scheduler.set(JSON.parse(this.meta().sos_schedule) as string[]);
    await link.start();
    outbox.kick();
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    await this.link?.stop();
    this.outbox?.stop();
    await this.copyChain.catch(() => {});
    await this.client.close().catch(() => {});
  }

  status() {
    const link = this.link;
    return readStatus(
      this.ctx,
      link
        ? {
            mode: link.mode,
            autonomousSince: link.autonomousSince,
            lastContactAt: link.lastContactAt,
            reintegration: link.reintegrationStatus(),
            blockedChains: [...(this.outbox?.blocked ?? new Map<string, string>())].map(([chain, reason]) => ({ chain, reason })),
          }
        : null,
    );
  }

  /** Manual copy (cashier screen, CLI, back office): refused at once when the link is down. */
  async manualCopy(): Promise<SosCopyResult> {
    if (!this.ctx.identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
    if (this.link?.mode === 'autonomous') {
      throw new ComptoirError('UNAVAILABLE_OFFLINE', 'The central server is unreachable: a copy needs the link');
    }
    return this.copy('manual');
  }

  private copy(kind: SosCopyKind): Promise<SosCopyResult> {
    return this.serialized(async () => {
      try {
        return await runFullCopy(this.ctx, this.client, kind);
      } catch (e) {
        throw toComptoir(e);
      }
    });
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.copyChain.then(fn, fn);
    this.copyChain = run.catch(() => {});
    return run;
  }

  private meta(): MetaRow {
    return this.ctx.sqlite
      .prepare('SELECT change_version, last_copy_at, last_copy_kind, last_copy_checksum, sos_schedule FROM register_meta WHERE id = 1')
      .get() as MetaRow;
  }

  private heartbeatBody(): HeartbeatRequest {
    const m = this.meta();
    return {
      mode: this.link?.mode ?? 'connected',
      pendingRecords: this.ctx.q.outboxCount.get()!.n,
      lastSosCopyAt: m.last_copy_at,
      lastSosCopyKind: m.last_copy_kind as HeartbeatRequest['lastSosCopyKind'],
      sosChecksum: m.last_copy_checksum,
      changeVersion: m.change_version,
      autonomousSince: this.link?.autonomousSince ?? null,
    };
  }

  /** Phases after an answered heartbeat while connected: remote config → missing copy or changes. */
  private onConnectedHeartbeat(res: HeartbeatResponse): void {
    const m = this.meta();
    const schedule = JSON.stringify(res.config.sosSchedule);
    if (schedule !== m.sos_schedule) {
      this.ctx.sqlite.prepare('UPDATE register_meta SET sos_schedule = ? WHERE id = 1').run(schedule);
      this.scheduler.set(res.config.sosSchedule);
      writeEvent(this.ctx, 'config_change', { sosSchedule: schedule });
      this.ctx.logger.info({ sosSchedule: res.config.sosSchedule }, 'SOS copy schedule changed');
    }
    if (this.pulling) return;
    if (m.last_copy_at === null) {
      this.pulling = true;
      this.copy('enrolment')
        .catch((e: unknown) => this.ctx.logger.error({ err: String(e) }, 'SOS copy failed'))
        .finally(() => (this.pulling = false));
    } else if (res.changeVersion > m.change_version) {
      this.pulling = true;
      this.serialized(() => pullChanges(this.ctx, this.client))
        .catch((e: unknown) => this.ctx.logger.warn({ err: String(e) }, 'incremental refresh failed'))
        .finally(() => (this.pulling = false));
    }
  }
}
