// The chain self-check at start (issue 10): cost of the first check (every record from 1) against
// the next start's (resumed from the verified head), on a register database with many records.
// Run: node --import tsx bench/self-check.bench.ts [RECORDS]   (numbers in docs/benchmarks.md)
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { migrateToLatest, openSqliteFile, sqliteKysely } from '@comptoir/db';
import { generateSigningKeyPair, keyIdOf } from '@comptoir/domain';
import { eventPayload } from '@comptoir/protocol';
import { createContext, registerMigrations, type RegisterDatabase } from '../packages/register/src/index';
import { appendRecord } from '../packages/register/src/chain/record-chain';
import { selfCheckChains } from '../packages/register/src/chain/verify-chains';

const n = Number(process.argv[2] ?? 50_000);
const dir = mkdtempSync(join(tmpdir(), 'comptoir-self-check-'));
try {
  const sqlite = openSqliteFile(join(dir, 'register.sqlite'));
  const db = sqliteKysely<RegisterDatabase>(sqlite);
  await migrateToLatest(db, registerMigrations);
  const ctx = createContext({ db, sqlite, logger: pino({ level: 'silent' }), keyFile: join(dir, 'key.pem') });
  const keys = generateSigningKeyPair();
  sqlite.prepare('UPDATE register_meta SET register_id = ?, public_key_pem = ? WHERE id = 1').run('reg-bench', keys.publicKeyPem);
  ctx.identity = { registerId: 'reg-bench', registerName: 'Caisse', storeId: 's', token: 't', privateKey: createPrivateKey(keys.privateKeyPem), publicKeyPem: keys.publicKeyPem, keyId: keyIdOf(keys.publicKeyPem) };
  const at = new Date('2026-01-01T08:00:00Z').toISOString();
  for (let i = 0; i < n; i += 1000) {
    sqlite.transaction(() => {
      for (let j = i; j < Math.min(n, i + 1000); j++) appendRecord(ctx, 'event', eventPayload('login', { n: j }), at);
    })();
  }
  const time = (label: string) => {
    const t0 = performance.now();
    const reports = selfCheckChains(ctx);
    console.log(`${label}: ${(performance.now() - t0).toFixed(0)} ms (${reports.map((r) => `${r.chain} ${r.records} records ${r.ok ? 'ok' : r.problem}`).join(', ')})`);
  };
  console.log(`${n} records`);
  time('first start (full check from record 1)');
  appendRecord(ctx, 'event', eventPayload('login', {}), at);
  time('next start (resumed from the verified head, 1 new record)');
  await db.destroy();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
