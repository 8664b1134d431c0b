import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CASHIER, DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';
import { hashSecret } from '../src/modules/auth/password';

after(stopSharedPostgres);

// The stock count (inventaire) of a category, docs/architecture.md §21: the sheet frozen at start,
// partial saves, movements made during the count accounted for (a ticket by its signed sale time), ONE adjustment document on posting,
// a posted count frozen (service and database), and every refusal stores nothing.

type Line = { sku: string; frozenQuantity: number; movedSinceStart: number; expected: number; counted: number | null; difference: number | null };

for (const dialect of DIALECTS) {
  describe(`stock count of a category [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let reg: FakeRegister;
    let cashierToken: string;
    let otherManagerToken: string;
    let storeB: string;
    const minute = (n: number) => {
      c.now.value = new Date(Date.parse('2025-03-14T09:00:00.000Z') + n * 60_000);
    };
    const level = async (sku: string, storeId = c.storeId) => (await c.call('GET', `/api/stock/${sku}?storeId=${storeId}`, c.adminToken)).json.quantity as number;
    const line = (count: { lines: Line[] }, sku: string) => count.lines.find((l) => l.sku === sku)!;
    const stored = async () => ({
      counts: await c.db.selectFrom('stock_counts').selectAll().orderBy('id').execute(),
      lines: await c.db.selectFrom('stock_count_lines').selectAll().orderBy('count_id').orderBy('sku').execute(),
      adjustments: (await c.db.selectFrom('stock_adjustments').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
      movements: (await c.db.selectFrom('stock_movements').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
    });

    before(async () => {
      c = await startTestCentral(dialect);
      minute(0);
      await c.addProduct('PAIN', 120, 10);
      await c.addProduct('CROISSANT', 110, 20);
      await c.addProduct('BRIOCHE', 290); // never moved: no level row, 0 expected
      await c.addProduct('CAFE', 459, 7);
      await c.db.updateTable('products').set({ category: 'Épicerie' }).where('sku', '=', 'CAFE').execute();
      reg = await c.enrolRegister('Caisse 1');
      cashierToken = (await c.call('POST', '/api/auth/login', null, { username: CASHIER.username, password: CASHIER.password })).json.token;
      const created = await c.call('POST', '/api/stores', c.adminToken, { name: 'Boulangerie B', address: '2 rue de Lyon', siret: '912 345 675 00025', vatNumber: 'fr65912345675', timezone: 'Europe/Paris' });
      assert.equal(created.status, 201, JSON.stringify(created.json));
      storeB = created.json.id;
      await c.db
        .insertInto('users')
        .values({ id: 'u-manager-b', username: 'gerantb', display_name: 'Gérant B', role: 'manager', password_hash: (await hashSecret('manager-b-password'))!, pin_hash: null, store_id: storeB, active: 1, change_version: 1 })
        .execute();
      otherManagerToken = (await c.call('POST', '/api/auth/login', null, { username: 'gerantb', password: 'manager-b-password' })).json.token;
    });
    after(async () => c?.close());

    it('the whole count: frozen sheet, partial saves, movements during the count, ONE adjustment on posting', async () => {
      const started = await c.call('POST', '/api/stock-counts', c.managerToken, { category: ' Boulangerie ' });
      assert.equal(started.status, 201, JSON.stringify(started.json));
      const id = started.json.id as string;
      assert.equal(started.json.status, 'open');
      assert.equal(started.json.storeId, c.storeId, 'no storeId: the manager\'s own store');
      assert.equal(started.json.startedBy, 'gerant');
      assert.deepEqual(
        started.json.lines.map((l: Line) => [l.sku, l.frozenQuantity, l.expected, l.counted]),
        [['BRIOCHE', 0, 0, null], ['CROISSANT', 20, 20, null], ['PAIN', 10, 10, null]],
        'the active products of the category, sorted, with the levels at start (CAFE is Épicerie)',
      );
      assert.equal(started.json.adjustment, null);

      // A second count of the same category in the same store waits for this one.
      const twice = await c.call('POST', '/api/stock-counts', c.adminToken, { category: 'Boulangerie', storeId: c.storeId });
      assert.equal(twice.status, 409);
      assert.equal(twice.json.error.code, 'STOCK_COUNT_OPEN');
      assert.equal(twice.json.error.details.countId, id);

      // PAIN counted at 09:01: 8 on the shelf for 10 expected.
      minute(1);
      let saved = await c.call('PUT', `/api/stock-counts/${id}/lines`, c.managerToken, { lines: [{ sku: 'PAIN', counted: 8 }] });
      assert.equal(saved.status, 200, JSON.stringify(saved.json));
      assert.deepEqual([line(saved.json, 'PAIN').counted, line(saved.json, 'PAIN').difference], [8, -2]);
      assert.equal(saved.json.countedCount, 1);

      // 09:02: 2 croissants and 1 pain sold at the till while the count goes on (not counted yet / counted already).
      minute(2);
      reg.setClock('2025-03-14T09:02:00.000Z');
      const push = await c.call('POST', '/api/sync/push', reg.token, { records: [reg.sale([{ sku: 'CROISSANT', quantity: 2, unitPriceCents: 110 }, { sku: 'PAIN', quantity: 1, unitPriceCents: 120 }])] });
      assert.equal(push.status, 200, JSON.stringify(push.json));
      // 09:03: a delivery of 5 brioches received in the back office.
      minute(3);
      assert.equal((await c.call('POST', '/api/stock/receptions', c.managerToken, { lines: [{ sku: 'BRIOCHE', quantity: 5 }] })).status, 201);

      const during = (await c.call('GET', `/api/stock-counts/${id}`, c.managerToken)).json;
      assert.deepEqual(
        during.lines.map((l: Line) => [l.sku, l.frozenQuantity, l.movedSinceStart, l.expected, l.difference]),
        [
          ['BRIOCHE', 0, 5, 5, null], // received during the count: expected now 5
          ['CROISSANT', 20, -2, 18, null], // sold before being counted: expected 18
          ['PAIN', 10, 0, 10, -2], // sold after being counted: not a difference
        ],
      );

      // 09:03:30, at a till cut off from central: one more croissant sold, not pushed yet.
      reg.setClock('2025-03-14T09:03:29.000Z');
      const offline = reg.sale([{ sku: 'CROISSANT', quantity: 1, unitPriceCents: 110 }], { soldOffline: true });
      // 09:04: croissants counted: 16 on the shelf (18 expected so far); the save changes nothing else.
      minute(4);
      saved = await c.call('PUT', `/api/stock-counts/${id}/lines`, c.managerToken, { lines: [{ sku: 'CROISSANT', counted: 16 }] });
      assert.deepEqual([line(saved.json, 'CROISSANT').expected, line(saved.json, 'CROISSANT').difference], [18, -2]);
      assert.equal(line(saved.json, 'PAIN').counted, 8, 'a partial save leaves the other lines as they were');
      // 09:04:30: the till is back and pushes its 09:03:30 sale, made BEFORE the croissants were
      // counted: the shelf already lacked it, so it lowers the expected quantity (not a difference).
      c.now.value = new Date('2025-03-14T09:04:30.000Z');
      assert.equal((await c.call('POST', '/api/sync/push', reg.token, { records: [offline] })).status, 200);
      const afterPush = line((await c.call('GET', `/api/stock-counts/${id}`, c.managerToken)).json, 'CROISSANT');
      assert.deepEqual([afterPush.movedSinceStart, afterPush.expected, afterPush.difference], [-3, 17, -1]);

      // Posting with a line not counted is refused, and stores nothing.
      const before = await stored();
      const incomplete = await c.call('POST', `/api/stock-counts/${id}/post`, c.managerToken);
      assert.equal(incomplete.status, 422);
      assert.equal(incomplete.json.error.code, 'STOCK_COUNT_INCOMPLETE');
      assert.deepEqual(incomplete.json.error.details.uncounted, ['BRIOCHE']);
      assert.deepEqual(await stored(), before, 'nothing stored on refusal');

      minute(5);
      saved = await c.call('PUT', `/api/stock-counts/${id}/lines`, c.managerToken, { lines: [{ sku: 'BRIOCHE', counted: 5 }] });
      assert.equal(saved.json.countedCount, 3);

      minute(6);
      const posted = await c.call('POST', `/api/stock-counts/${id}/post`, c.managerToken);
      assert.equal(posted.status, 201, JSON.stringify(posted.json));
      assert.equal(posted.json.status, 'posted');
      assert.equal(posted.json.postedBy, 'gerant');
      assert.equal(posted.json.postedAt, '2025-03-14T09:06:00.000Z');
      const adj = posted.json.adjustment;
      assert.equal(adj.countId, id);
      assert.equal(adj.postedBy, 'gerant');
      assert.equal(adj.category, 'Boulangerie');
      assert.deepEqual(adj.lines, [
        { sku: 'BRIOCHE', expected: 5, counted: 5, delta: 0 },
        { sku: 'CROISSANT', expected: 17, counted: 16, delta: -1 },
        { sku: 'PAIN', expected: 10, counted: 8, delta: -2 },
      ]);
      // Levels: what was counted, plus what moved after the count (the pain sold at 09:02).
      assert.deepEqual([await level('PAIN'), await level('CROISSANT'), await level('BRIOCHE'), await level('CAFE')], [7, 16, 5, 7]);
      // ONE document; one movement per non-zero difference, in the ledger with who and why.
      assert.equal(Number((await c.db.selectFrom('stock_adjustments').select((eb) => eb.fn.countAll<number>().as('n')).where('count_id', '=', id).executeTakeFirstOrThrow()).n), 1);
      const moves = (await c.call('GET', `/api/stock/PAIN/movements?storeId=${c.storeId}`, c.managerToken)).json.items;
      assert.deepEqual([moves[0].reason, moves[0].delta, moves[0].note, moves[0].by], ['adjustment', -2, 'Inventaire Boulangerie', 'gerant']);
      const docLines = await c.db.selectFrom('stock_adjustment_lines').selectAll().where('adjustment_id', '=', adj.id).orderBy('sku').execute();
      assert.equal(docLines[0]!.movement_id, null, 'no movement for a difference of 0');
      assert.ok(docLines[1]!.movement_id && docLines[2]!.movement_id);

      // The count as read back later shows the document's figures, whatever moves afterwards.
      minute(7);
      reg.setClock('2025-03-14T09:07:00.000Z');
      await c.call('POST', '/api/sync/push', reg.token, { records: [reg.sale([{ sku: 'PAIN', quantity: 3, unitPriceCents: 120 }])] });
      const later = (await c.call('GET', `/api/stock-counts/${id}`, c.managerToken)).json;
      assert.deepEqual(later.lines.map((l: Line) => [l.sku, l.expected, l.counted, l.difference]), [['BRIOCHE', 5, 5, 0], ['CROISSANT', 17, 16, -1], ['PAIN', 10, 8, -2]]);

      // A posted count cannot change: saving or posting again is refused and stores nothing.
      const frozen = await stored();
      const resave = await c.call('PUT', `/api/stock-counts/${id}/lines`, c.managerToken, { lines: [{ sku: 'PAIN', counted: 9 }] });
      assert.equal(resave.status, 409);
      assert.equal(resave.json.error.code, 'STOCK_COUNT_POSTED');
      const repost = await c.call('POST', `/api/stock-counts/${id}/post`, c.adminToken);
      assert.equal(repost.status, 409);
      assert.equal(repost.json.error.code, 'STOCK_COUNT_POSTED');
      assert.deepEqual(await stored(), frozen);
      assert.equal(await level('PAIN'), 4);

      // The database itself refuses: a posted count, its lines and the adjustment are frozen.
      await assert.rejects(c.db.updateTable('stock_count_lines').set({ counted: 9 }).where('count_id', '=', id).execute(), /posted stock count/);
      await assert.rejects(c.db.deleteFrom('stock_count_lines').where('count_id', '=', id).execute(), /posted stock count/);
      await assert.rejects(c.db.updateTable('stock_counts').set({ status: 'open' }).where('id', '=', id).execute(), /posted stock count/);
      await assert.rejects(c.db.updateTable('stock_adjustment_lines').set({ delta: 0 }).where('adjustment_id', '=', adj.id).execute(), /append-only/);
      await assert.rejects(c.db.deleteFrom('stock_adjustments').where('id', '=', adj.id).execute(), /append-only/);

      // Listed; and the category can be counted again now that nothing is open.
      const list = (await c.call('GET', '/api/stock-counts?status=posted', c.managerToken)).json;
      assert.deepEqual(list.items.map((s: { id: string; lineCount: number; countedCount: number }) => [s.id, s.lineCount, s.countedCount]), [[id, 3, 3]]);
      const again = await c.call('POST', '/api/stock-counts', c.managerToken, { category: 'Boulangerie' });
      assert.equal(again.status, 201);
      assert.equal(line(again.json, 'PAIN').frozenQuantity, 4);
    });

    it('bad input is a coded 400/404/422 and stores nothing', async () => {
      const open = await c.call('POST', '/api/stock-counts', c.managerToken, { category: 'Épicerie' });
      assert.equal(open.status, 201, JSON.stringify(open.json));
      const id = open.json.id as string;
      const before = await stored();
      for (const body of [{}, { category: '' }, { category: '   ' }, { category: 'x'.repeat(101) }]) {
        const r = await c.call('POST', '/api/stock-counts', c.managerToken, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.json.error.code, 'VALIDATION');
      }
      const none = await c.call('POST', '/api/stock-counts', c.managerToken, { category: 'Fromagerie' });
      assert.equal(none.status, 404);
      assert.equal(none.json.error.code, 'NOT_FOUND');
      for (const body of [{ lines: [] }, { lines: [{ sku: 'CAFE', counted: -1 }] }, { lines: [{ sku: 'CAFE', counted: 1.5 }] }, { lines: [{ sku: 'CAFE', counted: '3' }] }, { lines: [{ sku: 'CAFE', counted: 3 }, { sku: 'CAFE', counted: 4 }] }]) {
        const r = await c.call('PUT', `/api/stock-counts/${id}/lines`, c.managerToken, body);
        assert.equal(r.status, 400, JSON.stringify(body));
        assert.equal(r.json.error.code, 'VALIDATION');
      }
      const counted = await c.call('PUT', `/api/stock-counts/${id}/lines`, c.managerToken, { lines: [{ sku: 'CAFE', counted: 3 }, { sku: 'PAIN', counted: 3 }] });
      assert.equal(counted.status, 422, 'PAIN is not on the Épicerie sheet');
      assert.equal(counted.json.error.code, 'UNKNOWN_PRODUCT');
      assert.deepEqual(counted.json.error.details.unknown, ['PAIN']);
      assert.equal((await c.call('GET', '/api/stock-counts/no-such-count', c.managerToken)).status, 404);
      assert.deepEqual(await stored(), before, 'CAFE was not saved either: one transaction');
    });

    it('a cashier, a register and the manager of another store are refused, and store nothing', async () => {
      const inB = await c.call('POST', '/api/stock-counts', c.adminToken, { category: 'Boulangerie', storeId: storeB });
      assert.equal(inB.status, 201, JSON.stringify(inB.json));
      assert.equal(inB.json.storeId, storeB);
      assert.deepEqual(inB.json.lines.map((l: Line) => [l.sku, l.frozenQuantity]), [['BRIOCHE', 0], ['CROISSANT', 0], ['PAIN', 0]], 'store B\'s levels, not A\'s');
      const mine = (await c.call('GET', '/api/stock-counts?status=open&category=Boulangerie', c.managerToken)).json.items[0].id as string;
      const before = await stored();
      const routes: [string, string, unknown?][] = [
        ['GET', '/api/stock-counts'],
        ['POST', '/api/stock-counts', { category: 'Boulangerie' }],
        ['GET', `/api/stock-counts/${mine}`],
        ['PUT', `/api/stock-counts/${mine}/lines`, { lines: [{ sku: 'PAIN', counted: 1 }] }],
        ['POST', `/api/stock-counts/${mine}/post`],
      ];
      for (const [m, url, body] of routes) {
        assert.equal((await c.call(m, url, null, body)).status, 401, `${m} ${url} without a token`);
        const cashier = await c.call(m, url, cashierToken, body);
        assert.equal(cashier.status, 403, `${m} ${url} as a cashier`);
        assert.equal(cashier.json.error.code, 'FORBIDDEN');
        assert.equal((await c.call(m, url, reg.token, body)).status, 403, `${m} ${url} with a register token`);
      }
      // The manager of store B: A's count is as if absent (404), naming store A is 403.
      for (const [m, url, body] of routes.slice(2)) {
        const r = await c.call(m, url, otherManagerToken, body);
        assert.equal(r.status, 404, `${m} ${url} by B's manager`);
      }
      assert.equal((await c.call('POST', '/api/stock-counts', otherManagerToken, { category: 'Épicerie', storeId: c.storeId })).status, 403);
      assert.equal((await c.call('GET', `/api/stock-counts?storeId=${c.storeId}`, otherManagerToken)).status, 403);
      // …and A's manager likewise for B's count; B's own list shows B's count only.
      assert.equal((await c.call('PUT', `/api/stock-counts/${inB.json.id}/lines`, c.managerToken, { lines: [{ sku: 'PAIN', counted: 1 }] })).status, 404);
      assert.deepEqual((await c.call('GET', '/api/stock-counts', otherManagerToken)).json.items.map((s: { id: string }) => s.id), [inB.json.id]);
      assert.deepEqual(await stored(), before, 'nothing stored by any refusal');
      // The manager of B counts and posts B's own count.
      const lines = inB.json.lines.map((l: Line) => ({ sku: l.sku, counted: 2 }));
      assert.equal((await c.call('PUT', `/api/stock-counts/${inB.json.id}/lines`, otherManagerToken, { lines })).status, 200);
      const posted = await c.call('POST', `/api/stock-counts/${inB.json.id}/post`, otherManagerToken);
      assert.equal(posted.status, 201, JSON.stringify(posted.json));
      assert.equal(posted.json.adjustment.postedBy, 'gerantb');
      assert.deepEqual([await level('PAIN', storeB), await level('PAIN')], [2, 4], 'B\'s count moved B\'s stock only');
    });
  });
}
