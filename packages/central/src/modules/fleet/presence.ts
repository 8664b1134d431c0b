import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Logger } from 'pino';
import { listenPostgres, type DialectName, type PostgresListener } from '@comptoir/db';
import type { CentralDb } from '../../db/schema';
import { currentChangeVersion } from '../../db/change-version';

/** What the presence needs of a request's ctx (not `Ctx` itself: the ctx carries the presence). */
type Ctx = { db: Kysely<CentralDb>; dialect: DialectName; log: Pick<Logger, 'warn' | 'error'> };

/**
 * Cheap liveness (issue 13): what one central instance remembers of the registers that heartbeat
 * to it, so that a heartbeat — once a second from every till of a chain — costs no disk write and
 * no database read when nothing changed.
 *
 * What it holds, per instance, all in memory:
 * - tokens: sha256(register token) → register. Authentication of a register reads the database
 *   once, then never again until the register is forgotten (revoked, re-enrolled) — here at once;
 *   on PostgreSQL on the other instances when the NOTIFY arrives (milliseconds). On SQLite the
 *   connection's `PRAGMA data_version` is checked at each use: it moves only when another process
 *   committed to the file, and then every token is forgotten (a one-instance SQLite central never
 *   sees it move; two processes on one file stay correct, merely uncached). With neither, tokens
 *   are read at every request.
 * - states: the last state the register's row is known to hold (mode, outbox size, copy,
 *   versions…) and its copy schedule. A heartbeat that reports the same state writes nothing; its
 *   time goes to `seen`. A different state is remembered at once and queued in `pending`: the
 *   heartbeat never waits for a write (during a reintegration the outbox count changes at every
 *   heartbeat, and on SQLite a write would wait behind the pushes' transactions). Not remembered
 *   (first contact, or older than `stateRefreshMs` ±50 %: with several instances another one may
 *   have written the row meanwhile), the state is queued again: a restarted central costs one
 *   batched write per till, no read. Only a new URL is written by the heartbeat itself.
 * - rows: each register's copy schedule and URL (and its token, as above), loaded for the whole
 *   fleet in one query at start (on PostgreSQL once the listener is up) and every
 *   `stateRefreshMs`; a register enrolled since is read once.
 * - heads: the chain heads central holds for a register, loaded with the rows, replaced by a push's
 *   own heads when it commits here (dropped, through the channel, on every other instance); after
 *   `headsRefreshMs` (±50 %: entries filled together do not expire together) they are still
 *   answered while one background read refreshes them.
 * - pending / seen: states and last-seen times not yet written; every `flushMs` one transaction
 *   writes them all (a state change reaches the row, and the other instances, within `flushMs`).
 * - the change version, read at most every `versionTtlMs` (250 ms) whatever the number of
 *   registers, a known value answered at once while the next is read (a heartbeat never waits
 *   behind the pushes for the database): a heartbeat may announce a change up to that late (the change-event stream, not
 *   the heartbeat, is what brings changes quickly). Ages are measured on the monotonic clock,
 *   never on the business clock (a till's date may be moved; tests freeze central's).
 *
 * Invariants:
 * - Forgetting happens after the write it follows has committed (`forget*` is called once the
 *   service's transaction is done), locally at once and, on PostgreSQL, on every instance through
 *   NOTIFY on `comptoir_presence` (delivered within milliseconds; a revocation is honoured
 *   everywhere well within a second). A listener that (re)connects forgets everything: it may have
 *   missed a notification.
 * - A read started before a forget never fills the cache after it: fills carry a stamp taken
 *   before their read (`stamp`, `headsStamp`) and are dropped when it moved.
 * - A register's state and last-seen time reach the database late by at most `flushMs`; the fleet
 *   view of this instance shows the unwritten ones over the rows (`unwrittenOf`), including those of
 *   the flush under way until its transaction commits, so a till never looks silent or stale here
 *   because of the batching. Closing the app flushes.
 * - Nothing here is authoritative: losing it all (a restart) costs the fleet load and one batched
 *   write per till.
 */
