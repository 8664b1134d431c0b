import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_MANAGER_AT_TILL, eventually, http, onDialect } from '@comptoir/testing';
import { readFec, fecNetCents } from './support/fec';
import { centralTickets, knowsRegister, openTwoRegisterShop, readRegisterFile, someProducts, stopShopPostgres, waitForDrained, waitForMode, type Shop, type ShopRegister } from './support/shop';

/**
 * Gift cards (cartes cadeaux, docs/architecture.md §25) on real processes: central (SQLite, then
 * PostgreSQL) and two registers A and B.
 *  - A sells cards (`POST /api/gift-cards`): refusals (amount, cap, tender, short) store nothing; a
 *    card's ticket has no goods line and no VAT, its reference CC-<A>-<number> on the receipt;
 *  - connected: B spends part of a card through central; beyond what is left is 409 GIFT_CARD_SPENT
 *    and stores nothing; above what is due is 422 (no change out of a card); the card's sale is not
 *    refunded;
 *  - central killed: B spends the rest over the LAN, asking A; beyond is refused at B and at A;
 *  - central and A both gone: B takes another card only with a manager's approval, flagged
 *    gift_card_unchecked at central;
 *  - the Z of A counts the cards apart from the sales (`giftCardsIssuedCents`), and central's
 *    journal, FEC (419700) and dashboard agree with the Zs.
 */
after(stopShopPostgres);

const call = (reg: ShopRegister, method: 'GET' | 'POST', path: string, body?: unknown) => http(reg.process.url, method, path, { token: reg.cashierToken, body });
const ticketCount = async (reg: ShopRegister) => (await call(reg, 'GET', '/api/tickets?limit=1')).body.total as number;


