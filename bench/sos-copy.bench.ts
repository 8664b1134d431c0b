import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { openSqliteFile, sqliteKysely } from '@comptoir/db';
import { CHANGE_COUNTER, type CentralDb } from '@comptoir/central';
import { createSale, startRegisterAgent, type RunningRegister } from '@comptoir/register';
import { http, startCentralProcess, tempDir } from '@comptoir/testing';
import { benchPrice, benchSku, growCatalog } from './catalog';
import { fmt, line, summarize } from './stats';

const PRODUCTS = Number(process.env.BENCH_CATALOG ?? 100_000);
const CUSTOMERS = Number(process.env.BENCH_CUSTOMERS ?? 50_000);
const CHANGED = 100;

/**
 * The SOS copy (docs/architecture.md §5), against a real central server process with 100,000 products and
 * 50,000 customers of the store: full copy (streamed, verified, swapped) at an in-process register;
 * incremental refresh of 100 changed prices, with the push hint (SSE) and with the heartbeat only;
 * sale commit p99 while a full copy runs vs idle, in the same process and on the same disk.
 */
export async function benchSosCopy(): Promise<void> {
  const dir = await tempDir('comptoir-bench-sos-');
  const central = await startCentralProcess({ dataDir: join(dir.path, 'central'), name: 'central-bench-sos' });
  const registers: RunningRegister[] = [];
  try {
    const creds = central.credentials();
    const file = join(central.dataDir, 'central.sqlite');
    await growCatalog(file, creds.storeId, PRODUCTS);
    await growCustomers(file, creds.storeId, CUSTOMERS);
    const admin = (await http(central.url, 'POST', '/api/auth/login', { body: creds.admin })).body.token;
    const start = async (name: string, changeEvents: boolean) => {
      const created = (await http(central.url, 'POST', '/api/registers', { token: admin, body: { name } })).body;
      const reg = await startRegisterAgent({
        dataDir: join(dir.path, name), port: 0, centralUrl: central.url, enrolCode: created.enrolCode,
        logger: pino({ level: 'silent' }), heartbeatIntervalMs: 1000, changeEvents,
      });
      registers.push(reg);
      return reg;
    };
    const pushed = await start('bench-sse', true);
    const polled = await start('bench-heartbeat', false);

    // Full copy (manual, the register already holds one: the real case).
    const copies: number[] = [];
    let counts: Record<string, number> = {};
    for (let k = 0; k < 3; k++) {
      const t = performance.now();
      const r = await pushed.agent.manualCopy();
      copies.push(performance.now() - t);
      counts = r.counts;
    }
    const c = summarize(copies);
    line(`full SOS copy (${counts.products} products, ${counts.customers} customers, ${counts.stock} stock), 3 runs`, `median ${(c.p50 / 1000).toFixed(2)} s, worst ${(c.max / 1000).toFixed(2)} s (target ≤ 5 s)`);

    // Incremental refresh: 100 prices changed in one central transaction, time until both registers sell at them.
    const rounds: { sse: number[]; hb: number[] } = { sse: [], hb: [] };
    for (let round = 1; round <= 5; round++) {
      const skus = Array.from({ length: CHANGED }, (_, i) => benchSku((round * 7919 + i * 997) % PRODUCTS));
      const price = 90_000 + round;
      const t0 = await changePrices(file, skus, price);
      const seen = (reg: RunningRegister) => {
        const row = reg.ctx.sqlite.prepare(`SELECT count(*) AS n FROM products WHERE price_cents = ? AND sku IN (${skus.map(() => '?').join(',')})`).get(price, ...skus) as { n: number };
        return row.n === CHANGED;
      };
      const waitFor = async (reg: RunningRegister) => {
        while (!seen(reg)) await new Promise((r) => setTimeout(r, 2));
        return performance.now() + performance.timeOrigin - t0;
      };
      const [a, b] = await Promise.all([waitFor(pushed), waitFor(polled)]);
      rounds.sse.push(a);
      rounds.hb.push(b);
    }
    const sse = summarize(rounds.sse);
    const hb = summarize(rounds.hb);
    line(`incremental refresh, ${CHANGED} prices, push hint (SSE), 5 rounds`, `p50 ${fmt(sse.p50)}  max ${fmt(sse.max)} (target ≤ 100 ms)`);
    line(`incremental refresh, ${CHANGED} prices, heartbeat 1 s only, 5 rounds`, `p50 ${fmt(hb.p50)}  max ${fmt(hb.max)} (target ≤ 1 s)`);

    // Sale commit: idle vs during a full copy.
    const actor = { cashierId: 'bench', login: 'bench', role: 'cashier' as const, displayName: 'Bench' };
    let i = 0;
    const oneSale = () => {
      const a = (i++ * 7919) % PRODUCTS;
      createSale(polled.ctx, { lines: [{ sku: benchSku(a), quantity: 1 }], payments: [{ method: 'cash', amountCents: benchPrice(a) + 100_000 }] }, actor);
    };
    const sellUntil = async (done: () => boolean, min: number) => {
      const times: number[] = [];
      while (!done() || times.length < min) {
        const t = performance.now();
        oneSale();
        times.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 2));
      }
      return summarize(times);
    };
    for (let k = 0; k < 200; k++) oneSale(); // warm-up
    const idle = await sellUntil(() => true, 1000);
    let copying = true;
    const copy = polled.agent.manualCopy().finally(() => (copying = false));
    const during = await sellUntil(() => !copying, 50);
    await copy;
    line('sale commit, idle', `p50 ${fmt(idle.p50)}  p99 ${fmt(idle.p99)}  max ${fmt(idle.max)} (${idle.n} sales)`);
    line('sale commit, during a full copy', `p50 ${fmt(during.p50)}  p99 ${fmt(during.p99)}  max ${fmt(during.max)} (${during.n} sales)`);
    line('  ratio during copy / idle (p50, p99)', `${(during.p50 / idle.p50).toFixed(2)}×, ${(during.p99 / idle.p99).toFixed(2)}× (target p99 ≤ 2×)`);
  } finally {
    for (const r of registers) await r.close().catch(() => {});
    await central.handle.stop();
    await dir.cleanup();
  }
}