export interface PresenceOptions {
  flushMs?: number;
  stateRefreshMs?: number;
  headsRefreshMs?: number;
  versionTtlMs?: number;
  /** PostgreSQL URL: LISTEN for other instances' forgets (absent: one instance, local forgets only). */
  listenUrl?: string;
  /** SQLite: the connection's data_version; when it moves, another process wrote the file and every token is forgotten. */
  dataVersion?: () => number;
}

export const PRESENCE_CHANNEL = 'comptoir_presence';
/** Ids per batched UPDATE of last-seen times (bound parameters stay far below either database's limit). */
const FLUSH_CHUNK = 400;

type TokenEntry = { registerId: string; storeId: string };
type RowEntry = { schedule: string; url: string | null };
/** A state to write: the UPDATE (given the flush's transaction), the columns it sets, the heartbeat's time. */
export type PendingState = { write: (db: Kysely<CentralDb>) => Promise<unknown>; columns: Record<string, unknown>; at: string };
type StateEntry = { key: string; schedule: string; until: number };
type HeadsEntry = { heads: Record<string, number>; until: number };

/**
 * When a remembered entry is next checked: its age limit spread over ±50 %, so that entries filled in
 * the same second (every till after a restart) are not all re-read in the same second again.
 */
const spread = (ms: number) => performance.now() + ms * (0.5 + Math.random());

export class FleetPresence {
  private readonly tokens = new Map<string, TokenEntry>();
  private readonly states = new Map<string, StateEntry>();
  private readonly heads = new Map<string, HeadsEntry>();
  private seen = new Map<string, string>();
  private pending = new Map<string, PendingState>();
  /** Names this instance in its notifications (it ignores its own). */
  private readonly instance = randomUUID();
  /** Bumped by every register forget (rare: revocation, enrolment, schedule) and by forgetAll. */
  private forgets = 0;
  /** Per register, bumped whenever a push moved its heads (frequent during a reintegration). */
  private readonly headMoves = new Map<string, number>();
  private version: { value: number; at: number } | null = null;
  private versionRead: Promise<number> | null = null;
  private dataVersionSeen: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private loadTimer: NodeJS.Timeout | null = null;
  private listener: PostgresListener | null = null;
  /** Per register: its copy schedule and the URL its row holds (bulk-loaded: a heartbeat never reads them). */
  private readonly rows = new Map<string, RowEntry>();
  private readonly headsReading = new Set<string>();
  private flushing: Promise<void> = Promise.resolve();
  /** What the flush under way is writing: still shown by `unwrittenOf` until its transaction commits. */
  private writingSeen = new Map<string, string>();
  private writingStates = new Map<string, PendingState>();
  private readonly flushMs: number;
  private readonly stateRefreshMs: number;
  private readonly headsRefreshMs: number;
  private readonly versionTtlMs: number;