/** True once `reg` counts the spend `reservationId` among those of its stored values (its own file, read-only). */
const counts = (reg: ShopRegister, reservationId: string) => readRegisterFile(reg, (db) => db.prepare('SELECT 1 FROM credit_note_spends WHERE reservation_id = ?').get(reservationId) !== undefined);

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`gift cards at any register of the store [${dialect}]`, onDialect(dialect), () => {
    let shop: Shop;
    after(async () => shop?.cleanup());

    it('sold on a ticket of their own, spent in parts once, through central, over the LAN, or unchecked and flagged; counted apart in the Z, the journal and the FEC', async () => {
      shop = await openTwoRegisterShop(dialect, 'gift_cards');
      const [a, b] = shop.registers as [ShopRegister, ShopRegister];
      const [p] = await someProducts(shop, 1);
      const price = p!.priceCents;
      assert.ok(price >= 2, 'a price to split');
      const prefix = a.id.replace(/-/g, '').slice(0, 8).toUpperCase();

      // Refusals store nothing: amount, the store's cap (default 500,00 €), tender, short payment.
      const before = await ticketCount(a);
      for (const [body, reason] of [
        [{ amountCents: 0, payments: [{ method: 'cash', amountCents: 100 }] }, 'GIFT_CARD_AMOUNT'],
        [{ amountCents: 50_001, payments: [{ method: 'card', amountCents: 50_001 }] }, 'GIFT_CARD_MAX'],
        [{ amountCents: 1000, payments: [{ method: 'meal_voucher', amountCents: 1000 }] }, 'GIFT_CARD_TENDER'],
        [{ amountCents: 1000, payments: [{ method: 'card', amountCents: 999 }] }, 'PAYMENT_SHORT'],
      ] as const) {
        const r = await call(a, 'POST', '/api/gift-cards', body);
        assert.equal(r.status, 422, JSON.stringify(r.body));
        assert.deepEqual([r.body.error.code, r.body.error.details.reason], ['PAYMENT_REFUSED', reason]);
      }
      assert.equal(await ticketCount(a), before, 'nothing stored');

      // A sells two cards: one paid in cash with change, one by card.
      const card1Cents = 3 * price;
      const sold = await call(a, 'POST', '/api/gift-cards', { amountCents: card1Cents, payments: [{ method: 'cash', amountCents: card1Cents + 150 }] });
      assert.equal(sold.status, 201, JSON.stringify(sold.body));
      const ref1 = sold.body.giftCard.reference as string;
      assert.equal(ref1, `CC-${prefix}-${sold.body.number}`);
      assert.deepEqual([sold.body.lines, sold.body.vat, sold.body.totalCents, sold.body.changeCents], [[], [], card1Cents, 150], 'no goods, no VAT');
      const receipt = await call(a, 'GET', `/api/tickets/${sold.body.number}/receipt`);
      assert.equal(receipt.status, 200, JSON.stringify(receipt.body));
      assert.deepEqual(receipt.body.ticket.giftCard, { reference: ref1, amountCents: card1Cents });
      const invoice = await call(a, 'POST', `/api/tickets/${sold.body.number}/invoice`, { customerId: '00000000-0000-4000-8000-000000000000' });
      assert.deepEqual([invoice.status, invoice.body.error?.code, invoice.body.error?.details?.reason], [422, 'INVOICE_REFUSED', 'gift_card'], JSON.stringify(invoice.body));
      const card2 = await call(a, 'POST', '/api/gift-cards', { amountCents: price, payments: [{ method: 'card', amountCents: price }] });
      assert.equal(card2.status, 201, JSON.stringify(card2.body));
      const ref2 = card2.body.giftCard.reference as string;
      const refusedReturn = await call(a, 'POST', '/api/returns', { original: { number: sold.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [{ method: 'cash', amountCents: 1 }], approval: DEMO_MANAGER_AT_TILL });
      assert.equal(refusedReturn.status, 422, JSON.stringify(refusedReturn.body));
      assert.deepEqual([refusedReturn.body.error.code, refusedReturn.body.error.details.reason], ['RETURN_REFUSED', 'gift_card_return']);

      const pay = (reg: ShopRegister, reference: string, quantity: number, card: number, approval?: unknown) =>
        call(reg, 'POST', '/api/sales', {
          lines: [{ sku: p!.sku, quantity }],
          payments: [{ method: 'gift_card', amountCents: card, reference }, ...(quantity * price > card ? [{ method: 'card', amountCents: quantity * price - card }] : [])],
          ...(approval ? { approval } : {}),
        });

      // A made-up reference (its prefix names no register of the store) is unknown, online and
      // offline, and never taken on a manager's approval.
      const madeUp = `CC-${[a.id, b.id].some((id) => id.startsWith('0'.repeat(8))) ? 'f'.repeat(8).toUpperCase() : '0'.repeat(8)}-1`;
      const unknownCard = async (reg: ShopRegister) => {
        const looked = await call(reg, 'GET', `/api/gift-cards/${madeUp}`);
        assert.deepEqual([looked.status, looked.body.error?.code], [404, 'NOT_FOUND'], JSON.stringify(looked.body));
        const before = await ticketCount(reg);
        const sale = await pay(reg, madeUp, 1, price, DEMO_MANAGER_AT_TILL);
        assert.deepEqual([sale.status, sale.body.error?.code], [404, 'NOT_FOUND'], JSON.stringify(sale.body));
        assert.equal(await ticketCount(reg), before, 'nothing stored');
      };
      await unknownCard(b);

      // Connected: central decides.
      await waitForDrained(a);
      const looked = await call(b, 'GET', `/api/gift-cards/${ref1}`);
      assert.equal(looked.status, 200, JSON.stringify(looked.body));
      assert.deepEqual(looked.body, { reference: ref1, registerId: a.id, ticketNumber: sold.body.number, amountCents: card1Cents, spentCents: 0, balanceCents: card1Cents });
      const first = await pay(b, ref1, 1, price);
      assert.equal(first.status, 201, JSON.stringify(first.body));
      assert.deepEqual(first.body.payments[0], { method: 'gift_card', amountCents: price, reference: ref1, reservationId: first.body.payments[0].reservationId });
      const atB = await ticketCount(b);
      const beyond = await pay(b, ref1, 3, 3 * price);
      assert.equal(beyond.status, 409, JSON.stringify(beyond.body));
      assert.deepEqual([beyond.body.error.code, beyond.body.error.details.balanceCents], ['GIFT_CARD_SPENT', 2 * price]);
      const overDue = await call(b, 'POST', '/api/sales', { lines: [{ sku: p!.sku, quantity: 1 }], payments: [{ method: 'gift_card', amountCents: price + 1, reference: ref1 }] });
      assert.equal(overDue.status, 422, JSON.stringify(overDue.body));
      assert.equal(overDue.body.error.details.reason, 'GIFT_CARD_OVER_DUE', 'no change out of a gift card');
      assert.equal(await ticketCount(b), atB, 'refusals store nothing');
      assert.equal((await call(a, 'GET', `/api/gift-cards/${ref1}`)).body.balanceCents, 2 * price, 'the refusals reserved nothing');

      // Central killed: A, which sold the card, decides over the LAN.
      await Promise.all([waitForDrained(a), waitForDrained(b)]);
      await eventually('A and B know each other', async () => knowsRegister(a, b) && knowsRegister(b, a));
      // A learns from central what B spent of its card, so that alone it never lets it be spent twice.
      await eventually('A counts the spend B made through central', async () => counts(a, first.body.payments[0].reservationId));
      await shop.central.handle.stop();
      await Promise.all([waitForMode(a, 'autonomous'), waitForMode(b, 'autonomous')]);
      const viaLan = await pay(b, ref1, 1, price);
      assert.equal(viaLan.status, 201, JSON.stringify(viaLan.body));
      assert.equal((await call(b, 'GET', `/api/gift-cards/${ref1}`)).body.balanceCents, price, 'asked of A');
      for (const reg of [b, a]) {
        const over = await pay(reg, ref1, 2, 2 * price);
        assert.equal(over.status, 409, JSON.stringify(over.body));
        assert.equal(over.body.error.code, 'GIFT_CARD_SPENT');
      }
      const rest = await pay(b, ref1, 1, price);
      assert.equal(rest.status, 201, JSON.stringify(rest.body));
      assert.equal((await call(a, 'GET', `/api/gift-cards/${ref1}`)).body.balanceCents, 0);

      // A gone too: nobody can check ref2 — refused without a manager, taken with one, flagged later.
      await a.process.handle.stop();
      await unknownCard(b);
      const refused = await pay(b, ref2, 1, price);
      assert.equal(refused.status, 403, JSON.stringify(refused.body));
      assert.deepEqual([refused.body.error.code, refused.body.error.details.reasons], ['APPROVAL_REQUIRED', ['gift_card_unchecked']]);
      const unchecked = await pay(b, ref2, 1, price, DEMO_MANAGER_AT_TILL);
      assert.equal(unchecked.status, 201, JSON.stringify(unchecked.body));
      assert.equal(unchecked.body.payments[0].unchecked, true);

      await shop.central.restart();
      await a.process.restart();
      await Promise.all([waitForDrained(a), waitForDrained(b)]);
      const atCentral = await centralTickets(shop, b.id);
      assert.deepEqual(atCentral.find((t) => t.number === unchecked.body.number)?.anomalies, [`gift_card_unchecked:${ref2}`]);
      assert.deepEqual(atCentral.find((t) => t.number === viaLan.body.number)?.anomalies, [], 'the LAN spend is counted once, not flagged');
      const cardTicket = (await centralTickets(shop, a.id)).find((t) => t.number === sold.body.number);
      assert.deepEqual(cardTicket?.anomalies, [], 'a card ticket without VAT is no anomaly at central');
      for (const [ref, balance] of [[ref1, 0], [ref2, 0]] as const) {
        assert.equal((await call(b, 'GET', `/api/gift-cards/${ref}`)).body.balanceCents, balance, ref);
      }

      // The X then the Z of A: the cards apart from the sales; their money in the payments.
      const x = await call(a, 'GET', '/api/reports/x');
      assert.equal(x.status, 200, JSON.stringify(x.body));
      assert.deepEqual([x.body.giftCardsIssuedCents, x.body.salesCents, x.body.totalCents], [card1Cents + price, 0, 0]);
      const zs: any[] = [];
      for (const reg of [a, b]) {
        const z = await http(reg.process.url, 'POST', '/api/closures/day', { token: reg.cashierToken, body: { approval: DEMO_MANAGER_AT_TILL } });
        assert.equal(z.status, 201, JSON.stringify(z.body));
        zs.push(z.body.payload);
        await waitForDrained(reg);
      }
      const [za, zb] = zs;
      assert.deepEqual([za.giftCardsIssuedCents, za.salesCents, za.grandTotalCents], [card1Cents + price, 0, 0], 'no turnover at A');
      assert.deepEqual(za.payments.map((m: any) => [m.method, m.amountCents]).sort(), [['card', price], ['cash', card1Cents]]);
      assert.equal(zb.giftCardsIssuedCents, undefined, 'B sold no card');
      assert.equal(zb.salesCents, 4 * price);
      assert.equal(zb.payments.find((m: any) => m.method === 'gift_card')?.amountCents, 4 * price, 'the tender by method');

      // Central's sales journal and FEC of that day agree with the Zs.
      const day = za.periodKey as string;
      const j = await http(shop.central.url, 'GET', `/api/accounting/journal?from=${day}&to=${day}`, { token: shop.adminToken });
      assert.equal(j.status, 200, JSON.stringify(j.body));
      assert.deepEqual([j.body.totals.giftCardsIssuedCents, j.body.totals.salesCents, j.body.totals.netCents], [card1Cents + price, 4 * price, 4 * price]);
      assert.equal(j.body.totals.payments.find((m: any) => m.method === 'gift_card')?.amountCents, 4 * price);
      const csv = await fetch(`${shop.central.url}/api/accounting/journal.csv?from=${day}&to=${day}`, { headers: { authorization: `Bearer ${shop.adminToken}` } });
      assert.equal(csv.status, 200);
      const [header, , total] = (await csv.text()).replace(/^\uFEFF/, '').split('\r\n').map((l) => l.split(';'));
      const col = (name: string) => header!.indexOf(name);
      assert.ok(col('Cartes cadeaux émises') > 0 && col('Règlements Carte cadeau') > 0, header!.join(';'));
      const euros = (c: number) => `${Math.floor(c / 100)},${String(c % 100).padStart(2, '0')}`;
      assert.deepEqual([total![0], total![col('Cartes cadeaux émises')], total![col('Règlements Carte cadeau')]], ['TOTAL', euros(card1Cents + price), euros(4 * price)]);
      const { status, rows } = await readFec(shop, day);
      assert.equal(status, 200);
      const entries = new Map<string, number>();
      let cardAccount = 0;
      for (const r of rows) {
        const net = fecNetCents(r);
        entries.set(r[2]!, (entries.get(r[2]!) ?? 0) + net);
        if (r[4] === '419700') {
          assert.equal(r[5], 'Clients - cartes cadeaux', 'the default label (ISO 8859-15 has no en dash)');
          cardAccount += net;
        }
      }
      for (const [num, bal] of entries) assert.equal(bal, 0, `entry ${num} balanced`);
      assert.equal(cardAccount, card1Cents + price - 4 * price, '419700: issued (credit) minus spent (debit)');
      assert.ok(rows.some((r) => r[10]!.startsWith('Carte cadeau ')), 'the card sale is labelled as such');
      // The card's account is in the store's chart, editable like the others.
      const chart = await http(shop.central.url, 'GET', '/api/accounting/accounts', { token: shop.adminToken });
      assert.equal(chart.status, 200, JSON.stringify(chart.body));
      assert.deepEqual(chart.body.items.find((i: any) => i.key === 'payment:gift_card'), { key: 'payment:gift_card', num: '419700', label: 'Clients - cartes cadeaux', isDefault: true });
      const put = await http(shop.central.url, 'PUT', '/api/accounting/accounts', { token: shop.adminToken, body: { items: [{ key: 'payment:gift_card', num: '419800', label: 'Cartes cadeaux' }] } });
      assert.equal(put.status, 200, JSON.stringify(put.body));
      const fec2 = (await readFec(shop, day)).text;
      assert.ok(fec2.includes('\t419800\tCartes cadeaux\t') && !fec2.includes('419700'), 'the edited account in the FEC');

      // The dashboard's day is the store's calendar day (Europe/Paris for the demo store), not the Z's
      // business day: between midnight and the 04:00 cutoff the two differ.
      const calendarDay = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(new Date());
      const dash = await http(shop.central.url, 'GET', `/api/dashboard?date=${calendarDay}`, { token: shop.adminToken });
      assert.equal(dash.status, 200, JSON.stringify(dash.body));
      const store = dash.body.stores.find((s: any) => s.storeId === shop.storeId);
      assert.deepEqual([store.giftCardsIssuedCents, store.giftCardsIssued, store.totalCents], [card1Cents + price, 2, 4 * price]);
      assert.equal(store.byMethod.find((m: any) => m.method === 'gift_card')?.amountCents, 4 * price);
    });
  });
}
