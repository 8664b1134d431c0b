import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEMO_MANAGER_AT_TILL, eventually, http, onDialect, startPostgres, type PostgresServer } from '@comptoir/testing';
import { centralStock, centralTickets, openShop, someProducts, waitForDrained, waitForMode, type Shop, type ShopRegister } from './support/shop';

/**
 * Returns at any register with central down (issue 11, docs/architecture.md §17), on real processes:
 * central (SQLite, then PostgreSQL) and two registers A and B on the "LAN" (127.0.0.1).
 *  - central killed: B returns A's ticket by asking A directly (signed register → register call);
 *    a second attempt at B, and one at A, are refused; an unsigned call to A's peer API is 401;
 *  - central back: one return ticket, the reservation counted once, stock and refunds consistent,
 *    and central refuses a further refund of that unit too;
 *  - A cut off while B refunds a unit of A's ticket through central: A (not knowing) refunds it again
 *    offline; when A's records arrive, central integrates that return and flags it already_refunded.
 */
let pg: PostgresServer | null = null;
after(async () => pg?.stop());

const call = (reg: ShopRegister, method: 'GET' | 'POST', path: string, body?: unknown) => http(reg.process.url, method, path, { token: reg.cashierToken, body });

/** The store's registers as `reg` keeps them (its own file, read-only). */
function knownRegisters(reg: ShopRegister): { register_id: string; url: string | null }[] {
  const db = new Database(join(reg.process.dataDir, 'register.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT register_id, url FROM store_registers').all() as { register_id: string; url: string | null }[];
  } finally {
    db.close();
  }
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`returns over the shop's LAN while central is down [${dialect}]`, onDialect(dialect), () => {
    let shop: Shop;
    after(async () => shop?.cleanup());

    it("B returns A's ticket by asking A; refused a second time anywhere; central agrees when back; A's offline double refund is flagged", async () => {
      const databaseUrl = dialect === 'postgres' ? await (pg ??= await startPostgres()).createDatabase(`lan_returns_${process.pid}`) : undefined;
      shop = await openShop({ registers: 2, heartbeatMs: 250, ...(databaseUrl ? { databaseUrl } : {}) });
      const [a, b] = shop.registers as [ShopRegister, ShopRegister];
      const [p] = await someProducts(shop, 1);
      const stockBefore = await centralStock(shop, p!.sku);
      const refund = [{ method: 'cash', amountCents: p!.priceCents }];
      const sale = await call(a, 'POST', '/api/sales', { lines: [{ sku: p!.sku, quantity: 1 }], payments: refund });
      assert.equal(sale.status, 201, JSON.stringify(sale.body));
      const original = { registerId: a.id, number: sale.body.number as number };
      await waitForDrained(a);
      // Each register learns the other's address and keys from central while connected.
      await eventually('B knows where A listens', async () => knownRegisters(b).some((r) => r.register_id === a.id && r.url));
      await eventually('A knows B and its key', async () => knownRegisters(a).some((r) => r.register_id === b.id && r.url));

      await shop.central.handle.stop();
      await Promise.all([waitForMode(a, 'autonomous'), waitForMode(b, 'autonomous')]);

      // Nobody but a register of the store may use A's peer API.
      const anonymous = await http(a.process.url, 'POST', '/api/peer/returns', { body: { reservationId: crypto.randomUUID(), number: original.number, lines: [{ lineNo: 1, quantity: 1 }] } });
      assert.equal(anonymous.status, 401, JSON.stringify(anonymous.body));
      const cashierToken = await http(a.process.url, 'GET', `/api/peer/tickets/${original.number}`, { token: a.cashierToken });
      assert.equal(cashierToken.status, 401, 'a cashier session is not a register');

      // B finds A's ticket and returns it, central down: A reserves the unit.
      const found = await call(b, 'GET', `/api/tickets/${original.number}/returnable?registerId=${a.id}`);
      assert.equal(found.status, 200, JSON.stringify(found.body));
      assert.deepEqual(found.body.lines, [{ lineNo: 1, sold: 1, returned: 0 }]);
      const atB = await call(b, 'POST', '/api/returns', { original, lines: [{ lineNo: 1, quantity: 1 }], refunds: refund, approval: DEMO_MANAGER_AT_TILL });
      assert.equal(atB.status, 201, JSON.stringify(atB.body));
      assert.equal(atB.body.totalCents, -p!.priceCents);
      assert.deepEqual((await call(b, 'GET', `/api/tickets/${atB.body.number}`)).body.original, original);

      // Once only: again at B (A refuses over the LAN), and at A itself.
      const againAtB = await call(b, 'POST', '/api/returns', { original, lines: [{ lineNo: 1, quantity: 1 }], refunds: refund, approval: DEMO_MANAGER_AT_TILL });
      assert.equal(againAtB.status, 409, JSON.stringify(againAtB.body));
      assert.equal(againAtB.body.error.code, 'RETURN_ALREADY_REFUNDED');
      const againAtA = await call(a, 'POST', '/api/returns', { original: { number: original.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: refund, approval: DEMO_MANAGER_AT_TILL });
      assert.ok(againAtA.status === 409 || againAtA.status === 422, JSON.stringify(againAtA.body));
      assert.equal((await call(a, 'GET', `/api/tickets/${original.number}/returnable`)).body.lines[0].returned, 1);

      // Central back: one return, counted once; stock back where it was; central refuses it too.
      await shop.central.restart();
      await Promise.all([waitForDrained(a), waitForDrained(b)]);
      const returnsOf = async () => [...(await centralTickets(shop, a.id)), ...(await centralTickets(shop, b.id))].filter((t) => t.kind === 'return');
      const returns = await returnsOf();
      assert.equal(returns.length, 1, JSON.stringify(returns));
      assert.equal(returns[0].totalCents, -p!.priceCents);
      assert.deepEqual(returns[0].anomalies, []);
      assert.equal(await centralStock(shop, p!.sku), stockBefore, 'sold 1, returned 1');
      const atCentral = await call(b, 'GET', `/api/tickets/${original.number}/returnable?registerId=${a.id}`);
      assert.deepEqual(atCentral.body.lines, [{ lineNo: 1, sold: 1, returned: 1 }], 'the LAN reservation and the return count once');
      const afterBack = await call(b, 'POST', '/api/returns', { original, lines: [{ lineNo: 1, quantity: 1 }], refunds: refund, approval: DEMO_MANAGER_AT_TILL });
      assert.equal(afterBack.status, 409, JSON.stringify(afterBack.body));

      // A cut off: B refunds a unit of A's ticket through central; A, not knowing, refunds it again.
      const sale2 = await call(a, 'POST', '/api/sales', { lines: [{ sku: p!.sku, quantity: 1 }], payments: refund });
      await waitForDrained(a);
      await a.link.setMode({ kind: 'refuse' });
      await waitForMode(a, 'autonomous');
      const viaCentral = await call(b, 'POST', '/api/returns', { original: { registerId: a.id, number: sale2.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: refund, approval: DEMO_MANAGER_AT_TILL });
      assert.equal(viaCentral.status, 201, JSON.stringify(viaCentral.body));
      const offlineAtA = await call(a, 'POST', '/api/returns', { original: { number: sale2.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: refund, approval: DEMO_MANAGER_AT_TILL });
      assert.equal(offlineAtA.status, 201, 'A cannot know: it refunds from its own count');
      await a.link.setMode({ kind: 'up' });
      await Promise.all([waitForDrained(a), waitForDrained(b)]);
      const flagged = (await centralTickets(shop, a.id)).find((t) => t.number === offlineAtA.body.number);
      assert.ok(flagged, 'the offline return is integrated (a signed ticket is a legal fact)');
      assert.deepEqual(flagged.anomalies, ['already_refunded:L1']);
      assert.equal((await returnsOf()).length, 3);
      // Central now counts 2 returned of 1 sold: a third try is refused as already refunded (it was a
      // RangeError in the domain, answered 500), at central and through the register's own count.
      const third = await call(b, 'GET', `/api/tickets/${sale2.body.number}/returnable?registerId=${a.id}`);
      assert.deepEqual(third.body.lines, [{ lineNo: 1, sold: 1, returned: 2 }]);
      const thirdAtB = await call(b, 'POST', '/api/returns', { original: { registerId: a.id, number: sale2.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: refund, approval: DEMO_MANAGER_AT_TILL });
      assert.equal(thirdAtB.status, 409, JSON.stringify(thirdAtB.body));
      assert.equal(thirdAtB.body.error.code, 'RETURN_ALREADY_REFUNDED');
      assert.equal((await returnsOf()).length, 3, 'nothing signed by the refusal');
    });
  });
}
