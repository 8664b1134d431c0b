import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { centralStock, centralTickets, cashierLogin, openShop, sell, someProducts, waitForDrained, type Shop } from './support/shop';
import { runVerify } from './support/verify';
import { http } from '@comptoir/testing';

/**
 * kill -9 of the register agent during a burst of concurrent sales: every sale it acknowledged
 * (201) survives, is integrated exactly once, and the chains verify.
 */
let shop: Shop;
before(async () => {
  shop = await openShop({ registers: 1, heartbeatMs: 250 });
});
after(async () => shop?.cleanup());

test('register killed during concurrent sales: nothing acknowledged is lost', async () => {
  const reg = shop.registers[0]!;
  const products = await someProducts(shop, 3);
  const initial = new Map<string, number>();
  for (const p of products) initial.set(p.sku, await centralStock(shop, p.sku));

  // Phase 1: 8 concurrent sellers; the register is killed after the 150th acknowledgement.
  const acknowledged: { number: number; totalCents: number }[] = [];
  let killed = false;
  const seller = async (k: number) => {
    for (let i = 0; !killed; i++) {
      const p = products[(k + i) % products.length]!;
      try {
        const r = await sell(reg, [{ ...p, quantity: 1 }]);
        if (r.status === 201) acknowledged.push({ number: r.body.number, totalCents: r.body.totalCents });
      } catch {
        return; // the connection died with the process: this sale was never acknowledged
      }
      if (acknowledged.length >= 150 && !killed) {
        killed = true;
        await reg.process.handle.kill9();
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, (_, k) => seller(k)));
  assert.ok(acknowledged.length >= 150);

  // Phase 2: restart the register; it pushes whatever waits in its outbox.
  await reg.process.restart();
  reg.cashierToken = await cashierLogin(reg.process.url, shop.central.credentials().cashier);
  await waitForDrained(reg, 30_000);

  const local = await http(reg.process.url, 'GET', '/api/tickets?limit=1000', { token: reg.cashierToken });
  const central = await centralTickets(shop, reg.id);
  const centralByNumber = new Map(central.map((t) => [t.number, t]));
  for (const a of acknowledged) {
    assert.equal(centralByNumber.get(a.number)?.totalCents, a.totalCents, `acknowledged ticket ${a.number}`);
  }
  assert.equal(new Set(central.map((t) => t.number)).size, central.length, 'no ticket twice');
  assert.equal(central.length, local.body.total, 'central holds exactly what the register committed');
  // Stock moved once per integrated ticket line (each sale is one unit of one product).
  let totalSold = 0;
  for (const p of products) {
    const now = await centralStock(shop, p.sku);
    totalSold += initial.get(p.sku)! - now;
  }
  assert.equal(totalSold, central.length, 'stock moved exactly once per ticket');

  assert.equal((await runVerify(reg.process.dataDir)).code, 0);
  assert.equal((await runVerify(shop.central.dataDir)).code, 0);
});
