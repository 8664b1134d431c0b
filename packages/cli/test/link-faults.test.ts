// test-runner: serial — the 100 ms latency case must NOT go autonomous (a heartbeat times out after 800 ms): a loaded machine would blur it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FaultMode } from '@comptoir/testing';
import { centralStock, centralTickets, openShop, registerEvents, sell, someProducts, waitForDrained, waitForMode, type CatalogItem, type Shop } from './support/shop';

/**
 * The fault suite: a real central server and a real register process, joined by a TCP fault proxy.
 * For each kind of broken link, sales must go on without an error and without waiting for the
 * network; once the link is back every ticket is at the central server exactly once and the
 * central stock equals the initial stock minus what was sold.
 */
const FAULTS: { name: string; mode: FaultMode; goesAutonomous: boolean }[] = [
  { name: 'connection refused (server down)', mode: { kind: 'refuse' }, goesAutonomous: true },
  { name: 'reset in the middle of every response', mode: { kind: 'reset-mid-response', afterBytes: 20 }, goesAutonomous: true },
  { name: 'added latency (100 ms each way)', mode: { kind: 'latency', ms: 100 }, goesAutonomous: false },
  { name: 'black hole (accepted, never answered)', mode: { kind: 'blackhole' }, goesAutonomous: true },
];

describe('sales through a faulty link', () => {
  let shop: Shop;
  let products: CatalogItem[];
  const initialStock = new Map<string, number>();
  const sold = new Map<string, number>();
  const acknowledged: { number: number; totalCents: number; soldOffline: boolean }[] = [];

  before(async () => {
    // The default heartbeat (1000 ms, 800 ms timeout): the added latency (about 200 ms a round trip)
    // stays well inside the timeout even on a loaded machine, so that link must stay connected.
    shop = await openShop({ registers: 1, heartbeatMs: 1000 });
    products = await someProducts(shop, 4);
    for (const p of products) initialStock.set(p.sku, await centralStock(shop, p.sku));
  });
  after(async () => shop?.cleanup());

  async function sellRound(count: number): Promise<{ offline: number }> {
    const reg = shop.registers[0]!;
    let offline = 0;
    for (let i = 0; i < count; i += 4) {
      const wave = await Promise.all(
        Array.from({ length: Math.min(4, count - i) }, (_, k) => {
          const p = products[(i + k) % products.length]!;
          const quantity = 1 + ((i + k) % 3);
          return sell(reg, [{ ...p, quantity }]).then((r) => ({ r, p, quantity }));
        }),
      );
      for (const { r, p, quantity } of wave) {
        assert.equal(r.status, 201, `sale refused: ${JSON.stringify(r.body)}`);
        acknowledged.push({ number: r.body.number, totalCents: r.body.totalCents, soldOffline: r.body.soldOffline });
        if (r.body.soldOffline) offline++;
        sold.set(p.sku, (sold.get(p.sku) ?? 0) + quantity);
      }
    }
    return { offline };
  }

  for (const fault of FAULTS) {
    test(`${fault.name}: sales go on, then everything is integrated exactly once`, async () => {
      const reg = shop.registers[0]!;
      await waitForDrained(reg);
      const outagesBefore = registerEvents(reg).filter((e) => e === 'offline_start').length;
      await reg.link.setMode(fault.mode);
      if (fault.goesAutonomous) {
        const s = await waitForMode(reg, 'autonomous', 10_000);
        assert.ok(s.autonomousSince, 'autonomousSince is set');
      }
      // How long a sale takes during each fault is measured in bench/ (sale-commit.bench.ts).
      const { offline } = await sellRound(12);
      if (fault.goesAutonomous) {
        assert.equal(offline, 12, 'sales made in autonomous mode say soldOffline');
        const s = await waitForMode(reg, 'autonomous', 1000);
        assert.ok(s.pendingRecords >= 12, `pending ${s.pendingRecords} should count the waiting tickets`);
      } else {
        // A slow link is still a link: sold online, pushed through it, never autonomous.
        assert.equal(offline, 0, 'sales through a slow link are online sales');
        const s = await waitForDrained(reg, 30_000);
        assert.equal(s.mode, 'connected');
        assert.equal(s.autonomousSince, null);
        assert.equal(registerEvents(reg).filter((e) => e === 'offline_start').length, outagesBefore, 'the register never went autonomous');
        await assertCentralMatches();
      }
      await reg.link.setMode({ kind: 'up' });
      await waitForDrained(reg, 30_000);
      await assertCentralMatches();
    });
  }

  async function assertCentralMatches() {
    const reg = shop.registers[0]!;
    const tickets = await centralTickets(shop, reg.id);
    const numbers = tickets.map((t) => t.number);
    assert.equal(new Set(numbers).size, numbers.length, 'no ticket twice at the central server');
    assert.deepEqual(numbers, Array.from({ length: numbers.length }, (_, i) => i + 1), 'gapless, in order');
    const byNumber = new Map(tickets.map((t) => [t.number, t]));
    for (const a of acknowledged) {
      const t = byNumber.get(a.number);
      assert.ok(t, `acknowledged ticket ${a.number} missing at the central server`);
      assert.equal(t.totalCents, a.totalCents);
      assert.ok(t.integratedAt, 'integratedAt set');
      assert.equal(t.soldOffline, a.soldOffline, `soldOffline of ticket ${a.number}`);
    }
    assert.equal(tickets.length, acknowledged.length, 'every ticket exactly once');
    for (const p of products) {
      assert.equal(await centralStock(shop, p.sku), initialStock.get(p.sku)! - (sold.get(p.sku) ?? 0), `stock of ${p.sku}`);
    }
  }
});
