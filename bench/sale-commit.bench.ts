import { join } from 'node:path';
import pino from 'pino';
import { openSqliteFile } from '@comptoir/db';
import { createSale, startRegisterAgent, type RunningRegister } from '@comptoir/register';
import { eventually, http, startCentralProcess, startFaultProxy, startRegisterProcess, tempDir, type FaultMode } from '@comptoir/testing';
import { benchBarcode, benchPrice, benchSku, growCatalog } from './catalog';
import { fmt, line, rssOf, summarize } from './stats';

const CATALOG = Number(process.env.BENCH_CATALOG ?? 100_000);
const SALES = Number(process.env.BENCH_SALES ?? 3000);
/** The V8 limits the README recommends for a register on a till (young generation 2 MB, heap 128 MB). */
const TILL_NODE_OPTIONS = '--max-semi-space-size=2 --max-old-space-size=128';
let registerCount = 0;

/**
 * Sale commit at the register with a 100,000-product SOS copy: price, sign, chain, durable commit,
 * outbox — the register's own sale service called in-process (no HTTP), against a real register
 * database enrolled on a real central server process. Baseline in the same process and on the same
 * disk: one bare durable SQLite commit (WAL, synchronous=FULL) of a one-row insert.
 * Then the same sales during a link cut (refused) and a black hole, and the register agent's
 * resident memory in its own process.
 */
