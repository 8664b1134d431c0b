// NF525 business days (issue 10), on a register whose clock the test moves (the `clock` option),
// against the real central server: closures v2 (sales and returns apart, both grand totals, the
// software version); a Z at 00:30 closes the evening before (cutoff 04:00, Paris); a ticket sold
// after that Z but before the cutoff joins the next business day; the first sale of a new business
// day is preceded, in its transaction, by the automatic Z of every day left open, and by the month
// and year closures of the periods that are over (with the month's archive); the X report reads
// exactly what the next Z closes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, http } from '@comptoir/testing';
import type { Closure, ClosurePayloadV2 } from '@comptoir/protocol';
import { DEMO_SKUS, centralPerFile, type TestCentral } from './support/central';
import { startEnrolledRegister, type EnrolledRegister } from './support/enrolled-register';
import { api, cashierSession } from './helpers';

const centralOfFile = centralPerFile();

describe('business days, automatic closures, closures v2', () => {
  let central: TestCentral;
  let env: EnrolledRegister;
  let offsetMs = 0;
  const setClock = (iso: string) => {
    offsetMs = Date.parse(iso) - Date.now();
  };

  before(async () => {
    central = await centralOfFile();
    setClock('2026-11-30T09:00:00Z'); // 10:00 in Paris
    env = await startEnrolledRegister(central, 'Caisse journées', { clock: () => new Date(Date.now() + offsetMs) });
  });
  after(async () => env?.close());

  const token = async () => (await cashierSession(env.reg, central.cashier)).token;
  async function sell(t: string, sku: string, quantity: number): Promise<{ number: number; totalCents: number }> {
    const r = await api(env.reg.url, 'POST', '/api/sales', {
      token: t,
      body: { lines: [{ sku, quantity }], payments: [{ method: 'cash', amountCents: 500_00 }] },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  }
  async function closures(t: string): Promise<Closure[]> {
    return (await api(env.reg.url, 'GET', '/api/closures', { token: t })).body.items;
  }
  const v2 = (c: Closure): ClosurePayloadV2 => {
    assert.equal(c.payload.version, 2, 'a closure signed now is v2');
    return c.payload as ClosurePayloadV2;
  };

  test('a Z at 00:30 closes the evening before, with sales and returns apart and both grand totals', async () => {
    let t = await token();
    const coffee = await sell(t, DEMO_SKUS.coffee, 2);
    const wine = await sell(t, DEMO_SKUS.wine, 1);
    const ret = await api(env.reg.url, 'POST', '/api/returns', {
      token: t,
      body: { original: { number: coffee.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [{ method: 'cash', amountCents: coffee.totalCents / 2 }], approval: central.manager },
    });
    assert.equal(ret.status, 201, JSON.stringify(ret.body));
    const refunded = -ret.body.totalCents as number;

    setClock('2026-11-30T23:30:00Z'); // 00:30 on 1 December in Paris: still the business day of 30 November
    t = await token();
    const x = (await api(env.reg.url, 'GET', '/api/reports/x', { token: t })).body;
    assert.equal(x.businessDay, '2026-11-30');
    const z = await api(env.reg.url, 'POST', '/api/closures/day', { token: t, body: { approval: central.manager } });
    assert.equal(z.status, 201, JSON.stringify(z.body));
    const p = v2(z.body);
    assert.equal(p.periodKey, '2026-11-30');
    assert.equal(p.auto, false);
    assert.deepEqual([p.firstTicket, p.lastTicket, p.saleCount, p.returnCount], [1, 3, 2, 1]);
    assert.equal(p.salesCents, coffee.totalCents + wine.totalCents);
    assert.equal(p.returnsCents, refunded);
    assert.equal(p.totalCents, p.salesCents - p.returnsCents);
    assert.equal(p.grandTotalCents, p.totalCents);
    assert.equal(p.grandTotalAbsCents, p.salesCents + p.returnsCents);
    assert.equal(p.vatSales.reduce((s, v) => s + v.totalCents, 0), p.salesCents);
    assert.equal(p.vatReturns.reduce((s, v) => s + v.totalCents, 0), -p.returnsCents);
    assert.deepEqual(p.vatSales.map((v) => v.rate), [2000, 550]);
    // No count made: the drawer's expected cash (the day's net cash, no float here) and no count.
    assert.deepEqual([p.cashExpectedCents, p.cashCountedCents, p.cashDifferenceCents], [p.payments.find((m) => m.method === 'cash')!.amountCents, null, null]);
    assert.match(p.softwareVersion, /^Comptoir \d+\.\d+\.\d+/);
    // The X read just before is what the Z closed.
    assert.deepEqual([x.totalCents, x.salesCents, x.returnsCents, x.ticketCount], [p.totalCents, p.salesCents, p.returnsCents, p.ticketCount]);
    // The same business day again: refused, nothing written.
    const again = await api(env.reg.url, 'POST', '/api/closures/day', { token: t, body: { approval: central.manager } });
    assert.equal(again.status, 409);
    assert.equal((await closures(t)).length, 1);
  });

  test('a ticket sold after that Z, before the cutoff, joins the next business day', async () => {
    setClock('2026-12-01T00:15:00Z'); // 01:15 in Paris
    let t = await token();
    const late = await sell(t, DEMO_SKUS.pasta, 1);
    // The drawer follows the same rule (architecture §14): a paid-in after the Z belongs to the next business day.
    const paidIn = await api(env.reg.url, 'POST', '/api/cash/movements', { token: t, body: { kind: 'in', amountCents: 200, reason: 'Après la clôture' } });
    assert.equal(paidIn.status, 201, JSON.stringify(paidIn.body));
    assert.equal(paidIn.body.payload.day, '2026-12-01');
    const drawer = (await api(env.reg.url, 'GET', '/api/cash/drawer', { token: t })).body;
    assert.deepEqual([drawer.closed, drawer.day, drawer.inCents, drawer.ticketCashCents, drawer.expectedCents], [true, '2026-12-01', 200, late.totalCents, 200 + late.totalCents]);

    setClock('2026-12-01T10:00:00Z');
    t = await token();
    const x = (await api(env.reg.url, 'GET', '/api/reports/x', { token: t })).body;
    assert.deepEqual([x.businessDay, x.openDaysBefore, x.ticketCount, x.totalCents], ['2026-12-01', 0, 1, late.totalCents]);
    // The first sale of 1 December: November is over, so its month closure and archive are signed first.
    const first = await sell(t, DEMO_SKUS.coffee, 1);
    const list = await closures(t);
    assert.deepEqual(list.map((c) => [c.payload.period, c.payload.periodKey]), [['month', '2026-11'], ['day', '2026-11-30']]);
    const archives = (await api(env.reg.url, 'GET', '/api/archives', { token: t })).body.items;
    assert.equal(archives.length, 1);
    assert.equal(archives[0].payload.periodKey, '2026-11');
    assert.deepEqual(archives[0].payload.ranges.find((r: { chain: string }) => r.chain === 'ticket'), { chain: 'ticket', from: 1, to: 3, prevSignature: '' });
    const x2 = (await api(env.reg.url, 'GET', '/api/reports/x', { token: t })).body;
    assert.equal(x2.totalCents, late.totalCents + first.totalCents);
  });

  test('a day left open is closed automatically at the first sale 32 days later, then its month and its year', async () => {
    const before = await closures(await token());
    const grand = v2(before[1]!);
    const x = (await api(env.reg.url, 'GET', '/api/reports/x', { token: await token() })).body;

    setClock('2027-01-02T09:00:00Z');
    const t = await token();
    const xNow = (await api(env.reg.url, 'GET', '/api/reports/x', { token: t })).body;
    assert.deepEqual([xNow.businessDay, xNow.openDaysBefore, xNow.ticketCount], ['2027-01-02', 1, 0], 'the X of today holds none of the open day');
    const jan = await sell(t, DEMO_SKUS.wine, 1);
    const list = await closures(t);
    assert.deepEqual(
      list.map((c) => [c.number, c.payload.period, c.payload.periodKey, (c.payload as ClosurePayloadV2).auto]),
      [
        [5, 'year', '2026', true],
        [4, 'month', '2026-12', true],
        [3, 'day', '2026-12-01', true],
        [2, 'month', '2026-11', true],
        [1, 'day', '2026-11-30', false],
      ],
    );
    const day = v2(list[2]!);
    assert.deepEqual([day.firstTicket, day.lastTicket, day.totalCents], [4, 5, x.totalCents]);
    assert.equal(day.cashExpectedCents, 200 + x.totalCents, "the paid-in made after the previous Z counts in this day's drawer");
    assert.equal(day.grandTotalCents, grand.grandTotalCents + day.totalCents);
    assert.equal(day.grandTotalAbsCents, grand.grandTotalAbsCents + day.salesCents + day.returnsCents);
    const year = v2(list[0]!);
    assert.equal(year.totalCents, grand.totalCents + day.totalCents, 'the year is the sum of its days');
    assert.equal(year.salesCents, grand.salesCents + day.salesCents);
    assert.equal(year.grandTotalAbsCents, day.grandTotalAbsCents);
    assert.deepEqual([year.firstTicket, year.lastTicket], [1, 5]);
    // December is archived, then the fiscal year 2026 (January start): the sale of 2 January waits for the next archives.
    const archives = (await api(env.reg.url, 'GET', '/api/archives', { token: t })).body.items;
    assert.deepEqual(archives.map((a: { payload: { periodKey: string } }) => a.payload.periodKey), ['2026', '2026-12', '2026-11']);
    const ticketsOf = (a: { payload: { ranges: { chain: string; from: number; to: number }[] } }) => a.payload.ranges.find((r) => r.chain === 'ticket')!;
    assert.deepEqual([ticketsOf(archives[1]).from, ticketsOf(archives[1]).to], [4, 5]);
    assert.deepEqual([ticketsOf(archives[0]).from, ticketsOf(archives[0]).to], [1, 5], 'the fiscal year holds every ticket of the year');
    assert.equal(jan.number, 6);
    // Today's Z closes only today.
    const z = await api(env.reg.url, 'POST', '/api/closures/day', { token: t, body: { approval: central.manager } });
    assert.equal(z.status, 201, JSON.stringify(z.body));
    assert.deepEqual([z.body.payload.periodKey, z.body.payload.firstTicket, z.body.payload.lastTicket], ['2027-01-02', 6, 6]);

    // Central holds every closure, v2 as signed.
    const atCentral = await eventually('six closures at central', async () => {
      const r = await http(central.url, 'GET', `/api/closures?registerId=${env.registerId}`, { token: central.adminToken });
      return r.body.items?.length === 6 ? r.body.items : null;
    });
    assert.ok(atCentral.every((c: Closure) => c.payload.version === 2));
  });

  test('the clock set back: records keep their order and the jump is a signed event', async () => {
    setClock('2027-01-01T12:00:00Z');
    const t = await token();
    const sale = await sell(t, DEMO_SKUS.coffee, 1);
    const events = env.reg.ctx.sqlite
      .prepare("SELECT recorded_at, payload FROM records WHERE chain = 'event' ORDER BY number DESC LIMIT 5")
      .all() as { recorded_at: string; payload: string }[];
    const jump = events.map((e) => JSON.parse(e.payload)).find((p) => p.event === 'clock_set_back');
    assert.ok(jump, 'a clock_set_back event is signed');
    const ticket = env.reg.ctx.sqlite.prepare("SELECT recorded_at FROM records WHERE chain = 'ticket' AND number = ?").get(sale.number) as { recorded_at: string };
    const previous = env.reg.ctx.sqlite.prepare("SELECT recorded_at FROM records WHERE chain = 'ticket' AND number = ?").get(sale.number - 1) as { recorded_at: string };
    assert.ok(ticket.recorded_at >= previous.recorded_at, 'the ticket is not dated before the previous one');
  });
});
