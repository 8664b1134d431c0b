import { ChainGapDetails, MAX_PUSH_BATCH, PushRequest, type ChainHeads } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import type { RecordRow } from '../db/statements';
import { toSignedRecord } from '../chain/record-chain';
import { CentralCallError, centralBusyFor, type CentralClient } from './central-client';
import { jitterBelow, withJitter } from './jitter';

/** What the pusher needs from the link monitor. */
export interface LinkReporter {
  /** False in autonomous mode: only heartbeats probe the link then. */
  canPush(): boolean;
  linkOk(): void;
  linkFailed(reason: string): void;
}

type BatchOutcome = 'pushed' | 'empty' | 'failed' | 'busy';
export type DrainOutcome = 'done' | 'failed' | 'paused';

/**
 * The outbox pusher. Invariants:
 * - a record stays in the outbox until central's answered head for its chain covers it; then, in one
 *   transaction, its `integrations` row is written and its outbox row deleted (records themselves are
 *   never deleted, so anything can be requeued);
 * - records are pushed in `seq` order (= creation order, hence chain order), ≤ MAX_PUSH_BATCH per call,
 *   ONE push in flight at a time;
 * - CHAIN_GAP (central lost records, e.g. restored database): the chain is requeued from `expected`
 *   (for the `archive` chain, the files of those archives are to be sent again as well);
 * - central's heads (heartbeat) below what this register saw integrated: central lost records of a
 *   chain that may have nothing new to push (so no CHAIN_GAP would ever tell): requeued the same way;
 * - TAMPER_ALERT: that chain is blocked (status.blockedChains), the other chains keep flowing;
 * - network failure / 5xx: one failure for the link monitor, retry with jittered backoff ≤ the heartbeat interval;
 * - 429/503 with Retry-After (central busy): the link is fine; nothing is pushed before the
 *   Retry-After (plus jitter) has passed, then the drain resumes by itself.
 */
