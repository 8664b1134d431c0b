import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';

// WAL checkpoints off the sale path. SQLite's automatic checkpoint runs inside the COMMIT that
// crosses the threshold and, with synchronous=FULL, fsyncs the database file there: a sale would pay
// for it (tens of ms). Instead a worker thread with its own connection runs PASSIVE checkpoints
// (they never block writers) every second; the main connection keeps a high automatic threshold as
// a safety net in case the worker dies. Durability is unchanged: every commit still fsyncs the WAL.

const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 100');
const tick = () => { try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (e) {} };
const timer = setInterval(tick, workerData.intervalMs);
parentPort.on('message', (m) => {
  if (m !== 'stop') return;
  clearInterval(timer);
  tick();
  db.close();
  parentPort.postMessage('stopped');
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(sqlite: Database.Database, file: string, intervalMs = 1000): Checkpointer {
  sqlite.pragma('wal_autocheckpoint = 20000');
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const worker = new Worker(WORKER, { eval: true, workerData: { file, driver, intervalMs } });
  worker.unref();
  let alive = true;
  worker.on('error', () => {
    alive = false;
    sqlite.pragma('wal_autocheckpoint = 1000');
  });
  worker.on('exit', () => {
    alive = false;
  });
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        if (!alive) return resolve();
        const done = () => {
          void worker.terminate().finally(resolve);
        };
        worker.once('message', done);
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
        setTimeout(done, 2000).unref();
      }),
  };
}
