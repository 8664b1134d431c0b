import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { createPublicKey, type KeyObject } from 'node:crypto';
import { verifyRecord, type SignedRecord } from '@comptoir/domain';

// Signature verification is the ingest's main CPU cost (ECDSA P-256 + canonical JSON). It runs on a
// small pool of worker threads (cores − 2, at most 4: one core for the main thread, one for the
// database) so the main thread keeps writing batches; below 4 cores (measured: the hand-off costs
// more than it saves), or if a worker cannot start, it runs in-thread. Results are identical either way:
// both call @comptoir/domain's verifyRecord. Workers are unref'd: they never keep the process alive.

type Pending = { resolve(ok: boolean[]): void; reject(e: Error): void };
interface PoolWorker {
  worker: Worker;
  pending: Map<number, Pending>;
}

const CORES = availableParallelism();
const SIZE = Number(process.env.COMPTOIR_VERIFY_WORKERS ?? (CORES >= 4 ? Math.min(4, CORES - 2) : 0));
const MIN_PER_WORKER = 64;
let workers: PoolWorker[] | null = null;
let broken = process.env.COMPTOIR_VERIFY_IN_THREAD === '1';
let nextId = 0;
let rr = 0;

const keyCache = new Map<string, KeyObject>();
function keyOf(pem: string): KeyObject {
  let key = keyCache.get(pem);
  if (!key) {
    if (keyCache.size > 10000) keyCache.clear();
    key = createPublicKey(pem);
    keyCache.set(pem, key);
  }
  return key;
}

function verifyInThread(pem: string, records: SignedRecord[]): boolean[] {
  const key = keyOf(pem);
  return records.map((r) => {
    try {
      return verifyRecord(key, r, r.signature);
    } catch {
      return false;
    }
  });
}

function startWorkers(): PoolWorker[] {
  const list: PoolWorker[] = [];
  for (let i = 0; i < SIZE; i++) {
    const worker = new Worker(new URL('./signature.worker.ts', import.meta.url));
    worker.unref();
    const pw: PoolWorker = { worker, pending: new Map() };
    worker.on('message', (m: { id: number; ok: boolean[] }) => {
      const p = pw.pending.get(m.id);
      pw.pending.delete(m.id);
      p?.resolve(m.ok);
    });
    const fail = (e: Error) => {
      broken = true;
      for (const p of pw.pending.values()) p.reject(e);
      pw.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`signature worker exited (${code})`)));
    list.push(pw);
  }
  return list;
}

function onWorker(pw: PoolWorker, pem: string, records: SignedRecord[]): Promise<boolean[]> {
  return new Promise((resolve, reject) => {
    const id = ++nextId;
    pw.pending.set(id, { resolve, reject });
    pw.worker.postMessage({ id, pem, records });
  });
}

/** ok[i] tells whether records[i].signature is a valid signature of records[i] under `pem`. */
export async function verifySignatures(pem: string, records: SignedRecord[]): Promise<boolean[]> {
  if (SIZE === 0 || broken || records.length < MIN_PER_WORKER) return verifyInThread(pem, records);
  try {
    workers ??= startWorkers();
    const parts = Math.min(workers.length, Math.ceil(records.length / MIN_PER_WORKER));
    const size = Math.ceil(records.length / parts);
    const results = await Promise.all(
      Array.from({ length: parts }, (_, i) => onWorker(workers![(rr++) % workers!.length]!, pem, records.slice(i * size, (i + 1) * size))),
    );
    return results.flat();
  } catch {
    broken = true;
    return verifyInThread(pem, records);
  }
}
