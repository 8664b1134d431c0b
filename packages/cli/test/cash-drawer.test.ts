import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_MANAGER_AT_TILL, http } from '@comptoir/testing';
import { openShop, someProducts, waitForDrained, waitForMode, type Shop } from './support/shop';

/**
 * The cash drawer over a real day, end to end: a central process and a register process behind a
 * fault proxy. Opening float, cash sales with change, a paid-in, a paid-out made while the link is
 * cut, a cash refund; the paid-out needs a manager's approval, signed in its record; the count by coins and notes is 3.50 short; the Z carries expected, counted and
 * difference; the drawer records and the Z reach central, whose journal and FEC show the shortage.
 */
let shop: Shop;
before(async () => {
  shop = await openShop({ registers: 1, heartbeatMs: 250 });
});
after(async () => shop?.cleanup());

const reg = () => shop.registers[0]!;
const api = (method: 'GET' | 'POST', path: string, body?: unknown) => http(reg().process.url, method, path, { token: reg().cashierToken, body });

test('a day with a float, sales, a paid-in, a paid-out offline, a refund and a short count', async () => {
  const [p1, p2] = await someProducts(shop, 2);
  // Bad movements are refused and write nothing.
  for (const bad of [{ kind: 'loan', amountCents: 100 }, { kind: 'float', amountCents: 0 }, { kind: 'in', amountCents: 500 }, { kind: 'out', amountCents: -5, reason: 'x' }, { kind: 'float', amountCents: 1.5 }]) {
    const r = await api('POST', '/api/cash/movements', bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
    assert.equal(r.body.error.code, 'VALIDATION');
  }
  let drawer = (await api('GET', '/api/cash/drawer')).body;
  assert.equal(drawer.floatSet, false);
  assert.equal(drawer.movements.length, 0);

  const float = await api('POST', '/api/cash/movements', { kind: 'float', amountCents: 15000 });
  assert.equal(float.status, 201, JSON.stringify(float.body));
  assert.equal(float.body.payload.type, 'cash_movement');
  assert.equal(float.body.payload.kind, 'float');
  assert.equal(float.body.number, 1);
  assert.ok(float.body.signature.length > 20, 'a signed record');
  assert.equal((await api('POST', '/api/cash/movements', { kind: 'float', amountCents: 100 })).status, 409, 'one float per day');

  // Cash sale with change, card sale, paid-in.
  const s1 = await api('POST', '/api/sales', { lines: [{ sku: p1!.sku, quantity: 2 }], payments: [{ method: 'cash', amountCents: 2 * p1!.priceCents + 500 }] });
  assert.equal(s1.status, 201, JSON.stringify(s1.body));
  assert.equal(s1.body.changeCents, 500);
  const s2 = await api('POST', '/api/sales', { lines: [{ sku: p2!.sku, quantity: 1 }], payments: [{ method: 'card', amountCents: p2!.priceCents }] });
  assert.equal(s2.status, 201);
  assert.equal((await api('POST', '/api/cash/movements', { kind: 'in', amountCents: 2000, reason: 'Monnaie de la banque' })).status, 201);

  // Cut the link: a paid-out and a cash refund are made offline, as signed as the rest.
  await reg().link.setMode({ kind: 'refuse' });
  await waitForMode(reg(), 'autonomous');
  const tooMuch = await api('POST', '/api/cash/movements', { kind: 'out', amountCents: 10_000_000, reason: 'Fournitures', approval: DEMO_MANAGER_AT_TILL });
  assert.equal(tooMuch.status, 400, 'never more than the drawer holds');
  // A paid-out needs a manager's approval (checked against the copy: offline too); without it, nothing is written.
  const unapproved = await api('POST', '/api/cash/movements', { kind: 'out', amountCents: 1200, reason: 'Timbres' });
  assert.equal(unapproved.status, 403, JSON.stringify(unapproved.body));
  assert.equal(unapproved.body.error.code, 'APPROVAL_REQUIRED');
  assert.deepEqual(unapproved.body.error.details.reasons, ['paid_out']);
  const byCashier = await api('POST', '/api/cash/movements', { kind: 'out', amountCents: 1200, reason: 'Timbres', approval: shop.central.credentials().cashier });
  assert.equal(byCashier.status, 403);
  assert.equal(byCashier.body.error.details.reason, 'not_a_manager');
  assert.deepEqual((await api('GET', '/api/cash/drawer')).body.movements.map((m: any) => m.payload.kind), ['float', 'in'], 'refused paid-outs write nothing');
  const out = await api('POST', '/api/cash/movements', { kind: 'out', amountCents: 1200, reason: 'Timbres', approval: DEMO_MANAGER_AT_TILL });
  assert.equal(out.status, 201, JSON.stringify(out.body));
  assert.equal(out.body.integratedAt, null);
  assert.deepEqual([out.body.payload.approvedBy.login, out.body.payload.approvedBy.role, out.body.payload.approvedBy.reasons], [DEMO_MANAGER_AT_TILL.login, 'manager', ['paid_out']]);
  const refund = await api('POST', '/api/returns', { original: { number: s1.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [{ method: 'cash', amountCents: p1!.priceCents }], approval: DEMO_MANAGER_AT_TILL });
  assert.equal(refund.status, 201, JSON.stringify(refund.body));

  const expected = 15000 + 2 * p1!.priceCents + 2000 - 1200 - p1!.priceCents;
  drawer = (await api('GET', '/api/cash/drawer')).body;
  assert.deepEqual([drawer.floatCents, drawer.inCents, drawer.outCents, drawer.ticketCashCents, drawer.expectedCents], [15000, 2000, 1200, p1!.priceCents, expected]);
  assert.deepEqual(drawer.movements.map((m: any) => m.payload.kind), ['float', 'in', 'out']);

  // The count, by coins and notes: 3.50 short. Bad counts are refused and close nothing.
  const short = expected - 350;
  const notes50 = Math.floor(short / 5000);
  let rest = short - notes50 * 5000;
  const coins2 = Math.floor(rest / 200);
  rest -= coins2 * 200;
  const denominations = [{ valueCents: 5000, count: notes50 }, { valueCents: 200, count: coins2 }, { valueCents: 1, count: rest }];
  for (const bad of [{ denominations: [{ valueCents: 300, count: 1 }] }, { countedCashCents: 100, denominations }, { denominations: [{ valueCents: 200, count: 1 }, { valueCents: 200, count: 2 }] }, { countedCashCents: -1 }]) {
    const r = await api('POST', '/api/closures/day', bad);
    assert.equal(r.status, 400, JSON.stringify(bad));
  }
  assert.equal((await api('GET', '/api/closures')).body.items.length, 0, 'nothing closed by a bad count');
  const z = await api('POST', '/api/closures/day', { denominations, approval: DEMO_MANAGER_AT_TILL });
  assert.equal(z.status, 201, JSON.stringify(z.body));
  const p = z.body.payload;
  assert.equal(p.cashExpectedCents, expected);
  assert.equal(p.cashCountedCents, short);
  assert.equal(p.cashDifferenceCents, -350);
  // The count is signed in the drawer chain, by denomination. The shop keeps selling after the Z, and its
  // drawer too: a paid-in now belongs to the next business day (architecture §14), not to the day closed.
  drawer = (await api('GET', '/api/cash/drawer')).body;
  assert.equal(drawer.closed, true);
  const after = await api('POST', '/api/cash/movements', { kind: 'in', amountCents: 100, reason: 'Après la clôture' });
  assert.equal(after.status, 201, JSON.stringify(after.body));
  assert.notEqual(after.body.payload.day, p.periodKey);
  drawer = (await api('GET', '/api/cash/drawer')).body;
  assert.deepEqual([drawer.day, drawer.inCents, drawer.expectedCents], [after.body.payload.day, 100, 100]);

  // Back online: everything reaches central; the journal shows the drawer and the FEC the shortage.
  await reg().link.setMode({ kind: 'up' });
  // Drained: central acknowledged every record, the drawer chain's included (verified and chained like the others).
  await waitForDrained(reg());
  const day = p.periodKey;
  const j = await http(shop.central.url, 'GET', `/api/accounting/journal?from=${day}&to=${day}`, { token: shop.adminToken });
  assert.equal(j.status, 200, JSON.stringify(j.body));
  assert.deepEqual(j.body.days[0].drawers.map((d: any) => [d.registerId, d.cashExpectedCents, d.cashCountedCents, d.cashDifferenceCents]), [[reg().id, expected, short, -350]]);
  assert.equal(j.body.days[0].cashDifferenceCents, -350);
  const fec = await fetch(`${shop.central.url}/api/accounting/fec?from=${day}&to=${day}`, { headers: { authorization: `Bearer ${shop.adminToken}` } });
  const lines = new TextDecoder('iso-8859-15').decode(await fec.arrayBuffer()).split('\r\n').map((l) => l.split('\t'));
  assert.deepEqual(lines.filter((l) => l[4] === '658000').map((l) => [l[11], l[12]]), [['3,50', '0,00']]);
});
