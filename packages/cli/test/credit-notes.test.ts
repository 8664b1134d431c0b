import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_MANAGER_AT_TILL, eventually, http, onDialect } from '@comptoir/testing';
import { centralTickets, knowsRegister, openTwoRegisterShop, someProducts, stopShopPostgres, waitForDrained, waitForMode, type Shop, type ShopRegister } from './support/shop';

/**
 * Credit notes (avoirs, docs/architecture.md §19) on real processes: central (SQLite, then
 * PostgreSQL) and two registers A and B.
 *  - connected: a return at A refunds as an avoir (its reference on the ticket); B spends part of it,
 *    a tender beyond what is left is refused 409 CREDIT_NOTE_SPENT at either till, A spends the rest;
 *  - central killed: B spends part of another avoir of A by asking A over the LAN; beyond the rest
 *    is refused at B and at A;
 *  - central and A both gone: B refuses an avoir it cannot check (403 without a manager's approval)
 *    and takes it with one; central flags that sale credit_note_unchecked when it arrives.
 */
after(stopShopPostgres);

const call = (reg: ShopRegister, method: 'GET' | 'POST', path: string, body?: unknown) => http(reg.process.url, method, path, { token: reg.cashierToken, body });


for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`credit notes at any register of the store [${dialect}]`, onDialect(dialect), () => {
    let shop: Shop;
    after(async () => shop?.cleanup());

    it('issued by a return, spent in parts once, through central, over the LAN, or unchecked and flagged', async () => {
      shop = await openTwoRegisterShop(dialect, 'credit_notes');
      const [a, b] = shop.registers as [ShopRegister, ShopRegister];
      const [p] = await someProducts(shop, 1);
      const price = p!.priceCents;
      assert.ok(price >= 2, 'a price to split');
      const sale = await call(a, 'POST', '/api/sales', { lines: [{ sku: p!.sku, quantity: 3 }], payments: [{ method: 'card', amountCents: 3 * price }] });
      assert.equal(sale.status, 201, JSON.stringify(sale.body));
      const issue = async () => {
        const r = await call(a, 'POST', '/api/returns', { original: { number: sale.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [{ method: 'credit_note', amountCents: price }], approval: DEMO_MANAGER_AT_TILL });
        assert.equal(r.status, 201, JSON.stringify(r.body));
        const ref = r.body.payments[0].reference as string;
        assert.match(ref, new RegExp(`^AV-${a.id.replace(/-/g, '').slice(0, 8).toUpperCase()}-${r.body.number}$`));
        return ref;
      };
      const pay = (reg: ShopRegister, reference: string, avoir: number, approval?: unknown) =>
        call(reg, 'POST', '/api/sales', {
          lines: [{ sku: p!.sku, quantity: 1 }],
          payments: [{ method: 'credit_note', amountCents: avoir, reference }, ...(price > avoir ? [{ method: 'card', amountCents: price - avoir }] : [])],
          ...(approval ? { approval } : {}),
        });

      // Connected: central decides.
      const ref1 = await issue();
      await waitForDrained(a);
      const looked = await call(b, 'GET', `/api/credit-notes/${ref1}`);
      assert.equal(looked.status, 200, JSON.stringify(looked.body));
      assert.deepEqual([looked.body.amountCents, looked.body.balanceCents, looked.body.registerId], [price, price, a.id]);
      const half = Math.floor(price / 2);
      const part = await pay(b, ref1, half);
      assert.equal(part.status, 201, JSON.stringify(part.body));
      assert.deepEqual(part.body.payments[0], { method: 'credit_note', amountCents: half, reference: ref1, reservationId: part.body.payments[0].reservationId });
      for (const reg of [a, b]) {
        const over = await pay(reg, ref1, price - half + 1);
        assert.equal(over.status, 409, JSON.stringify(over.body));
        assert.equal(over.body.error.code, 'CREDIT_NOTE_SPENT');
      }
      const rest = await pay(a, ref1, price - half);
      assert.equal(rest.status, 201, JSON.stringify(rest.body));
      assert.equal((await call(b, 'GET', `/api/credit-notes/${ref1}`)).body.balanceCents, 0);
      const malformed = await pay(b, 'AV-nope', 1);
      assert.equal(malformed.status, 400, 'a reference that is not one: a clear 400');

      // Central killed: A, which issued the avoir, decides over the LAN.
      const ref2 = await issue();
      const ref3 = await issue();
      await Promise.all([waitForDrained(a), waitForDrained(b)]);
      // Each register learns the other's address and key from central while connected.
      await eventually('A and B know each other', async () => knowsRegister(a, b) && knowsRegister(b, a));
      await shop.central.handle.stop();
      await Promise.all([waitForMode(a, 'autonomous'), waitForMode(b, 'autonomous')]);
      const viaLan = await pay(b, ref2, half);
      assert.equal(viaLan.status, 201, JSON.stringify(viaLan.body));
      assert.equal((await call(b, 'GET', `/api/credit-notes/${ref2}`)).body.balanceCents, price - half, 'asked of A');
      for (const reg of [b, a]) {
        const over = await pay(reg, ref2, price - half + 1);
        assert.equal(over.status, 409, JSON.stringify(over.body));
        assert.equal(over.body.error.code, 'CREDIT_NOTE_SPENT');
      }
      const restAtA = await pay(a, ref2, price - half);
      assert.equal(restAtA.status, 201, JSON.stringify(restAtA.body));

      // A gone too: nobody can check ref3 — refused without a manager, taken with one, flagged later.
      await a.process.handle.stop();
      const refused = await pay(b, ref3, half);
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      assert.equal(refused.body.error.code, 'APPROVAL_REQUIRED');
      assert.deepEqual(refused.body.error.details.reasons, ['credit_note_unchecked']);
      const unchecked = await pay(b, ref3, half, DEMO_MANAGER_AT_TILL);
      assert.equal(unchecked.status, 201, JSON.stringify(unchecked.body));
      assert.equal(unchecked.body.payments[0].unchecked, true);

      await shop.central.restart();
      await a.process.restart();
      await Promise.all([waitForDrained(a), waitForDrained(b)]);
      const atCentral = await centralTickets(shop, b.id);
      assert.deepEqual(atCentral.find((t) => t.number === unchecked.body.number)?.anomalies, [`credit_note_unchecked:${ref3}`]);
      assert.deepEqual(atCentral.find((t) => t.number === viaLan.body.number)?.anomalies, [], 'the LAN spend is counted once, not flagged');
      for (const [ref, balance] of [[ref1, 0], [ref2, 0], [ref3, price - half]] as const) {
        assert.equal((await call(b, 'GET', `/api/credit-notes/${ref}`)).body.balanceCents, balance, ref);
      }
    });
  });
}
