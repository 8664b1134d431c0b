// Training mode (issue 10), against the real central server: a manager switches it (a cashier
// cannot); training tickets go to the `training` chain, answer `training: true`, never count in the
// X report, the Z, the grand totals or the stock, and reach central as training records (no ticket,
// no stock movement there either). Leaving training mode, the ticket chain goes on where it was.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { eventually, http } from '@comptoir/testing';
import { DEMO_SKUS, centralPerFile, type TestCentral } from './support/central';
import { startEnrolledRegister, type EnrolledRegister } from './support/enrolled-register';
import { api, cashierSession } from './helpers';

const centralOfFile = centralPerFile();
const MANAGER = { login: 'gerant', pin: '9999' };

describe('training mode', () => {
  let central: TestCentral;
  let env: EnrolledRegister;

  before(async () => {
    central = await centralOfFile();
    env = await startEnrolledRegister(central, 'Caisse formation');
  });
  after(async () => env?.close());

  const sale = (token: string, quantity = 1) =>
    api(env.reg.url, 'POST', '/api/sales', { token, body: { lines: [{ sku: DEMO_SKUS.wine, quantity }], payments: [{ method: 'cash', amountCents: 200_00 }] } });

  test('only a manager switches it; training tickets count nowhere and reach central marked as such', async () => {
    const cashier = env.token;
    const real = await sale(cashier);
    assert.equal(real.status, 201);
    assert.equal(real.body.training, false);
    const xBefore = (await api(env.reg.url, 'GET', '/api/reports/x', { token: cashier })).body;
    const stockBefore = env.reg.ctx.sqlite.prepare('SELECT quantity FROM stock_levels WHERE sku = ?').get(DEMO_SKUS.wine) as { quantity: number };

    const refused = await api(env.reg.url, 'PUT', '/api/training', { token: cashier, body: { enabled: true } });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    const bad = await api(env.reg.url, 'PUT', '/api/training', { token: cashier, body: { enabled: 'yes' } });
    assert.equal(bad.status, 400);
    const manager = (await cashierSession(env.reg, MANAGER)).token;
    const on = await api(env.reg.url, 'PUT', '/api/training', { token: manager, body: { enabled: true } });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.deepEqual(on.body, { training: true });
    assert.equal((await api(env.reg.url, 'GET', '/api/status')).body.training, true);

    const t1 = await sale(cashier, 2);
    const t2 = await sale(cashier, 1);
    assert.equal(t1.status, 201, JSON.stringify(t1.body));
    assert.deepEqual([t1.body.training, t1.body.number, t2.body.number], [true, 1, 2], 'numbered in the training chain');
    const returned = await api(env.reg.url, 'POST', '/api/returns', {
      token: cashier,
      body: { original: { number: real.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [{ method: 'cash', amountCents: real.body.totalCents }] },
    });
    assert.equal(returned.status, 422);

    const xDuring = (await api(env.reg.url, 'GET', '/api/reports/x', { token: cashier })).body;
    assert.deepEqual([xDuring.ticketCount, xDuring.totalCents], [xBefore.ticketCount, xBefore.totalCents], 'the X report ignores training tickets');
    const stockDuring = env.reg.ctx.sqlite.prepare('SELECT quantity FROM stock_levels WHERE sku = ?').get(DEMO_SKUS.wine) as { quantity: number };
    assert.equal(stockDuring.quantity, stockBefore.quantity, 'no stock moves');
    const heads = env.reg.ctx.sqlite.prepare("SELECT chain, max(number) AS n FROM records WHERE chain IN ('ticket', 'training') GROUP BY chain ORDER BY chain").all();
    assert.deepEqual(heads, [{ chain: 'ticket', n: 1 }, { chain: 'training', n: 2 }]);

    const off = await api(env.reg.url, 'PUT', '/api/training', { token: manager, body: { enabled: false } });
    assert.deepEqual(off.body, { training: false });
    assert.equal((await api(env.reg.url, 'GET', '/api/status')).body.training, false);
    const next = await sale(cashier);
    assert.deepEqual([next.body.training, next.body.number], [false, 2], 'the ticket chain goes on');

    const z = await api(env.reg.url, 'POST', '/api/closures/day', { token: manager }); // a manual Z: the manager's
    assert.equal(z.status, 201, JSON.stringify(z.body));
    assert.equal(z.body.payload.ticketCount, 2);
    assert.equal(z.body.payload.totalCents, real.body.totalCents + next.body.totalCents, 'the Z and its grand total ignore training tickets');
    assert.equal(z.body.payload.grandTotalCents, real.body.totalCents + next.body.totalCents);

    const events = env.reg.ctx.sqlite.prepare("SELECT json_extract(payload, '$.event') AS e FROM records WHERE chain = 'event' ORDER BY number").all() as { e: string }[];
    assert.ok(events.some((x) => x.e === 'training_start') && events.some((x) => x.e === 'training_end'), 'both switches are signed events');

    // Central: the training records, stored and chained; no ticket, no stock movement of them.
    await eventually('integrated', async () => env.reg.status().pendingRecords === 0);
    const db = new Database(central.file, { readonly: true });
    try {
      const training = db.prepare("SELECT count(*) AS n FROM records WHERE register_id = ? AND chain = 'training'").get(env.registerId) as { n: number };
      assert.equal(training.n, 2);
    } finally {
      db.close();
    }
    const tickets = await http(central.url, 'GET', `/api/tickets?registerId=${env.registerId}`, { token: central.adminToken });
    assert.deepEqual(tickets.body.items.map((t: { number: number }) => t.number), [1, 2]);
    const stock = await central.stocks([DEMO_SKUS.wine]);
    assert.equal(stock.get(DEMO_SKUS.wine), env.initialStock.get(DEMO_SKUS.wine)! - 2, 'only the two real sales moved stock at central');
  });
});
