// SQLite drivers compared on the register's hot path: one sale = one transaction (ticket, 3 lines,
// a signed chain record, an outbox row) on a WAL file with synchronous=FULL, as the register
// commits it (docs/architecture.md §2). Drivers: better-sqlite3 (the one in use) and Node's
// built-in node:sqlite where this Node has it. Plain JavaScript so it runs on any Node as is.
// Usage: node bench/sqlite-drivers.mjs [sales=2000]   (better-sqlite3 is resolved from the working
// directory's node_modules, so it must be built for the Node that runs this)
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SALES = Number(process.argv[2] ?? 2000);
const SCHEMA = [
  'CREATE TABLE tickets (number INTEGER PRIMARY KEY, sold_at TEXT NOT NULL, total_cents INTEGER NOT NULL, cashier TEXT NOT NULL)',
  'CREATE TABLE ticket_lines (number INTEGER NOT NULL, line INTEGER NOT NULL, sku TEXT NOT NULL, quantity INTEGER NOT NULL, total_cents INTEGER NOT NULL, PRIMARY KEY (number, line))',
  'CREATE TABLE records (chain TEXT NOT NULL, number INTEGER NOT NULL, payload TEXT NOT NULL, signature TEXT NOT NULL, PRIMARY KEY (chain, number))',
  'CREATE TABLE outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, chain TEXT NOT NULL, number INTEGER NOT NULL)',
];
const payload = JSON.stringify({ lines: [{ sku: 'SKU-000001', quantity: 2, unitPriceCents: 199 }], payments: [{ method: 'cash', amountCents: 1000 }], totalCents: 995 });
const signature = 'x'.repeat(86);

function run(name, open) {
  const dir = mkdtempSync(join(tmpdir(), 'comptoir-sqlite-bench-'));
  const db = open(join(dir, 'register.sqlite'));
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = FULL');
    for (const s of SCHEMA) db.exec(s);
    const ticket = db.prepare('INSERT INTO tickets (number, sold_at, total_cents, cashier) VALUES (?, ?, ?, ?)');
    const line = db.prepare('INSERT INTO ticket_lines (number, line, sku, quantity, total_cents) VALUES (?, ?, ?, ?, ?)');
    const record = db.prepare('INSERT INTO records (chain, number, payload, signature) VALUES (?, ?, ?, ?)');
    const outbox = db.prepare('INSERT INTO outbox (chain, number) VALUES (?, ?)');
    const head = db.prepare("SELECT coalesce(max(number), 0) AS n FROM records WHERE chain = 'ticket'");
    const times = [];
    for (let i = 0; i < SALES; i++) {
      const t0 = process.hrtime.bigint();
      db.exec('BEGIN IMMEDIATE');
      const n = Number(head.get().n) + 1;
      ticket.run(n, new Date().toISOString(), 995, 'marie');
      for (let l = 1; l <= 3; l++) line.run(n, l, `SKU-00000${l}`, 1, 199 * l);
      record.run('ticket', n, payload, signature);
      outbox.run('ticket', n);
      db.exec('COMMIT');
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    times.sort((a, b) => a - b);
    const q = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(3);
    const mean = (times.reduce((s, t) => s + t, 0) / times.length).toFixed(3);
    console.log(`${process.version}\t${name}\tsales=${SALES}\tmean=${mean} ms\tp50=${q(0.5)} ms\tp95=${q(0.95)} ms\tp99=${q(0.99)} ms`);
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const require = createRequire(join(process.cwd(), 'index.js'));
try {
  const Database = require('better-sqlite3');
  run(`better-sqlite3 ${require('better-sqlite3/package.json').version}`, (file) => new Database(file));
} catch (e) {
  console.log(`${process.version}\tbetter-sqlite3: not usable here (${e.message.split('\n')[0]})`);
}
let sqlite = null;
try {
  sqlite = await import('node:sqlite');
} catch {
  console.log(`${process.version}\tnode:sqlite: not in this Node`);
}
if (sqlite) run('node:sqlite', (file) => new sqlite.DatabaseSync(file));
