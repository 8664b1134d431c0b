import os from 'node:os';
import { startPostgres } from '@comptoir/testing';
import { benchSaleCommit } from './sale-commit.bench';
import { benchReintegration, printReintegration } from './reintegration.bench';
import { benchScanToLine } from './scan-to-line.bench';
import { benchSosCopy } from './sos-copy.bench';
import { benchFleet } from './fleet.bench';
import { benchStampede } from './stampede.bench';
import { benchPartitions, printPartitions } from './partitions.bench';

/**
 * `npm run bench`: every figure of docs/benchmarks.md, with its baseline measured in the same run.
 * `npm run bench -- sale` (or `scan`, `copy`, `reintegration`, `fleet`) runs one part; `fleet` is
 * not in the default run (it takes minutes): `npm run bench -- fleet [levels, e.g. 1000,5000]`;
 * nor is `stampede` (500 registers × 200 offline tickets reconnecting at once), nor `partitions`
 * (`npm run bench -- partitions [tickets stored, default 1000000]`: monthly partitions against the
 * same data unpartitioned; docs/benchmarks.md gives 10000000 as the full-size command).
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
if (only === 'fleet') {
  const levels = (process.argv[3] ?? '1000,2500,5000,7500').split(',').map(Number);
  await benchFleet({ label: 'SQLite', levels });
  const pg = await startPostgres();
  try {
    await benchFleet({ label: 'PostgreSQL', databaseUrl: await pg.createDatabase('bench_fleet'), levels });
  } finally {
    await pg.stop();
  }
}
if (only === 'stampede') {
  await benchStampede({ label: 'SQLite' });
  const pg = await startPostgres();
  try {
    await benchStampede({ label: 'PostgreSQL', databaseUrl: await pg.createDatabase('bench_stampede') });
  } finally {
    await pg.stop();
  }
}
if (only === 'partitions') {
  const tickets = Number(process.argv[3] ?? 1_000_000);
  const pg = await startPostgres();
  try {
    for (const partitioned of [true, false]) printPartitions(await benchPartitions(pg, { tickets, partitioned }));
  } finally {
    await pg.stop();
  }
}
process.exit(0);