/** Bench set-up: `count` customers of the store, straight into central's database, one change version. */
async function growCustomers(centralSqlite: string, storeId: string, count: number): Promise<void> {
  const db = sqliteKysely<CentralDb>(openSqliteFile(centralSqlite));
  try {
    await db.transaction().execute(async (trx) => {
      const { value } = await trx.updateTable('counters').set((eb) => ({ value: eb('value', '+', 1) })).where('name', '=', CHANGE_COUNTER).returning('value').executeTakeFirstOrThrow();
      for (let s = 0; s < count; s += 2000) {
        const rows = Array.from({ length: Math.min(2000, count - s) }, (_, k) => ({
          id: randomUUID(), store_id: storeId, name: `Client ${s + k}`, email: `client${s + k}@example.fr`, phone: null, active: 1, change_version: Number(value),
        }));
        await trx.insertInto('customers').values(rows).execute();
      }
    });
  } finally {
    await db.destroy();
  }
}

/** Changes `skus`' price in one central transaction (as a price update would); returns the commit time (epoch ms). */
async function changePrices(centralSqlite: string, skus: string[], price: number): Promise<number> {
  const db = openSqliteFile(centralSqlite);
  try {
    db.transaction(() => {
      const v = (db.prepare(`UPDATE counters SET value = value + 1 WHERE name = ? RETURNING value`).get(CHANGE_COUNTER) as { value: number }).value;
      const up = db.prepare('UPDATE products SET price_cents = ?, change_version = ? WHERE sku = ?');
      for (const sku of skus) up.run(price, v, sku);
    })();
    return performance.now() + performance.timeOrigin;
  } finally {
    db.close();
  }
}
