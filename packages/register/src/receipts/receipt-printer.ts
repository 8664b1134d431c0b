import { connect } from 'node:net';
import type { Logger } from 'pino';
import type { Receipt } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { encodeDrawerKick, encodeReceiptEscPos } from './escpos-receipt';

// The network receipt printer (ESC/POS over raw TCP, usually port 9100), when one is configured.
// Printing always happens after the sale (or reprint) was committed and acknowledged: it never
// blocks nor fails a sale. Each attempt is a job whose outcome (`printed: true`, or `printed: false`
// with the reason) is logged and listed by `GET /api/printer`; a receipt that did not print stays
// available for a reprint (`POST /api/tickets/:n/duplicates`, a signed DUPLICATA).
// The cash drawer is wired to the printer: its kick (`ESC p`, a no-sale opening) goes through the
// same queue, so it never lands inside a receipt's bytes; its outcome is logged, not listed.

export interface PrinterTarget {
  host: string;
  port: number;
}

/** `tcp://HOST[:PORT]` (port 9100 by default) → host and port; anything else throws. */
export function parsePrinterUrl(url: string): PrinterTarget {
  const m = /^tcp:\/\/(\[[^\]]+\]|[^:/\s]+)(?::(\d{1,5}))?\/?$/.exec(url.trim());
  if (!m) throw new Error(`invalid printer "${url}": expected tcp://HOST:PORT`);
  const port = m[2] ? Number(m[2]) : 9100;
  if (port < 1 || port > 65535) throw new Error(`invalid printer port in "${url}"`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port };
}

/**
 * Sends `bytes` to the printer over one TCP connection and closes it. Resolves once the bytes were
 * handed to the network and the connection closed cleanly; rejects on a refused/unreachable
 * connection, or when connecting or writing stalls for `timeoutMs`.
 */
export function sendToPrinter(target: PrinterTarget, bytes: Uint8Array, timeoutMs = 3000): Promise<void> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const socket = connect({ host: target.host, port: target.port });
    const fail = (err: Error) => {
      socket.destroy();
      if (settled) return;
      settled = true;
      reject(err);
    };
    // Idle timeout: connecting or writing stalls. After success it only frees a socket the
    // printer keeps open.
    socket.setTimeout(timeoutMs, () => fail(new Error(`printer ${target.host}:${target.port} timed out after ${timeoutMs} ms`)));
    socket.on('error', fail);
    socket.once('close', () => fail(new Error(`printer ${target.host}:${target.port} closed the connection`)));
    socket.resume(); // drain whatever status bytes the printer sends back
    socket.once('connect', () => {
      // Half-close once everything is flushed; no destroy (an RST could drop bytes still in flight).
      socket.end(bytes, () => {
        if (settled) return;
        settled = true;
        resolve();
      });
    });
  });
}

export interface PrintJob {
  id: number;
  kind: 'ticket' | 'duplicate';
  ticketNumber: number;
  /** The duplicate's number (its `duplicate` chain record) for a reprint, else null. */
  duplicateNumber: number | null;
  queuedAt: string;
  /** null while pending; then whether the bytes reached the printer. */
  printed: boolean | null;
  /** Why it did not print (e.g. "connect ECONNREFUSED 10.0.0.9:9100"), else null. */
  reason: string | null;
  finishedAt: string | null;
}

export interface PrinterStatus {
  configured: boolean;
  printer: string | null;
  /** The most recent jobs, newest first (at most 50; kept in memory only). */
  jobs: PrintJob[];
}

const KEEP_JOBS = 50;

/** One printer, one job at a time (receipts never interleave on paper), outcomes kept in memory. */
export class ReceiptPrinter {
  readonly target: PrinterTarget;
  private readonly jobs: PrintJob[] = [];
  private nextId = 1;
  private chain: Promise<unknown> = Promise.resolve();
  /** Receipts that did not print since the start (the metrics' counter). */
  failures = 0;

  constructor(
    readonly url: string,
    private readonly logger: Logger,
    private readonly timeoutMs = 3000,
  ) {
    this.target = parsePrinterUrl(url);
  }

  private newJob(kind: PrintJob['kind'], ticketNumber: number, duplicateNumber: number | null): PrintJob {
    const job: PrintJob = {
      id: this.nextId++,
      kind,
      ticketNumber,
      duplicateNumber,
      queuedAt: new Date().toISOString(),
      printed: null,
      reason: null,
      finishedAt: null,
    };
    this.jobs.unshift(job);
    if (this.jobs.length > KEEP_JOBS) this.jobs.length = KEEP_JOBS;
    return job;
  }

  /** A ticket whose receipt could not even be built (listed as not printed, with the reason). */
  recordFailure(ticketNumber: number, reason: string): PrintJob {
    const job = this.newJob('ticket', ticketNumber, null);
    job.printed = false;
    job.reason = reason;
    job.finishedAt = job.queuedAt;
    this.failures++;
    this.logger.warn({ ticket: ticketNumber, printer: this.url, reason }, 'receipt not printed');
    return job;
  }

  /** Queues the receipt; the promise settles with the job's outcome and never rejects. */
  print(receipt: Receipt): Promise<PrintJob> {
    const job = this.newJob(receipt.duplicate ? 'duplicate' : 'ticket', receipt.ticket.number, receipt.duplicate?.number ?? null);
    const run = this.chain.then(async () => {
      try {
        await sendToPrinter(this.target, encodeReceiptEscPos(receipt), this.timeoutMs);
        job.printed = true;
        this.logger.info({ ticket: job.ticketNumber, duplicate: job.duplicateNumber, printer: this.url }, 'receipt printed');
      } catch (e) {
        job.printed = false;
        job.reason = e instanceof Error ? e.message : String(e);
        this.failures++;
        this.logger.warn(
          { ticket: job.ticketNumber, duplicate: job.duplicateNumber, printer: this.url, reason: job.reason },
          'receipt not printed (the receipt stays available for a reprint)',
        );
      }
      job.finishedAt = new Date().toISOString();
      return job;
    });
    this.chain = run;
    return run;
  }

  /** Queues the drawer's pulse; settles with whether the printer took it (never rejects). */
  kickDrawer(): Promise<{ sent: boolean; reason: string | null }> {
    const run = this.chain.then(async () => {
      try {
        await sendToPrinter(this.target, encodeDrawerKick(), this.timeoutMs);
        this.logger.info({ printer: this.url }, 'cash drawer kicked');
        return { sent: true, reason: null };
      } catch (e) {
        const reason = e instanceof Error ? e.message : String(e);
        this.logger.warn({ printer: this.url, reason }, 'cash drawer not kicked (the printer did not take the pulse)');
        return { sent: false, reason };
      }
    });
    this.chain = run;
    return run;
  }

  status(): PrinterStatus {
    return { configured: true, printer: this.url, jobs: this.jobs.map((j) => ({ ...j })) };
  }
}

const printers = new WeakMap<RegisterContext, ReceiptPrinter>();

/** Configures the register's receipt printer (called once at start-up when one is configured). */
export function attachReceiptPrinter(ctx: RegisterContext, url: string, timeoutMs?: number): ReceiptPrinter {
  const printer = new ReceiptPrinter(url, ctx.logger, timeoutMs);
  printers.set(ctx, printer);
  return printer;
}

export function receiptPrinterOf(ctx: RegisterContext): ReceiptPrinter | null {
  return printers.get(ctx) ?? null;
}

export function printerStatus(ctx: RegisterContext): PrinterStatus {
  return receiptPrinterOf(ctx)?.status() ?? { configured: false, printer: null, jobs: [] };
}
