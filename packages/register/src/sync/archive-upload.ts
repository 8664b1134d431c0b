import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { RegisterContext } from '../context';
import { CentralCallError, centralBusyFor, type CentralClient } from './central-client';

/** What the uploader needs from the link monitor: only while connected. */
export interface UploadLink {
  canPush(): boolean;
}

type PendingFile = { number: number; file: string; sha256: string };

/** Longest wait before a failed upload is tried again (a heartbeat kicks it sooner than that only once it is due). */
const MAX_RETRY_DELAY_MS = 5 * 60_000;

/**
 * Sends the archive files this register wrote when it signed their archive records
 * (archives/archive.service.ts, table `archive_files`) to central, which keeps them
 * (`PUT /api/sync/archives/:number/file`, issue 10 item 6).
 * Phases of one file: written (`sent_at` and `refused` null) → waiting until its archive record is
 * integrated (an `integrations` row: central can then check the file against that record) → sent
 * (`sent_at`: central answered with the same SHA-256) or refused for good (`refused`).
 * Invariants:
 * - ONE upload in flight, files in archive order; never awaited by a sale: kicked when the outbox has
 *   drained and after every connected heartbeat; reading the file and the call are outside any transaction;
 * - a network failure, a 5xx, central busy, `ARCHIVE_NOT_INTEGRATED`, or a 404 `NOT_FOUND` (a
 *   central older than this register, without the route) leaves the file for later
 *   (an exponential delay ≤ 5 min on the monotonic clock); a repeat is never a
 *   duplicate: central keeps one file per archive and answers a repeat of the same bytes with 200;
 * - any other refusal (`ARCHIVE_FILE_MISMATCH`, a file over central's limit), a file gone from the
 *   disk or changed since it was written (its SHA-256 is the one recorded at signing) is final:
 *   `refused` says why, it is logged, and the file is not sent again (central can still rebuild it
 *   from its records: `GET /api/archives/:registerId/:number/file`).
 */
export class ArchiveUploader {
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private failures = 0;
  private notBefore = 0;

  constructor(
    private readonly ctx: RegisterContext,
    private readonly client: CentralClient,
    private readonly link: UploadLink,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** Starts a pass over the files waiting (joins the running one: it looks again when done). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.run()
      .catch((e: unknown) => this.ctx.logger.error({ err: String(e) }, 'archive upload crashed'))
      .finally(() => {
        this.running = null;
        if (this.again && !this.stopped) this.kick();
      });
  }

  /** The pass under way, if any (tests wait on it). */
  settled(): Promise<void> {
    return this.running ?? Promise.resolve();
  }

  stop(): void {
    this.stopped = true;
  }

  /** Files written, not sent nor refused, whose archive record central integrated. */
  pending(): PendingFile[] {
    return this.ctx.sqlite
      .prepare(
        `SELECT f.number, f.file, f.sha256 FROM archive_files f
         JOIN integrations i ON i.chain = 'archive' AND i.number = f.number
         WHERE f.sent_at IS NULL AND f.refused IS NULL ORDER BY f.number`,
      )
      .all() as PendingFile[];
  }

  private async run(): Promise<void> {
    do {
      this.again = false;
      if (this.clock() < this.notBefore) return;
      for (const f of this.pending()) {
        if (this.stopped || !this.link.canPush()) return;
        if (!(await this.send(f))) {
          this.failures++;
          this.notBefore = this.clock() + Math.min(MAX_RETRY_DELAY_MS, 1000 * 2 ** Math.min(this.failures, 10));
          return;
        }
        this.failures = 0;
      }
    } while (this.again && !this.stopped);
  }

  /** One file: true when it is settled (sent, or refused for good), false to try again later. */
  private async send(f: PendingFile): Promise<boolean> {
    let bytes: Buffer;
    try {
      bytes = await readFile(f.file);
    } catch (e) {
      return this.refuse(f, `file unreadable: ${(e as Error).message}`);
    }
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    if (sha256 !== f.sha256) return this.refuse(f, `file changed since it was written (SHA-256 ${sha256}, written ${f.sha256})`);
    try {
      const receipt = await this.client.sendArchiveFile(f.number, bytes);
      if (receipt.sha256 !== sha256) return this.refuse(f, `central keeps another file (SHA-256 ${receipt.sha256})`);
      this.ctx.sqlite.prepare('UPDATE archive_files SET sent_at = ? WHERE number = ?').run(this.ctx.now().toISOString(), f.number);
      this.ctx.logger.info({ archive: f.number, sizeBytes: receipt.sizeBytes }, 'archive file kept by central');
      return true;
    } catch (e) {
      if (!(e instanceof CentralCallError)) throw e;
      // NOT_FOUND: no such route (a central older than this register; this route itself never answers it).
      const later = e.kind === 'network' || e.status >= 500 || centralBusyFor(e) !== null || e.code === 'ARCHIVE_NOT_INTEGRATED' || e.code === 'NOT_FOUND';
      if (later) {
        this.ctx.logger.warn({ archive: f.number, err: e.message }, 'archive file not sent yet; will retry');
        return false;
      }
      return this.refuse(f, `${e.code}: ${e.message}`);
    }
  }

  private refuse(f: PendingFile, reason: string): true {
    this.ctx.sqlite.prepare('UPDATE archive_files SET refused = ? WHERE number = ?').run(reason, f.number);
    this.ctx.logger.error({ archive: f.number, file: f.file, reason }, 'archive file not sent to central (kept on the register)');
    return true;
  }
}