  constructor(
    private readonly baseCtx: () => Ctx,
    private readonly opts: PresenceOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 1000;
    this.stateRefreshMs = opts.stateRefreshMs ?? 30_000;
    this.headsRefreshMs = opts.headsRefreshMs ?? 10_000;
    this.versionTtlMs = opts.versionTtlMs ?? 250;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.flushMs);
    this.timer.unref();
    // Every register's schedule, URL and token in one query, at start and every stateRefreshMs. On
    // PostgreSQL the first load waits for the listener: once it listens, nothing is missed, and
    // each (re)connection forgets what it may have missed and loads again.
    this.loadTimer = setInterval(() => void this.loadAll(), this.stateRefreshMs);
    this.loadTimer.unref();
    if (this.opts.listenUrl) {
      this.listener = listenPostgres(
        this.opts.listenUrl,
        PRESENCE_CHANNEL,
        (payload) => this.received(payload),
        () => {
          this.forgetAll();
          void this.loadAll();
        },
      );
    } else void this.loadAll();
  }

  /** Stops the timer and the listener, and writes the last-seen times still pending. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.loadTimer) clearInterval(this.loadTimer);
    this.timer = null;
    this.loadTimer = null;
    await this.listener?.close();
    this.listener = null;
    await this.flush();
  }

  /** Taken before a read whose result will be cached (see the invariant on fills). */
  stamp(): number {
    return this.forgets;
  }

  // --- tokens -------------------------------------------------------------------------------

  /** Only with a way to hear other instances' revocations (the PostgreSQL channel, SQLite's data_version): see the header. */
  registerOfToken(tokenHash: string): TokenEntry | undefined {
    if (!this.remembersTokens()) return undefined;
    return this.tokens.get(tokenHash);
  }

  rememberToken(tokenHash: string, entry: TokenEntry, stamp: number): void {
    if (this.remembersTokens() && stamp === this.forgets) this.tokens.set(tokenHash, entry);
  }

  private remembersTokens(): boolean {
    if (this.opts.listenUrl) return true;
    if (!this.opts.dataVersion) return false;
    const v = this.opts.dataVersion();
    if (v !== this.dataVersionSeen) {
      // Another process committed to the file (maybe a revocation): forget what it could have changed.
      if (this.dataVersionSeen !== null) this.forgetAll();
      this.dataVersionSeen = v;
    }
    return true;
  }

  // --- the registers' rows: schedule, URL, token ---------------------------------------------

  /**
   * Two queries for the whole fleet (the rows a heartbeat would otherwise read one by one, tokens
   * and chain heads included): after a restart or an outage, thousands of first heartbeats read
   * nothing. Dropped when a forget happened while it ran (it may predate a revocation); heads of a
   * register pushed meanwhile are not taken.
   */
  async loadAll(): Promise<void> {
    const stamp = this.forgets;
    try {
      const db = this.baseCtx().db;
      const all = await db.selectFrom('registers').select(['id', 'store_id', 'token_hash', 'revoked_at', 'sos_schedule', 'advertised_url']).execute();
      const moves = new Map(this.headMoves);
      const chains = await db.selectFrom('chain_heads').select(['register_id', 'chain', 'last_number']).execute();
      if (stamp !== this.forgets) return;
      const heads = new Map<string, Record<string, number>>();
      for (const h of chains) (heads.get(h.register_id) ?? heads.set(h.register_id, {}).get(h.register_id)!)[h.chain] = Number(h.last_number);
      // A push integrated since the read moved those heads: they are not taken from the load.
      for (const [id, hs] of heads) if ((this.headMoves.get(id) ?? 0) === (moves.get(id) ?? 0)) this.heads.set(id, { heads: hs, until: spread(this.headsRefreshMs) });
      const tokens = this.remembersTokens();
      if (stamp !== this.forgets) return;
      for (const r of all) {
        this.rows.set(r.id, { schedule: r.sos_schedule, url: r.advertised_url });
        if (tokens && r.token_hash && !r.revoked_at) this.tokens.set(r.token_hash, { registerId: r.id, storeId: r.store_id });
      }
    } catch (e) {
      // Closing, or the database is away: heartbeats read their row meanwhile.
      this.baseCtx().log.warn({ err: e }, 'presence: could not load the registers');
    }
  }

  rowOf(registerId: string): RowEntry | undefined {
    return this.rows.get(registerId);
  }

  rememberRow(registerId: string, row: RowEntry, stamp: number): void {
    if (stamp === this.forgets) this.rows.set(registerId, row);
  }

  // --- state written by heartbeats ----------------------------------------------------------

  /** What is remembered of the register's row, if fresh: its state's key and its copy schedule (else: read the row). */
  known(registerId: string): { key: string; schedule: string } | undefined {
    const s = this.states.get(registerId);
    return s && performance.now() < s.until ? s : undefined;
  }

  /** The row is known to hold the state `key` (read from it, or queued to be written). */
  rememberState(registerId: string, key: string, schedule: string, stamp: number): void {
    if (stamp === this.forgets) this.states.set(registerId, { key, schedule, until: spread(this.stateRefreshMs) });
  }

  /**
   * A heartbeat reported a new state: remembered at once, written by the next flush (`write`, in
   * the flush's transaction; `columns` is what the fleet view of this instance shows meanwhile).
   * A newer state of the same register replaces one not yet written.
   */
  queueState(registerId: string, key: string, schedule: string, stamp: number, pending: PendingState): void {
    this.rememberState(registerId, key, schedule, stamp);
    this.pending.set(registerId, pending);
    this.seen.delete(registerId);
  }

  /** The heartbeat wrote its state itself (a new URL): nothing older of this register is left to write; its row is read again. */
  wrote(registerId: string, key: string, schedule: string, stamp: number): void {
    this.rememberState(registerId, key, schedule, stamp);
    this.pending.delete(registerId);
    this.seen.delete(registerId);
    this.rows.delete(registerId);
  }

  markSeen(registerId: string, at: string): void {
    this.seen.set(registerId, at);
  }

  /** What this instance has not written yet of the register's row (the fleet view shows it over the row). */
  unwrittenOf(registerId: string): { columns: Record<string, unknown>; lastSeenAt: string } | undefined {
    // Queued since the flush under way began, over what that flush is writing (not committed yet:
    // a read of the row now sees the row before it).
    const p = this.pending.get(registerId);
    const writing = this.writingStates.get(registerId);
    const times = [p?.at, this.seen.get(registerId), writing?.at, this.writingSeen.get(registerId)].filter((x): x is string => !!x);
    if (times.length === 0) return undefined;
    return { columns: { ...writing?.columns, ...p?.columns }, lastSeenAt: times.sort().pop()! };
  }

  // --- heads ---------------------------------------------------------------------------------

  /** The remembered heads, and whether they are due to be read again (they are still answered meanwhile). */
  headsOf(registerId: string): { heads: Record<string, number>; due: boolean } | undefined {
    const h = this.heads.get(registerId);
    if (!h) return undefined;
    const due = performance.now() >= h.until && !this.headsReading.has(registerId);
    if (due) this.headsReading.add(registerId);
    return { heads: h.heads, due };
  }

  /** A background read of due heads is over (remembered or not). */
  headsRead(registerId: string): void {
    this.headsReading.delete(registerId);
  }

  /** Taken before reading a register's heads: a push integrated meanwhile (here or elsewhere) voids the fill. */
  headsStamp(registerId: string): string {
    return `${this.forgets}:${this.headMoves.get(registerId) ?? 0}`;
  }

  rememberHeads(registerId: string, heads: Record<string, number>, stamp: string): void {
    if (stamp === this.headsStamp(registerId)) this.heads.set(registerId, { heads, until: spread(this.headsRefreshMs) });
  }

  /**
   * A push of the register committed here with these heads (every chain, read and advanced in its
   * transaction): remembered as they are — the next heartbeat reads nothing — and forgotten on the
   * other instances.
   */
  async headsIntegrated(ctx: Ctx, registerId: string, heads: Record<string, number>): Promise<void> {
    this.headsMoved(registerId);
    this.heads.set(registerId, { heads, until: spread(this.headsRefreshMs) });
    await this.notify(ctx, 'h', registerId);
  }

  // --- the change version ---------------------------------------------------------------------

  /** The change version, read from the database at most every `versionTtlMs` (one read shared by all callers). */
  async changeVersion(): Promise<number> {
    const v = this.version;
    if (v && performance.now() - v.at < this.versionTtlMs) return v.value;
    const at = performance.now();
    this.versionRead ??= currentChangeVersion(this.baseCtx().db)
      .then((value) => {
        if (!this.version || value >= this.version.value) this.version = { value, at };
        return value;
      })
      .finally(() => {
        this.versionRead = null;
      });
    // Known but old: answered at once, read again in the background. A heartbeat never waits behind
    // the pushes for the database (SQLite's one connection, PostgreSQL's pool) when it has a value.
    if (v) {
      this.versionRead.catch(() => undefined);
      return v.value;
    }
    return this.versionRead;
  }

  // --- forgetting -------------------------------------------------------------------------------

  /** After a committed write that changes who a register is or what it is told (revocation, enrolment, schedule). */
  async forgetRegister(ctx: Ctx, registerId: string): Promise<void> {
    this.dropRegister(registerId);
    await this.notify(ctx, 'r', registerId);
  }

  /** After a push of the register was refused (maybe after a part was integrated): its heads may have moved. */
  async forgetHeads(ctx: Ctx, registerId: string): Promise<void> {
    this.headsMoved(registerId);
    await this.notify(ctx, 'h', registerId);
  }

  private dropRegister(registerId: string): void {
    this.forgets++;
    // What the register was just given (a schedule, an enrolment) usually came with a new change version.
    this.version = null;
    for (const [hash, t] of this.tokens) if (t.registerId === registerId) this.tokens.delete(hash);
    this.states.delete(registerId);
    this.heads.delete(registerId);
    this.rows.delete(registerId);
  }

  private forgetAll(): void {
    this.forgets++;
    this.tokens.clear();
    this.states.clear();
    this.heads.clear();
    this.rows.clear();
    this.version = null;
  }

  private received(payload: string): void {
    // `${kind}:${instance}:${registerId}`; this instance already acted on its own.
    const [kind, instance, id] = payload.split(':');
    if (!id || instance === this.instance) return;
    if (kind === 'r') this.dropRegister(id);
    else if (kind === 'h') this.headsMoved(id);
  }

  private headsMoved(registerId: string): void {
    this.headMoves.set(registerId, (this.headMoves.get(registerId) ?? 0) + 1);
    this.heads.delete(registerId);
  }

  /** Tells the other instances (PostgreSQL) to forget a register (`r`) or its heads (`h`). */
  private async notify(ctx: Ctx, kind: 'r' | 'h', registerId: string): Promise<void> {
    if (ctx.dialect !== 'postgres') return;
    const payload = `${kind}:${this.instance}:${registerId}`;
    try {
      await sql`SELECT pg_notify(${PRESENCE_CHANNEL}, ${payload})`.execute(ctx.db);
    } catch (e) {
      // The other instances heal by their refresh times (state 30 s, heads 10 s); a token stays
      // cached there: say it loudly.
      ctx.log.error({ err: e, payload }, 'presence: could not notify the other central instances');
    }
  }

  // --- batched last-seen ------------------------------------------------------------------------

  /** Writes every pending state (one UPDATE each) and last-seen time (one UPDATE per FLUSH_CHUNK registers), in one transaction. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writeUnwritten());
    return this.flushing;
  }

  private async writeUnwritten(): Promise<void> {
    if (this.seen.size === 0 && this.pending.size === 0) return;
    const batch = [...this.seen];
    const states = [...this.pending];
    this.writingSeen = this.seen;
    this.writingStates = this.pending;
    this.seen = new Map();
    this.pending = new Map();
    try {
      // One transaction: one durable commit (one fsync on SQLite) whatever the number of registers.
      // States first: each carries its heartbeat's time, and a last-seen time queued after it is newer.
      await this.baseCtx().db.transaction().execute(async (trx) => {
        for (const [, state] of states) await state.write(trx);
        for (let i = 0; i < batch.length; i += FLUSH_CHUNK) {
          const chunk = batch.slice(i, i + FLUSH_CHUNK);
          const cases = sql.join(chunk.map(([id, at]) => sql`WHEN ${id} THEN ${at}`), sql` `);
          await trx
            .updateTable('registers')
            .set({ last_seen_at: sql<string>`CASE id ${cases} ELSE last_seen_at END` })
            .where('id', 'in', chunk.map(([id]) => id))
            .execute();
        }
      });
    } catch (e) {
      // Put back what was not written, unless a newer heartbeat came meanwhile.
      for (const [id, at] of batch) if (!this.seen.has(id) && !this.pending.has(id)) this.seen.set(id, at);
      for (const [id, state] of states) if (!this.pending.has(id)) this.pending.set(id, state);
      this.baseCtx().log.warn({ err: e, registers: batch.length + states.length }, 'presence: heartbeat states not written; retrying at the next flush');
    } finally {
      this.writingSeen = new Map();
      this.writingStates = new Map();
    }
  }
}
