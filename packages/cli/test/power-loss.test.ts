import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { COMPTOIR_BIN, http, startCentralProcess, startRegisterProcess, tempDir, waitForHttp, type CentralProcess, type TempDir } from '@comptoir/testing';
import { cashierLogin } from './support/shop';

/**
 * Power loss (issue 14): an acknowledged sale must survive the loss of everything the disk did not
 * confirm. Two proofs on the real register process:
 *  1. under strace, every 201 answer to a sale is written to the socket only AFTER an fsync/fdatasync
 *     of the register's WAL that followed the previous answer: what the cashier was told is on the
 *     platter (SQLite WAL, synchronous=FULL: the commit syncs the WAL before it returns);
 *  2. the register's database files copied at the instant each sale is acknowledged (what a power
 *     cut at that instant leaves, given 1) open as a consistent database holding that ticket.
 * docs/reliability.md says what the disk itself must honour (a drive that lies about flushes defeats
 * any software).
 */
const hasStrace = spawnSync('strace', ['-V']).status === 0;
let dir: TempDir;
let central: CentralProcess;
before(async () => {
  if (!hasStrace) return;
  dir = await tempDir('comptoir-power-loss-');
  central = await startCentralProcess({ dataDir: join(dir.path, 'central') });
});
after(async () => {
  await central?.handle.stop();
  await dir?.cleanup();
});

test('a sale is acknowledged only after its commit reached the disk; files copied at the ack hold it', { skip: hasStrace ? false : 'strace is not installed' }, async () => {
  const creds = central.credentials();
  const admin = (await http(central.url, 'POST', '/api/auth/login', { body: creds.admin })).body.token as string;
  const created = await http(central.url, 'POST', '/api/registers', { token: admin, body: { name: 'Caisse coupure' } });
  const dataDir = join(dir.path, 'register');
  // Enrol once normally, then run the same register under strace.
  const first = await startRegisterProcess({ dataDir, centralUrl: central.url, enrolCode: created.body.enrolCode, heartbeatMs: 250 });
  const port = first.port;
  await first.handle.stop();

  const trace = join(dir.path, 'register.strace');
  const child = spawn('strace', ['-f', '-y', '-s', '64', '-e', 'trace=fsync,fdatasync,write,writev,sendto,sendmsg', '-o', trace,
    process.execPath, COMPTOIR_BIN, 'register', '--data', dataDir, '--central', central.url, '--port', String(port), '--heartbeat-ms', '250'], {
    stdio: 'ignore', env: { ...process.env, COMPTOIR_LOG_LEVEL: 'warn' }, detached: true,
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/api/status`, { timeoutMs: 60_000 });
    const token = await cashierLogin(url, creds.cashier);
    const sku = (await http(central.url, 'GET', '/api/products?limit=1', { token: admin })).body.items[0].sku as string;
    const SALES = 8;
    for (let i = 0; i < SALES; i++) {
      const r = await http(url, 'POST', '/api/sales', { token, body: { lines: [{ sku, quantity: 1 }], payments: [{ method: 'cash', amountCents: 100_000 }] }, timeoutMs: 30_000 });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      // The instant of the ack: copy the database and its WAL, open the copy, find the ticket.
      const copy = join(dir.path, `copy-${i}.sqlite`);
      copyFileSync(join(dataDir, 'register.sqlite'), copy);
      if (existsSync(join(dataDir, 'register.sqlite-wal'))) copyFileSync(join(dataDir, 'register.sqlite-wal'), `${copy}-wal`);
      const db = new Database(copy);
      try {
        assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
        const row = db.prepare('SELECT total_cents FROM tickets WHERE number = ?').get(r.body.number) as { total_cents: number } | undefined;
        assert.equal(row?.total_cents, r.body.totalCents, `ticket ${r.body.number} in the files copied at its acknowledgement`);
      } finally {
        db.close();
      }
    }
  } finally {
    // strace and the register it traces are one process group: end both (a power cut, as it were).
    const exited = new Promise((r) => child.once('exit', r));
    process.kill(-child.pid!, 'SIGKILL');
    await exited;
  }

  // Read the trace in order: a sync of the WAL must sit between any two 201 answers (and before the first).
  const lines = readFileSync(trace, 'utf8').split('\n');
  let syncedSinceLastAck = false;
  let acks = 0;
  for (const line of lines) {
    if (/\b(fsync|fdatasync)\(\d+<[^>]*register\.sqlite-wal>/.test(line) && !/= -1/.test(line)) syncedSinceLastAck = true;
    else if (/HTTP\/1\.1 201/.test(line)) {
      assert.ok(syncedSinceLastAck, `201 answer #${acks + 1} was written before any fsync of the WAL since the previous one:\n${line}`);
      syncedSinceLastAck = false;
      acks++;
    }
  }
  assert.equal(acks, 8, 'every 201 answer seen in the trace');
});