export async function benchSaleCommit(): Promise<void> {
  const dir = await tempDir('comptoir-bench-sale-');
  const central = await startCentralProcess({ dataDir: join(dir.path, 'central'), name: 'central-bench' });
  let register: RunningRegister | undefined;
  const link = await startFaultProxy({ target: { host: '127.0.0.1', port: central.port } });
  try {
    const creds = central.credentials();
    await growCatalog(join(central.dataDir, 'central.sqlite'), creds.storeId, CATALOG);
    const admin = (await http(central.url, 'POST', '/api/auth/login', { body: creds.admin })).body.token;
    const newRegister = async (name: string) => (await http(central.url, 'POST', '/api/registers', { token: admin, body: { name } })).body;

    const created = await newRegister('Bench 1');
    const t0 = performance.now();
    register = await startRegisterAgent({
      dataDir: join(dir.path, 'register'),
      port: 0,
      centralUrl: link.url,
      enrolCode: created.enrolCode,
      logger: pino({ level: 'silent' }),
    });
    const enrolMs = performance.now() - t0;
    const copied = register.status();
    line(`register enrolment + first full copy (${CATALOG} products)`, `${(enrolMs / 1000).toFixed(2)} s, ${copied.lastSosCopyKind}`);

    const baseline = bareCommits(join(dir.path, 'baseline.sqlite'), SALES);
    const actor = { cashierId: 'bench', login: 'bench', role: 'cashier' as const, displayName: 'Bench' };
    let i = 0;
    const oneSale = () => {
      const a = (i * 7919) % CATALOG;
      const b = (i * 104729 + 13) % CATALOG;
      i++;
      createSale(register!.ctx, {
        lines: [{ sku: benchSku(a), quantity: 1 }, { sku: benchBarcode(b), quantity: 2 }],
        payments: [{ method: 'cash', amountCents: benchPrice(a) + 2 * benchPrice(b) + 1000 }],
      }, actor);
    };
    const salesFor = async (n: number) => {
      const times: number[] = [];
      for (let k = 0; k < n; k++) {
        const t = performance.now();
        oneSale();
        times.push(performance.now() - t);
        // Let the outbox pusher and the link monitor run between sales, as they do in a shop.
        if (k % 10 === 0) await new Promise((r) => setImmediate(r));
      }
      return summarize(times);
    };
    await salesFor(300); // warm-up
    const connected = await salesFor(SALES);
    line('bare durable SQLite commit (baseline)', `p50 ${fmt(baseline.p50)}  p99 ${fmt(baseline.p99)}  max ${fmt(baseline.max)}`);
    line(`sale commit, connected (${SALES} sales, 100k catalog)`, `p50 ${fmt(connected.p50)}  p99 ${fmt(connected.p99)}  max ${fmt(connected.max)}`);
    line('  ratio sale / bare commit (p50, p99)', `${(connected.p50 / baseline.p50).toFixed(2)}×, ${(connected.p99 / baseline.p99).toFixed(2)}×`);
    // The cut runs below are paced (a sale every ~2 ms, as at busy tills); so is this reference.
    const paced = await salesForDuration(3000);
    line('sale commit, connected, paced like the cut runs (3 s)', `p50 ${fmt(paced.p50)}  p99 ${fmt(paced.p99)}  slowest ${fmt(paced.max)} (${paced.n} sales)`);

    for (const [name, mode] of [['link refused', { kind: 'refuse' }], ['black hole', { kind: 'blackhole' }]] as [string, FaultMode][]) {
      await link.setMode(mode);
      // Sell straight through the cut, from its first instant until well after the switch.
      const during = await salesForDuration(3000);
      const status = register.status();
      line(`sale commit during ${name} (3 s from the cut; now ${status.mode})`, `p50 ${fmt(during.p50)}  p99 ${fmt(during.p99)}  slowest ${fmt(during.max)} (${during.n} sales)`);
      // With the default heartbeat (1000 ms, 800 ms timeout) the design expects 1.6–2.6 s.
      line(`  cut detected (${name}, default heartbeat): autonomous after`, during.autonomousAfterMs === undefined ? 'not within 3 s' : fmt(during.autonomousAfterMs));
      await link.setMode({ kind: 'up' });
      await eventually('register back to connected', async () => register!.status().mode === 'connected' && register!.status().pendingRecords === 0, 60_000);
    }

    async function salesForDuration(ms: number) {
      const times: number[] = [];
      const start = performance.now();
      const end = start + ms;
      let autonomousAfterMs: number | undefined;
      while (performance.now() < end) {
        const t = performance.now();
        oneSale();
        times.push(performance.now() - t);
        if (autonomousAfterMs === undefined && register!.status().mode === 'autonomous') autonomousAfterMs = performance.now() - start;
        await new Promise((r) => setTimeout(r, 2));
      }
      return { ...summarize(times), autonomousAfterMs };
    }

    // Memory: a register agent in its own process, enrolled with the same catalog, after some sales;
    // once as started by default, once with the V8 limits recommended for a till (README).
    for (const [label, env] of [['default V8 settings', {}], ['till settings (NODE_OPTIONS of the README)', { NODE_OPTIONS: TILL_NODE_OPTIONS }]] as const) {
      const other = await newRegister(`Bench memory ${label}`);
      const proc = await startRegisterProcess({ dataDir: join(dir.path, `register-mem-${registerCount++}`), centralUrl: central.url, enrolCode: other.enrolCode, name: 'register-mem', env });
      await eventually('memory register enrolled', async () => (await http(proc.url, 'GET', '/api/status')).body.mode === 'connected', 60_000);
      const cashier = (await http(proc.url, 'POST', '/api/auth/login', { body: creds.cashier })).body.token;
      for (let k = 0; k < 200; k++) {
        const a = (k * 7919) % CATALOG;
        await http(proc.url, 'POST', '/api/sales', { token: cashier, body: { lines: [{ sku: benchSku(a), quantity: 1 }], payments: [{ method: 'card', amountCents: benchPrice(a) }] } });
      }
      const mem = rssOf(proc.handle.pid);
      line(`register process, ${CATALOG}-product copy, 200 sales, ${label}`, `RSS ${mem.rssMb.toFixed(0)} MB, peak ${mem.peakMb.toFixed(0)} MB`);
      await proc.handle.stop();
    }
  } finally {
    await register?.close();
    await link.close();
    await central.handle.stop();
    await dir.cleanup();
  }
}

/** One-row durable commits on a fresh SQLite file with the register's pragmas. */
function bareCommits(file: string, n: number) {
  const db = openSqliteFile(file);
  db.exec('create table t (id integer primary key, payload text not null)');
  const insert = db.prepare('insert into t (payload) values (?)');
  const tx = db.transaction((p: string) => insert.run(p));
  const times: number[] = [];
  for (let k = 0; k < n + 200; k++) {
    const t = performance.now();
    tx(`payload ${k}`);
    if (k >= 200) times.push(performance.now() - t);
  }
  db.close();
  return summarize(times);
}
