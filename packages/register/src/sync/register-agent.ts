import { ComptoirError, PROTOCOL_VERSION, type HeartbeatRequest, type HeartbeatResponse, type RegisterStatus, type SosCopyKind, type SosCopyResult } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { REGISTER_SOFTWARE } from '../software-version';
import type { RegisterMetaTable } from '../db/schema';
import { writeEvent } from '../chain/record-chain';
import { readStatus } from '../status/status.service';
import { CentralClient } from './central-client';
import { enrol } from './enrolment.service';
import { LinkMonitor } from './link-monitor';
import { OutboxPusher } from './outbox';
import { CustomerOutbox } from './customer-outbox';
import { waitingTillCustomerCount } from '../customers/till-customer.service';
import { ArchiveUploader } from './archive-upload';
import { pullChanges, toComptoir } from './sos-copy.service';
import { runStreamedCopy } from './streamed-copy.service';
import { SosScheduler, missedScheduledCopy } from './sos-scheduler';
import { verifyRemoteCopy } from './remote-copy';
import { ChangeEventsListener } from './change-events-listener';
import { PeerClient } from '../returns/peer-client';
import { refreshStoreRegisters, storeRegistersIncomplete } from '../returns/store-registers.service';

/** Heartbeats between two refreshes of the store's registers and of returned units (a couple when some URL is missing). */
const STORE_REGISTERS_EVERY = 10;
const STORE_REGISTERS_EVERY_INCOMPLETE = 2;

export interface AgentOptions {
  centralUrl: string;
  heartbeatIntervalMs: number;
  requestTimeoutMs: number;
  failuresBeforeAutonomous: number;
  /** Subscribe to central's change events (SSE push hint); default true. */
  changeEvents?: boolean;
  /** Sync protocol spoken; default the current one (lower only to test a fleet in the middle of a rollout). */
  protocolVersion?: number;
}

/** What the HTTP app needs from the agent. */
export interface AgentHandle {
  status(): RegisterStatus;
  manualCopy(): Promise<SosCopyResult>;
  /** A copy asked by central (prepare-outage): the signed headers are verified first. */
  remoteCopy(headers: Record<string, string | string[] | undefined>): Promise<SosCopyResult>;
}

type MetaRow = Pick<
  RegisterMetaTable,
  'change_version' | 'last_copy_at' | 'last_copy_kind' | 'last_copy_checksum' | 'last_copy_counts' | 'sos_schedule'
>;

/**
 * The register's sync side: enrolment, link monitor, outbox pusher, SOS copies (full, scheduled,
 * manual, incremental). Copies and change pulls are serialized on one promise chain; none of it is
 * ever awaited by a sale.
 */
export class RegisterAgent implements AgentHandle {
  readonly client: CentralClient;
  private readonly peers: PeerClient;
  private heartbeatsSinceStoreRegisters = Number.MAX_SAFE_INTEGER;
  private refreshingStoreRegisters = false;
  private link: LinkMonitor | null = null;
  private outbox: OutboxPusher | null = null;
  private customers: CustomerOutbox | null = null;
  private archives: ArchiveUploader | null = null;
  private readonly scheduler: SosScheduler;
  private copyChain: Promise<unknown> = Promise.resolve();
  private pulling = false;
  private events: ChangeEventsListener | null = null;
  /** Latest change version central announced (heartbeat or change event): the copy's lag. */
  private centralVersion: number | null = null;
  private catchUpFailedAt: number | null = null;
  /** The register's own API URL, reported to central (set once listening). */
  advertisedUrl: string | null = null;
  private readonly protocolVersion: number;

