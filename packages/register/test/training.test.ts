// Training mode (issue 10), against the real central server: a manager switches it, a cashier only
// with a manager's approval (issue 9 item 7: refused without, the approver signed in the event, a
// wrong PIN counted as a failed login of that manager); training tickets go to the `training` chain, answer `training: true`, never count in the
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
    assert.equal(refused.body.error.code, 'APPROVAL_REQUIRED');
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

  const trainingEvents = () =>
    (env.reg.ctx.sqlite.prepare("SELECT number, payload FROM records WHERE chain = 'event' AND json_extract(payload, '$.event') LIKE 'training_%' ORDER BY number").all() as { number: number; payload: string }[]).map((r) => ({
      number: r.number,
      ...(JSON.parse(r.payload) as { event: string; code: number; details: Record<string, unknown> }),
    }));
  const mode = async () => (await api(env.reg.url, 'GET', '/api/status')).body.training as boolean;
  const put = (body: object) => api(env.reg.url, 'PUT', '/api/training', { token: env.token, body });

  test("a cashier switches it with a manager's PIN: refused without (nothing changes), the event names who asked and who approved", async () => {
    assert.equal(await mode(), false);
    const before = trainingEvents().length;
    const none = await put({ enabled: true });
    assert.equal(none.status, 403, JSON.stringify(none.body));
    assert.equal(none.body.error.code, 'APPROVAL_REQUIRED');
    assert.deepEqual(none.body.error.details.reasons, ['training']);
    const byCashier = await put({ enabled: true, approval: central.cashier });
    assert.equal(byCashier.status, 403);
    assert.equal(byCashier.body.error.details.reason, 'not_a_manager');
    assert.equal(await mode(), false, 'still off');
    assert.equal(trainingEvents().length, before, 'no event signed by a refusal');

    const on = await put({ enabled: true, approval: MANAGER });
    assert.equal(on.status, 200, JSON.stringify(on.body));
    assert.deepEqual(on.body, { training: true });
    assert.equal(await mode(), true);
    const start = trainingEvents().at(-1)!;
    assert.deepEqual([start.event, start.code], ['training_start', 1080]);
    assert.deepEqual(
      [start.details.by, start.details.byLogin, start.details.approvedByLogin, start.details.approvedByRole],
      [env.cashierId, central.cashier.login, MANAGER.login, 'manager'],
    );
    const off = await put({ enabled: false, approval: MANAGER });
    assert.deepEqual([off.status, off.body], [200, { training: false }]);
    assert.equal(trainingEvents().at(-1)!.event, 'training_end');
    assert.equal(trainingEvents().at(-1)!.details.approvedByLogin, MANAGER.login);
  });

  // Last of the file: it locks the manager's login on this register.
  test("a wrong approval PIN counts as a failed login of that manager: locked after 5, even with the right PIN", async () => {
    const before = trainingEvents().length;
    for (let i = 0; i < 5; i++) {
      const r = await put({ enabled: true, approval: { login: MANAGER.login, pin: '0000' } });
      assert.equal(r.status, 403, `attempt ${i + 1}: ${JSON.stringify(r.body)}`);
      assert.equal(r.body.error.details.reason, 'invalid_approval');
    }
    assert.equal((await api(env.reg.url, 'POST', '/api/auth/login', { body: MANAGER })).status, 429, 'the manager login is locked');
    const right = await put({ enabled: true, approval: MANAGER });
    assert.equal(right.status, 429, 'and so is their approval');
    assert.equal(right.body.error.code, 'TOO_MANY_ATTEMPTS');
    assert.equal(await mode(), false, 'nothing changed');
    assert.equal(trainingEvents().length, before);
  });
});
