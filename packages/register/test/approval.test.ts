// Approvals at the till and PIN-login throttling, on a real register (its own HTTP server and SQLite
// file) enrolled at the real central server (`comptoir central` in its own process). A cashier's
// return, closure or discount above the store's limit needs a manager's PIN (approval.service.ts);
// who approved is signed in the record. Five wrong PINs lock the login — still locked after a restart
// of the register (the counters live in its database), and the lock is a signed event.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyRecord } from '@comptoir/domain';
import type { Product } from '@comptoir/protocol';
import { eventually } from '@comptoir/testing';
import type { RunningRegister } from '../src/index';
import { DEMO_SKUS, FAR_SCHEDULE, TestCentral } from './support/central';
import { api, cashierSession, startTestRegister, tmp } from './helpers';

const cash = (amountCents: number) => ({ method: 'cash', amountCents });

describe('approvals at the till, login throttling', () => {
  let central: TestCentral;
  let dir: Awaited<ReturnType<typeof tmp>>;
  let reg: RunningRegister;
  let token: string;
  let wine: Product;
  // The register's clock: real time plus an offset the test moves (to pass a lock).
  let offsetMs = 0;
  const clock = () => new Date(Date.now() + offsetMs);

  before(async () => {
    central = await TestCentral.start();
    wine = await central.product(DEMO_SKUS.wine);
    const created = await central.createRegister('Caisse approbations');
    await central.setSosSchedule(created.id, FAR_SCHEDULE);
    dir = await tmp();
    reg = await startTestRegister(dir.path, central.url, { enrolCode: created.enrolCode, clock });
    ({ token } = await cashierSession(reg, central.cashier));
  });
  after(async () => {
    await reg?.close();
    await central?.stop();
    await dir?.cleanup();
  });

  const ticketCount = () => (reg.ctx.sqlite.prepare("SELECT count(*) AS n FROM records WHERE chain = 'ticket'").get() as { n: number }).n;
  const signedPayload = (chain: string, number: number) => {
    const row = reg.ctx.sqlite.prepare('SELECT * FROM records WHERE chain = ? AND number = ?').get(chain, number) as any;
    const record = {
      registerId: reg.ctx.identity!.registerId,
      chain,
      number,
      recordedAt: row.recorded_at,
      payload: JSON.parse(row.payload),
      prevSignature: row.prev_signature,
      ...(row.key_id ? { keyId: row.key_id } : {}),
      signature: row.signature,
    };
    assert.equal(verifyRecord(reg.ctx.identity!.publicKeyPem, record, row.signature), true, 'the signature covers the payload');
    return record.payload;
  };
  const sell = async (body: object, t = token) => api(reg.url, 'POST', '/api/sales', { token: t, body });

  test('a discount above 10 % of a line needs a manager; up to 10 % does not', async () => {
    const gross = 2 * wine.priceCents;
    const limit = Math.floor(gross / 10);
    const atLimit = await sell({ lines: [{ sku: wine.sku, quantity: 2, discountCents: limit }], payments: [cash(gross)] });
    assert.equal(atLimit.status, 201, JSON.stringify(atLimit.body));
    assert.equal(signedPayload('ticket', atLimit.body.number).approvedBy, undefined);

    const before = ticketCount();
    const over = { lines: [{ sku: wine.sku, quantity: 2, discountCents: limit + 1 }], payments: [cash(gross)] };
    const refused = await sell(over);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'APPROVAL_REQUIRED');
    assert.deepEqual(refused.body.error.details.reasons, ['discount']);
    assert.equal(ticketCount(), before, 'nothing written');

    const granted = await sell({ ...over, approval: central.manager });
    assert.equal(granted.status, 201, JSON.stringify(granted.body));
    const approvedBy = signedPayload('ticket', granted.body.number).approvedBy;
    assert.equal(approvedBy.login, central.manager.login);
    assert.equal(approvedBy.role, 'manager');
    assert.deepEqual(approvedBy.reasons, ['discount']);
  });

  test('a whole-ticket discount is spread over the lines to the cent; above 10 % of the ticket it needs a manager', async () => {
    const gross = 3 * wine.priceCents;
    const ok10 = await sell({ lines: [{ sku: wine.sku, quantity: 1 }, { sku: wine.sku, quantity: 2 }], ticketDiscount: { percentBp: 1000 }, payments: [cash(gross)] });
    assert.equal(ok10.status, 201, JSON.stringify(ok10.body));
    const payload = signedPayload('ticket', ok10.body.number);
    const discount = Math.floor((gross * 1000 * 2 + 10000) / 20000);
    assert.equal(payload.totalCents, gross - discount, '10 % of the ticket, rounded half up');
    assert.equal(payload.lines.reduce((s: number, l: { discountCents: number }) => s + l.discountCents, 0), discount, 'the lines carry the shares');
    assert.equal(payload.vat.reduce((s: number, v: { totalCents: number }) => s + v.totalCents, 0), payload.totalCents);
    assert.equal(payload.approvedBy, undefined, 'at the limit: no manager');

    const before = ticketCount();
    const over = { lines: [{ sku: wine.sku, quantity: 3 }], ticketDiscount: { amountCents: Math.floor(gross / 10) + 1 }, payments: [cash(gross)] };
    const refused = await sell(over);
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.deepEqual(refused.body.error.details.reasons, ['discount']);
    assert.equal(ticketCount(), before, 'nothing written');
    assert.equal((await sell({ ...over, approval: central.manager })).status, 201);
    const tooMuch = await sell({ ...over, ticketDiscount: { amountCents: gross + 1 }, approval: central.manager });
    assert.equal(tooMuch.status, 422, JSON.stringify(tooMuch.body));
    assert.equal(tooMuch.body.error.details.reason, 'TICKET_DISCOUNT_INVALID');
    assert.equal((await sell({ ...over, ticketDiscount: { percentBp: 0 } })).status, 400, 'validated');
  });

  test('a return needs a manager: refused without, refused with a wrong PIN or a cashier, granted with the manager', async () => {
    const sale = await sell({ lines: [{ sku: wine.sku, quantity: 1 }], payments: [cash(wine.priceCents)] });
    assert.equal(sale.status, 201);
    const body = { original: { number: sale.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [cash(wine.priceCents)] };
    const before = ticketCount();

    const none = await api(reg.url, 'POST', '/api/returns', { token, body });
    assert.equal(none.status, 403);
    assert.equal(none.body.error.code, 'APPROVAL_REQUIRED');
    assert.deepEqual(none.body.error.details.reasons, ['return']);

    const wrongPin = await api(reg.url, 'POST', '/api/returns', { token, body: { ...body, approval: { login: central.manager.login, pin: '0000' } } });
    assert.equal(wrongPin.status, 403);
    assert.equal(wrongPin.body.error.details.reason, 'invalid_approval');

    const byCashier = await api(reg.url, 'POST', '/api/returns', { token, body: { ...body, approval: central.cashier } });
    assert.equal(byCashier.status, 403);
    assert.equal(byCashier.body.error.details.reason, 'not_a_manager');
    assert.equal(ticketCount(), before, 'nothing written by any refusal');

    const granted = await api(reg.url, 'POST', '/api/returns', { token, body: { ...body, approval: central.manager } });
    assert.equal(granted.status, 201, JSON.stringify(granted.body));
    const payload = signedPayload('ticket', granted.body.number);
    assert.equal(payload.kind, 'return');
    assert.equal(payload.approvedBy.login, central.manager.login);
    assert.deepEqual(payload.approvedBy.reasons, ['return']);
    const registerId = reg.ctx.identity!.registerId;
    await eventually('the approved return integrated at central', async () =>
      (await central.tickets(registerId)).some((t) => t.number === granted.body.number),
    );
  });

  test('a manager signed in needs no approval: the return is signed as approved by them', async () => {
    const manager = await cashierSession(reg, central.manager);
    const sale = await sell({ lines: [{ sku: wine.sku, quantity: 1 }], payments: [cash(wine.priceCents)] });
    const ret = await api(reg.url, 'POST', '/api/returns', {
      token: manager.token,
      body: { original: { number: sale.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [cash(wine.priceCents)] },
    });
    assert.equal(ret.status, 201, JSON.stringify(ret.body));
    const approvedBy = signedPayload('ticket', ret.body.number).approvedBy;
    assert.equal(approvedBy.cashierId, manager.cashierId);
  });

  test('a cashier cannot close the day alone', async () => {
    const closures = () => (reg.ctx.sqlite.prepare("SELECT count(*) AS n FROM records WHERE chain = 'closure'").get() as { n: number }).n;
    const before = closures();
    const r = await api(reg.url, 'POST', '/api/closures/day', { token });
    assert.equal(r.status, 403);
    assert.equal(r.body.error.code, 'APPROVAL_REQUIRED');
    assert.deepEqual(r.body.error.details.reasons, ['closure']);
    assert.equal(closures(), before);
  });

  test('5 wrong PINs lock the login (429 + Retry-After, even with the right PIN), across a restart; the lock is a signed event', async () => {
    const login = (pin: string) => api(reg.url, 'POST', '/api/auth/login', { body: { login: central.cashier.login, pin } });
    const raw = (pin: string) =>
      fetch(`${reg.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: central.cashier.login, pin }) });
    const wrong = central.cashier.pin === '0000' ? '1111' : '0000';
    for (let i = 0; i < 5; i++) assert.equal((await login(wrong)).status, 401, `attempt ${i + 1}`);
    const locked = await raw(central.cashier.pin);
    assert.equal(locked.status, 429);
    assert.equal(((await locked.json()) as any).error.code, 'TOO_MANY_ATTEMPTS');
    const retryAfter = Number(locked.headers.get('retry-after'));
    assert.ok(retryAfter >= 1 && retryAfter <= 30, `Retry-After ${retryAfter}`);

    const events = reg.ctx.sqlite.prepare("SELECT payload FROM records WHERE chain = 'event'").all() as { payload: string }[];
    const lockEvent = events.map((e) => JSON.parse(e.payload)).find((p) => p.event === 'login_locked');
    assert.ok(lockEvent, 'a login_locked event was signed');
    assert.equal(lockEvent.details.key, `login:${central.cashier.login}`);

    // A restart does not reset the counters (they are in register.sqlite).
    await reg.close();
    reg = await startTestRegister(dir.path, central.url, { clock });
    assert.equal((await raw(central.cashier.pin)).status, 429, 'still locked after a restart');

    // After the lock, the right PIN works again and ends the count.
    offsetMs += 31_000;
    const ok = await login(central.cashier.pin);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    token = ok.body.token;
  });

  test('a wrong approval PIN counts as a failed login of that manager', async () => {
    const sale = await sell({ lines: [{ sku: wine.sku, quantity: 1 }], payments: [cash(wine.priceCents)] });
    const body = { original: { number: sale.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [cash(wine.priceCents)] };
    const wrongPin = central.manager.pin === '0000' ? '1111' : '0000';
    for (let i = 0; i < 5; i++) {
      const r = await api(reg.url, 'POST', '/api/returns', { token, body: { ...body, approval: { login: central.manager.login, pin: wrongPin } } });
      assert.equal(r.status, 403, `attempt ${i + 1}`);
    }
    const managerLogin = await api(reg.url, 'POST', '/api/auth/login', { body: central.manager });
    assert.equal(managerLogin.status, 429, 'the manager login is locked');
    const approval = await api(reg.url, 'POST', '/api/returns', { token, body: { ...body, approval: central.manager } });
    assert.equal(approval.status, 429, 'and so is their approval, even with the right PIN');
  });
});
