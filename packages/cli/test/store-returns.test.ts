import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_MANAGER_AT_TILL, http, onDialect, startPostgres, type PostgresServer } from '@comptoir/testing';
import { openShop, someProducts, waitForDrained, waitForMode, type Shop, type ShopRegister } from './support/shop';

/**
 * Returns at any register of the store, end to end: a real central server (SQLite, then PostgreSQL)
 * and three register processes. A ticket sold at A is returned at B (central reserves the units);
 * the same unit asked at B and C at once is refunded exactly once; the return ticket, once pushed,
 * is not counted twice; with central killed and A stopped, a return of A's ticket at B is refused with a code.
 */
let pg: PostgresServer | null = null;
after(async () => pg?.stop());

const call = (reg: ShopRegister, method: 'GET' | 'POST', path: string, body?: unknown) => http(reg.process.url, method, path, { token: reg.cashierToken, body });

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`returns at any register of the store [${dialect}]`, onDialect(dialect), () => {
    let shop: Shop;
    after(async () => shop?.cleanup());

    it("B returns A's ticket online; B and C at once refund one unit once; central killed: a clear refusal", async () => {
      const databaseUrl = dialect === 'postgres' ? await (pg ??= await startPostgres()).createDatabase(`store_returns_${process.pid}`) : undefined;
      shop = await openShop({ registers: 3, heartbeatMs: 250, ...(databaseUrl ? { databaseUrl } : {}) });
      const [a, b, c] = shop.registers as [ShopRegister, ShopRegister, ShopRegister];
      const [p] = await someProducts(shop, 1);
      const sale = await call(a, 'POST', '/api/sales', { lines: [{ sku: p!.sku, quantity: 3 }], payments: [{ method: 'cash', amountCents: 3 * p!.priceCents }] });
      assert.equal(sale.status, 201, JSON.stringify(sale.body));
      await waitForDrained(a);
      const original = { registerId: a.id, number: sale.body.number };
      const refund = (n: number) => [{ method: 'cash', amountCents: n * p!.priceCents }];

      // B finds A's ticket through central, and returns one unit of it.
      const found = await call(b, 'GET', `/api/tickets/${original.number}/returnable?registerId=${a.id}`);
      assert.equal(found.status, 200, JSON.stringify(found.body));
      assert.deepEqual([found.body.ticket.registerId, found.body.lines], [a.id, [{ lineNo: 1, sold: 3, returned: 0 }]]);
      const quote = await call(b, 'POST', '/api/returns/quote', { original, lines: [{ lineNo: 1, quantity: 1 }] });
      assert.equal(quote.status, 200, JSON.stringify(quote.body));
      assert.equal(quote.body.totalCents, -p!.priceCents);
      const noApproval = await call(b, 'POST', '/api/returns', { original, lines: [{ lineNo: 1, quantity: 1 }], refunds: refund(1) });
      assert.equal(noApproval.status, 403);
      const atB = await call(b, 'POST', '/api/returns', { original, lines: [{ lineNo: 1, quantity: 1 }], refunds: refund(1), approval: DEMO_MANAGER_AT_TILL });
      assert.equal(atB.status, 201, JSON.stringify(atB.body));
      assert.equal(atB.body.registerId, b.id);
      const local = await call(b, 'GET', `/api/tickets/${atB.body.number}`);
      assert.deepEqual(local.body.original, original, 'the return references the original register and number');
      // A refund beyond what was sold is refused with nothing written (central's check).
      const tooMany = await call(c, 'POST', '/api/returns', { original, lines: [{ lineNo: 1, quantity: 3 }], refunds: refund(3), approval: DEMO_MANAGER_AT_TILL });
      assert.equal(tooMany.status, 409, JSON.stringify(tooMany.body));
      assert.equal(tooMany.body.error.code, 'RETURN_ALREADY_REFUNDED');

      // The last two units: B asks for both and C for one, at the same moment: exactly one till wins.
      const [r1, r2] = await Promise.all([
        call(b, 'POST', '/api/returns', { original, lines: [{ lineNo: 1, quantity: 2 }], refunds: refund(2), approval: DEMO_MANAGER_AT_TILL }),
        call(c, 'POST', '/api/returns', { original, lines: [{ lineNo: 1, quantity: 2 }], refunds: refund(2), approval: DEMO_MANAGER_AT_TILL }),
      ]);
      assert.deepEqual([r1.status, r2.status].sort(), [201, 409], `${JSON.stringify(r1.body)} ${JSON.stringify(r2.body)}`);
      const loser = r1.status === 409 ? r1 : r2;
      assert.equal(loser.body.error.code, 'RETURN_ALREADY_REFUNDED');
      // A itself cannot refund its own ticket again either (central counts the other tills' returns).
      const atA = await call(a, 'POST', '/api/returns', { original: { number: original.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: refund(1), approval: DEMO_MANAGER_AT_TILL });
      assert.equal(atA.status, 409, JSON.stringify(atA.body));

      // Pushed, the return tickets reach central; their reservations are not counted twice.
      for (const r of [b, c]) await waitForDrained(r);
      const returns = (await http(shop.central.url, 'GET', '/api/tickets?limit=1000', { token: shop.adminToken })).body.items.filter((t: any) => t.kind === 'return');
      assert.equal(returns.length, 2);
      const after = await call(b, 'GET', `/api/tickets/${original.number}/returnable?registerId=${a.id}`);
      assert.deepEqual(after.body.lines, [{ lineNo: 1, sold: 3, returned: 3 }]);

      // Central killed, and A too: B refuses a return of A's ticket with a clear code, and writes nothing.
      // (A up: B asks A over the LAN, lan-returns.test.ts.) A first returns its own ticket from its local copy.
      const sale2 = await call(a, 'POST', '/api/sales', { lines: [{ sku: p!.sku, quantity: 2 }], payments: refund(2) });
      await waitForDrained(a);
      const before = (await call(b, 'GET', '/api/tickets?limit=100')).body.total;
      await shop.central.handle.stop();
      await waitForMode(a, 'autonomous');
      const ownOffline = await call(a, 'POST', '/api/returns', { original: { number: sale2.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: refund(1), approval: DEMO_MANAGER_AT_TILL });
      assert.equal(ownOffline.status, 201, JSON.stringify(ownOffline.body));
      await a.process.handle.stop();
      await waitForMode(b, 'autonomous');
      const offline = await call(b, 'POST', '/api/returns', { original: { registerId: a.id, number: sale2.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: refund(1), approval: DEMO_MANAGER_AT_TILL });
      assert.equal(offline.status, 503, JSON.stringify(offline.body));
      assert.equal(offline.body.error.code, 'UNAVAILABLE_OFFLINE');
      assert.match(offline.body.error.message, /Neither the central server nor Caisse 1/);
      assert.equal((await call(b, 'GET', '/api/tickets?limit=100')).body.total, before, 'nothing written');
    });
  });
}