export class OutboxPusher {
  readonly blocked = new Map<string, string>();
  private scheduled = false;
  private again = false;
  private current: Promise<DrainOutcome> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private failures = 0;
  private stopped = false;
  /** Moves on every acknowledged push: heads read before it may be older than the register's state. */
  private acks = 0;
  /** Central said "busy": no push until this timer (its Retry-After plus jitter) fires. */
  private busyTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly ctx: RegisterContext,
    private readonly client: CentralClient,
    private readonly link: LinkReporter,
    private readonly opts: {
      maxRetryDelayMs: number;
      /** Source of jitter (tests pin it). */ random?: () => number;
      /** Called each time a drain empties the outbox (what waits on integrated records: archive files). */
      onDrained?: () => void;
    },
  ) {}

  /** Coalesced: every commit of one tick leads to one drain, on the next turn of the loop. */
  kick(): void {
    if (this.scheduled || this.stopped) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  /** Pushes until the outbox is empty (or the link fails). Joins the drain already running, if any. */
  drain(): Promise<DrainOutcome> {
    this.again = true;
    if (!this.current) {
      this.current = this.run()
        .catch((e: unknown): DrainOutcome => {
          this.ctx.logger.error({ err: e }, 'outbox push crashed');
          this.scheduleRetry();
          return 'failed';
        })
        .then((outcome) => {
          this.current = null;
          if (outcome === 'done') this.opts.onDrained?.();
          if (this.again && outcome !== 'failed') this.kick();
          return outcome;
        });
    }
    return this.current;
  }

  /** Taken before a heartbeat is sent; `reconcile` ignores heads read across a push. */
  pushEpoch(): number {
    return this.acks;
  }

  /**
   * Central's heads as a heartbeat answered them (read at `epoch`). Where central's head is below the
   * last record this register saw integrated (central restored from an older backup), that chain is
   * requeued from central's head + 1, exactly as a CHAIN_GAP would. Skipped while a push is in flight
   * or when one was acknowledged since `epoch`: those heads may predate it. Returns the chains requeued.
   */
  reconcile(heads: ChainHeads, epoch: number): string[] {
    if (this.current || epoch !== this.acks || this.stopped) return [];
    const integrated = this.ctx.sqlite
      .prepare('SELECT chain, max(number) AS n FROM integrations GROUP BY chain')
      .all() as { chain: string; n: number }[];
    const requeued: string[] = [];
    for (const { chain, n } of integrated) {
      const head = heads[chain as keyof ChainHeads] ?? 0;
      if (n > head && this.requeue({ chain, expected: head + 1, got: n })) requeued.push(chain);
    }
    if (requeued.length) this.kick();
    return requeued;
  }

  stop(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.busyTimer) clearTimeout(this.busyTimer);
  }

  /** Outbox rows created up to `seq` that still wait (blocked chains excluded). */
  remainingUpTo(seq: number): number {
    const { sql, args } = this.blockedFilter('seq <= ?');
    return (this.ctx.sqlite.prepare(`SELECT count(*) AS n FROM outbox WHERE ${sql}`).get(seq, ...args) as { n: number }).n;
  }

  private async run(): Promise<DrainOutcome> {
    while (this.again) {
      this.again = false;
      for (;;) {
        if (this.stopped || !this.link.canPush() || this.busyTimer) return 'paused';
        const r = await this.pushBatch();
        if (r === 'failed') {
          this.scheduleRetry();
          return 'failed';
        }
        if (r === 'busy') return 'paused';
        if (r === 'empty') break;
      }
    }
    this.failures = 0;
    return 'done';
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    this.failures++;
    const delay = jitterBelow(Math.min(this.opts.maxRetryDelayMs, 50 * 2 ** Math.min(this.failures, 10)), this.opts.random);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.kick();
    }, delay);
  }

  /** Central busy: resume after its Retry-After plus jitter (one timer). */
  private waitBusy(retryAfterMs: number): void {
    if (this.stopped) return;
    const wait = withJitter(retryAfterMs, 0.5, this.opts.random);
    this.ctx.logger.info({ retryAfterMs, waitMs: wait }, 'central busy: push deferred');
    if (this.busyTimer) clearTimeout(this.busyTimer);
    this.busyTimer = setTimeout(() => {
      this.busyTimer = null;
      this.kick();
    }, wait);
  }

  private blockedFilter(base: string): { sql: string; args: string[] } {
    const args = [...this.blocked.keys()];
    if (args.length === 0) return { sql: base, args };
    return { sql: `${base} AND chain NOT IN (${args.map(() => '?').join(', ')})`, args };
  }

  private nextBatch(): RecordRow[] {
    if (this.blocked.size === 0) return this.ctx.q.outboxBatch.all(MAX_PUSH_BATCH);
    const args = [...this.blocked.keys()];
    return this.ctx.sqlite
      .prepare(
        `SELECT r.* FROM outbox o JOIN records r ON r.chain = o.chain AND r.number = o.number
         WHERE o.chain NOT IN (${args.map(() => '?').join(', ')}) ORDER BY o.seq LIMIT ?`,
      )
      .all(...args, MAX_PUSH_BATCH) as RecordRow[];
  }

  private async pushBatch(): Promise<BatchOutcome> {
    const identity = this.ctx.identity;
    if (!identity) return 'empty';
    const rows = this.nextBatch();
    if (rows.length === 0) return 'empty';
    const body = PushRequest.parse({ records: rows.map((r) => toSignedRecord(identity.registerId, r)) });
    let res;
    try {
      res = await this.client.push(body);
    } catch (e) {
      if (!(e instanceof CentralCallError)) throw e;
      const busyMs = centralBusyFor(e);
      if (busyMs !== null) {
        this.link.linkOk();
        this.waitBusy(busyMs);
        return 'busy';
      }
      if (e.kind === 'network' || e.status >= 500) {
        this.link.linkFailed(`push: ${e.message}`);
        return 'failed';
      }
      this.link.linkOk();
      if (e.code === 'CHAIN_GAP') return this.requeue(e.details) ? 'pushed' : 'failed';
      if (e.code === 'TAMPER_ALERT') {
        const chain = String(e.details.chain ?? '');
        const reason = `tamper alert at ${chain} #${String(e.details.number)}: ${String(e.details.reason ?? e.message)}`;
        this.blocked.set(chain, reason);
        this.ctx.logger.error({ chain, details: e.details }, `chain blocked by central: ${reason}`);
        return 'pushed';
      }
      this.ctx.logger.error({ status: e.status, code: e.code, details: e.details }, `push refused: ${e.message}`);
      return 'failed';
    }
    this.link.linkOk();
    const acked = this.ack(res.heads);
    this.acks++;
    if (acked === 0) {
      this.ctx.logger.warn({ heads: res.heads, first: rows[0]?.number }, 'push acknowledged nothing; retrying later');
      return 'failed';
    }
    return 'pushed';
  }

  /**
   * Everything ≤ the answered head of its chain is integrated (one transaction).
   * Durability: this one commit is not fsynced (synchronous=NORMAL, then FULL again). A power cut
   * can only lose the acknowledgement, which puts integrated records back in the outbox; pushing
   * them again is a replay the central server acknowledges without counting anything twice. Every
   * signed record (sales, events) keeps its own durable commit; this saves one fsync per push.
   */
  private ack(heads: ChainHeads): number {
    const at = this.ctx.now().toISOString();
    const sqlite = this.ctx.sqlite;
    sqlite.pragma('synchronous = NORMAL');
    try {
      return sqlite.transaction(() => {
        let n = 0;
        for (const [chain, head] of Object.entries(heads)) {
          if (!head) continue;
          this.ctx.q.markIntegrated.run(at, chain, head);
          n += this.ctx.q.deleteOutbox.run(chain, head).changes;
        }
        return n;
      })();
    } finally {
      sqlite.pragma('synchronous = FULL');
    }
  }

  /** CHAIN_GAP: put back every record of the chain from `expected` on (with their original seq). */
  private requeue(details: Record<string, unknown>): boolean {
    const gap = ChainGapDetails.safeParse(details);
    if (!gap.success) {
      this.ctx.logger.error({ details }, 'CHAIN_GAP without usable details');
      return false;
    }
    const { chain, expected } = gap.data;
    const inserted = this.ctx.sqlite.transaction(() => {
      const n = this.ctx.sqlite
        .prepare(
          `INSERT OR IGNORE INTO outbox (seq, chain, number) SELECT seq, chain, number FROM records
           WHERE chain = ? AND number >= ?`,
        )
        .run(chain, expected).changes;
      this.ctx.sqlite.prepare('DELETE FROM integrations WHERE chain = ? AND number >= ?').run(chain, expected);
      // Central lost these archive records, so the files it kept of them too: sent again once integrated (sync/archive-upload.ts).
      if (chain === 'archive') this.ctx.sqlite.prepare('UPDATE archive_files SET sent_at = NULL WHERE number >= ?').run(expected);
      return n;
    })();
    if (inserted === 0) {
      this.ctx.logger.error({ chain, expected }, 'central expects a record this register cannot resend');
      return false;
    }
    this.ctx.logger.warn({ chain, expected, requeued: inserted }, 'central lost records: requeued');
    return true;
  }
}
