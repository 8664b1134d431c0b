import os from 'node:os';
import { startPostgres } from '@comptoir/testing';
import { benchSaleCommit } from './sale-commit.bench';
import { benchReintegration, printReintegration } from './reintegration.bench';
import { benchScanToLine } from './scan-to-line.bench';
import { benchSosCopy } from './sos-copy.bench';

/**
 * `npm run bench`: every figure of docs/benchmarks.md, with its baseline measured in the same run.
 * `npm run bench -- sale` (or `scan`, `copy`, `reintegration`) runs one part.
 */
const only = process.argv[2];
console.log(`Comptoir benchmarks — ${new Date().toISOString()} — ${os.cpus().length}× ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);

if (!only || only === 'sale') await benchSaleCommit();

if (!only || only === 'copy') await benchSosCopy();

if (!only || only === 'scan') await benchScanToLine();

if (!only || only === 'reintegration') {
  printReintegration(await benchReintegration({ label: 'SQLite' }));
  const pg = await startPostgres();
  try {
    printReintegration(await benchReintegration({ label: 'PostgreSQL', databaseUrl: await pg.createDatabase('bench_reintegration') }));
  } finally {
    await pg.stop();
  }
}
process.exit(0);