  constructor(
    private readonly ctx: RegisterContext,
    private readonly opts: AgentOptions,
  ) {
    this.protocolVersion = opts.protocolVersion ?? PROTOCOL_VERSION;
    this.client = new CentralClient({
      baseUrl: opts.centralUrl,
      token: ctx.identity?.token ?? null,
      requestTimeoutMs: opts.requestTimeoutMs,
      protocolVersion: this.protocolVersion,
    });
    ctx.central = this.client;
    this.peers = new PeerClient(() => ctx.identity, Math.max(opts.requestTimeoutMs * 3, 2_000));
    ctx.peers = this.peers;
    this.scheduler = new SosScheduler(ctx.logger, () => {
      if (this.link?.mode !== 'connected') {
        ctx.logger.warn('scheduled SOS copy skipped: central unreachable (the copy runs when the link is back)');
        return;
      }
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
    // Archive files follow their archive record: sent once it is integrated (the outbox drained).
    const archives = new ArchiveUploader(this.ctx, this.client, link);
    const outbox = new OutboxPusher(this.ctx, this.client, link, { maxRetryDelayMs: this.opts.heartbeatIntervalMs, onDrained: () => archives.kick() });
    link.outbox = outbox;
    this.archives = archives;
    this.link = link;
    this.outbox = outbox;
    this.ctx.mode = () => link.mode;
    this.ctx.recordsAppended = () => outbox.kick();
    const customers = new CustomerOutbox(this.ctx, this.client, () => link.canPush());
    this.customers = customers;
    this.ctx.customersCreated = () => customers.kick();
    this.scheduler.set(JSON.parse(this.meta().sos_schedule) as string[], this.storeTimezone());
    await link.start();
    outbox.kick();
    customers.kick();
    if (this.opts.changeEvents !== false) {
      this.events = new ChangeEventsListener(this.ctx, this.client, (version) => this.onChangeVersion(version));
      this.events.start();
    }
  }

  /**
   * A scheduled copy missed while the register was off (or cut off) runs now. Checked at start and
   * whenever the link is (back) up; at most one such copy at a time.
   */
  private catchUpMissedCopy(): void {
    const m = this.meta();
    const schedule = JSON.parse(m.sos_schedule) as string[];
    if (this.pulling || !missedScheduledCopy(schedule, this.storeTimezone(), m.last_copy_at, this.ctx.now())) return;
    // After a failed catch-up, wait a minute before trying again (not a full copy every heartbeat).
    if (this.catchUpFailedAt !== null && this.ctx.now().getTime() - this.catchUpFailedAt < 60_000) return;
    this.ctx.logger.info({ lastCopyAt: m.last_copy_at }, 'a scheduled SOS copy was missed: copying now');
    this.pulling = true;
    this.copy('scheduled')
      .then(() => (this.catchUpFailedAt = null))
      .catch((e: unknown) => {
        this.catchUpFailedAt = this.ctx.now().getTime();
        this.ctx.logger.error({ err: String(e) }, 'missed scheduled SOS copy failed');
      })
      .finally(() => (this.pulling = false));
  }

  private storeTimezone(): string | null {
    const row = this.ctx.sqlite.prepare('SELECT timezone FROM copy_store LIMIT 1').get() as { timezone: string } | undefined;
    return row?.timezone || null;
  }

  /** A change event: pull when the copy is behind (same path as after a heartbeat). */
  private onChangeVersion(version: number): void {
    this.centralVersion = Math.max(this.centralVersion ?? 0, version);
    if (this.link?.mode !== 'connected' || this.pulling) return;
    const m = this.meta();
    if (m.last_copy_at === null || version <= m.change_version) return;
    this.pulling = true;
    this.serialized(() => pullChanges(this.ctx, this.client))
      .catch((e: unknown) => this.ctx.logger.warn({ err: String(e) }, 'incremental refresh failed'))
      .finally(() => (this.pulling = false));
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    this.events?.stop();
    await this.link?.stop();
    this.outbox?.stop();
    this.customers?.stop();
    this.archives?.stop();
    await this.copyChain.catch(() => {});
    await this.client.close().catch(() => {});
    await this.peers.close().catch(() => {});
  }

  status(): RegisterStatus {
    const m = this.meta();
    return {
      ...this.coreStatus(),
      sosCounts: m.last_copy_counts ? (JSON.parse(m.last_copy_counts) as Record<string, number>) : null,
      changeVersionLag: this.centralVersion === null ? null : Math.max(0, this.centralVersion - m.change_version),
      nextSosCopyAt: this.scheduler.nextRun()?.toISOString() ?? null,
      advertisedUrl: this.advertisedUrl,
      softwareVersion: REGISTER_SOFTWARE.version,
      protocolVersion: this.protocolVersion,
    };
  }

  private coreStatus() {
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
            centralRefusal: link.refusal,
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

  async remoteCopy(headers: Record<string, string | string[] | undefined>): Promise<SosCopyResult> {
    verifyRemoteCopy(this.ctx, headers);
    return this.manualCopy();
  }

  private copy(kind: SosCopyKind): Promise<SosCopyResult> {
    return this.serialized(async () => {
      let result: SosCopyResult;
      try {
        result = await runStreamedCopy(this.ctx, this.client, kind);
      } catch (e) {
        throw toComptoir(e);
      }
      this.refreshStoreRegisters();
      return result;
    });
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.copyChain.then(fn, fn);
    this.copyChain = run.catch(() => {});
    return run;
  }

  private meta(): MetaRow {
    return this.ctx.sqlite
      .prepare('SELECT change_version, last_copy_at, last_copy_kind, last_copy_checksum, last_copy_counts, sos_schedule FROM register_meta WHERE id = 1')
      .get() as MetaRow;
  }

  private heartbeatBody(): HeartbeatRequest {
    const m = this.meta();
    return {
      mode: this.link?.mode ?? 'connected',
      pendingRecords: this.ctx.q.outboxCount.get()!.n,
      pendingCustomers: waitingTillCustomerCount(this.ctx),
      lastSosCopyAt: m.last_copy_at,
      lastSosCopyKind: m.last_copy_kind as HeartbeatRequest['lastSosCopyKind'],
      sosChecksum: m.last_copy_checksum,
      changeVersion: m.change_version,
      autonomousSince: this.link?.autonomousSince ?? null,
      ...(this.advertisedUrl ? { advertisedUrl: this.advertisedUrl } : {}),
      sosCounts: m.last_copy_counts ? (JSON.parse(m.last_copy_counts) as Record<string, number>) : null,
      nextSosCopyAt: this.scheduler.nextRun()?.toISOString() ?? null,
      // Protocol 1 registers did not report versions.
      ...(this.protocolVersion >= 2 ? { softwareVersion: REGISTER_SOFTWARE.version, protocolVersion: this.protocolVersion } : {}),
    };
  }

  /**
   * The store's registers and the units of this register's tickets returned elsewhere (LAN path,
   * docs/architecture.md §17): after each copy and every few heartbeats; one refresh at a time, never awaited.
   */
  private refreshStoreRegisters(): void {
    if (this.refreshingStoreRegisters) return;
    this.refreshingStoreRegisters = true;
    this.heartbeatsSinceStoreRegisters = 0;
    refreshStoreRegisters(this.ctx, this.client)
      .catch((e: unknown) => this.ctx.logger.warn({ err: String(e) }, "store's registers not refreshed"))
      .finally(() => (this.refreshingStoreRegisters = false));
  }

  /** Phases after an answered heartbeat while connected: waiting till customers and archive files → remote config → store's registers → missing copy or changes. */
  private onConnectedHeartbeat(res: HeartbeatResponse): void {
    const m = this.meta();
    // Customers created at the till that still wait (offline, or a failed push): pushed now.
    this.customers?.kickIfWaiting();
    // Retries an archive file not sent yet (due ones only: the uploader keeps its own delay).
    this.archives?.kick();
    this.heartbeatsSinceStoreRegisters++;
    const every = storeRegistersIncomplete(this.ctx) ? STORE_REGISTERS_EVERY_INCOMPLETE : STORE_REGISTERS_EVERY;
    if (this.heartbeatsSinceStoreRegisters >= every) this.refreshStoreRegisters();
    this.centralVersion = res.changeVersion;
    const schedule = JSON.stringify(res.config.sosSchedule);
    // The store's time zone arrives with the copy: re-applied after every heartbeat (idempotent).
    this.scheduler.set(res.config.sosSchedule, this.storeTimezone());
    if (schedule !== m.sos_schedule) {
      this.ctx.sqlite.prepare('UPDATE register_meta SET sos_schedule = ? WHERE id = 1').run(schedule);
      writeEvent(this.ctx, 'config_change', { sosSchedule: schedule });
      this.ctx.logger.info({ sosSchedule: res.config.sosSchedule }, 'SOS copy schedule changed');
    }
    if (this.pulling) return;
    if (m.last_copy_at === null) {
      this.pulling = true;
      this.copy('enrolment')
        .catch((e: unknown) => this.ctx.logger.error({ err: String(e) }, 'SOS copy failed'))
        .finally(() => (this.pulling = false));
    } else if (missedScheduledCopy(res.config.sosSchedule, this.storeTimezone(), m.last_copy_at, this.ctx.now())) {
      this.catchUpMissedCopy();
    } else if (res.changeVersion > m.change_version) {
      this.pulling = true;
      this.serialized(() => pullChanges(this.ctx, this.client))
        .catch((e: unknown) => this.ctx.logger.warn({ err: String(e) }, 'incremental refresh failed'))
        .finally(() => (this.pulling = false));
    }
  }
}
