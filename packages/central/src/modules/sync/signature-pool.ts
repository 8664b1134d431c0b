import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { SignedRecord } from '@comptoir/domain';
import { checkRecordSignatures } from './public-keys';
import type { SignatureCheck } from './signature-check.worker';

// Signature verification is the ingest's main CPU cost (ECDSA P-256 + canonical JSON). Large
// batches are checked on worker threads so that the main thread keeps writing other batches: pushes
// from several registers arrive together, so the check of one batch overlaps the SQL (and the
// commit's fsync) of another. Pool size: cores − 1, at most 4 (measured on 2 cores: one worker
// raises reintegration throughput, the hand-off being one string copy); COMPTOIR_VERIFY_WORKERS
// overrides (0 = always in-thread). Small batches (a live sale) stay in-thread: a hop costs more.
// The worker receives the request body's text exactly as received and parses it itself, so the
// main thread neither clones records nor canonicalises them. If a worker cannot start, or the body
// text is not at hand, it runs in-thread. Results are identical either way: both call
// @comptoir/domain's verifyRecord on the records as received (the worker is signature-check.worker.ts,
// compiled by `npm run build`; without that build every batch is checked in-thread). Workers are
// unref'd: they never keep the process alive.

type Pending = { resolve(ok: boolean[]): void; reject(e: Error): void };
interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

const CORES = availableParallelism();
const SIZE = Number(process.env.COMPTOIR_VERIFY_WORKERS ?? (CORES >= 2 ? Math.min(4, CORES - 1) : 0));
const MIN_PER_WORKER = 64;
let workers: PoolWorker[] | null = null;
let broken = process.env.COMPTOIR_VERIFY_IN_THREAD === '1';
let nextId = 0;
let rr = 0;
const stats = { onWorkers: 0, inThread: 0 };

/** Records verified so far on worker threads and in-thread (tests check which path ran). */
export function signaturePoolStats(): { onWorkers: number; inThread: number } {
  return { ...stats };
}

/** The compiled worker, found through the package: from the TypeScript sources and from the bundle alike. */
const WORKER_FILE = join(dirname(createRequire(import.meta.url).resolve('@comptoir/central/package.json')), 'dist', 'signature.worker.mjs');

function verifyInThread(pems: readonly string[], records: SignedRecord[]): boolean[] {
  stats.inThread += records.length;
  return checkRecordSignatures(pems, records);
}

function startWorkers(): PoolWorker[] {
  const list: PoolWorker[] = [];
  if (!existsSync(WORKER_FILE)) {
    broken = true; // not built (`npm run build`): every batch is checked in-thread
    return list;
  }
  for (let i = 0; i < SIZE; i++) {
    // Compiled JavaScript: no loader needed (execArgv: [] so as not to start tsx's loader in the worker).
    const worker = new Worker(WORKER_FILE, { execArgv: [] });
    const pw: PoolWorker = { worker, pending: new Map() };
    worker.on('message', (m: { id: number; ok?: boolean[]; error?: string }) => {
      const p = pw.pending.get(m.id);
      pw.pending.delete(m.id);
      if (pw.pending.size === 0) worker.unref();
      if (m.ok) p?.resolve(m.ok);
      else p?.reject(new Error(m.error ?? 'signature worker failed'));
    });
    const fail = (e: Error) => {
      broken = true;
      for (const p of pw.pending.values()) p.reject(e);
      pw.pending.clear();
      worker.unref();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`signature worker exited (${code})`)));
    // Referenced only while it has work (after the listeners: adding a 'message' listener refs it).
    worker.unref();
    list.push(pw);
  }
  return list;
}

function onWorker(pw: PoolWorker, pems: readonly string[], body: string, from: number, to: number): Promise<boolean[]> {
  return new Promise((resolve, reject) => {
    const id = ++nextId;
    if (pw.pending.size === 0) pw.worker.ref();
    pw.pending.set(id, { resolve, reject });
    pw.worker.postMessage({ id, pems: [...pems], body, from, to } satisfies SignatureCheck);
  });
}

/**
 * ok[i] tells whether records[i].signature is a valid signature of records[i] under the key of `pems`
 * it names (`keyId`; the oldest, `pems[0]`, when it names none).
 * `body`, when given, is the JSON text of the request whose `records` are `records` (as received):
 * what a worker parses instead of receiving the records.
 */
export async function verifySignatures(pems: readonly string[], records: SignedRecord[], body?: string): Promise<boolean[]> {
  if (SIZE === 0 || broken || body === undefined || records.length < MIN_PER_WORKER) return verifyInThread(pems, records);
  try {
    workers ??= startWorkers();
    if (workers.length === 0) return verifyInThread(pems, records);
    const parts = Math.min(workers.length, Math.ceil(records.length / MIN_PER_WORKER));
    const size = Math.ceil(records.length / parts);
    const results = await Promise.all(
      Array.from({ length: parts }, (_, i) =>
        onWorker(workers![(rr++) % workers!.length]!, pems, body, i * size, Math.min(records.length, (i + 1) * size)),
      ),
    );
    const ok = results.flat();
    if (ok.length !== records.length) throw new Error('signature worker answered for other records');
    stats.onWorkers += ok.length;
    return ok;
  } catch {
    // A worker that died sets `broken`; any other failure (malformed key…) is reported in-thread.
    return verifyInThread(pems, records);
  }
}
