import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { sql } from 'kysely';
import { archiveBody, archiveDigest, keyFingerprint, verifyArchive } from '@comptoir/domain';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import { ticketPayload, type FakeRegister } from './fixtures/records';
import { verifyCentralChains } from '../src/modules/sync/verify-chains';

after(stopSharedPostgres);

const count = async (c: TestCentral, table: 'records' | 'tickets' | 'ticket_lines' | 'stock_movements' | 'tamper_alerts' | 'ticket_payments' | 'ticket_vat') =>
  Number((await c.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
const stockOf = async (c: TestCentral, sku: string) => (await c.call('GET', `/api/stock/${sku}`, c.adminToken)).json.quantity as number;

for (const dialect of DIALECTS) {
  describe(`push: exactly-once ingest [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let reg: FakeRegister;
    const push = (records: unknown[], token = reg.token) => c.call('POST', '/api/sync/push', token, { records });

    before(async () => {
      c = await startTestCentral(dialect);
      await c.addProduct('BAGUETTE', 130, 100);
      await c.addProduct('CROISSANT', 120, 50);
      await c.addProduct('RARE', 500, 1);
      reg = await c.enrolRegister('Caisse 1');
    });
    after(async () => c?.close());

    it('integrates signed tickets and events, with lines, payments, VAT and stock deltas', async () => {
      const t1 = reg.sale([{ sku: 'BAGUETTE', quantity: 2, unitPriceCents: 130 }, { sku: 'CROISSANT', quantity: 3, unitPriceCents: 120 }]);
      const e1 = reg.event('login');
      const t2 = reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }], { soldOffline: true });
      const r = await push([t1, e1, t2]);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.integrated, 3);
      assert.equal(r.json.replayed, 0);
      assert.equal(r.json.heads.ticket, 2);
      assert.equal(r.json.heads.event, 1);

      assert.equal(await stockOf(c, 'BAGUETTE'), 97);
      assert.equal(await stockOf(c, 'CROISSANT'), 47);

      const list = await c.call('GET', `/api/tickets?registerId=${reg.id}`, c.adminToken);
      assert.equal(list.json.total, 2);
      assert.deepEqual(list.json.items.map((t: any) => t.number), [1, 2]);
      const [first, second] = list.json.items;
      assert.equal(first.totalCents, 620);
      assert.equal(first.soldOffline, false);
      assert.equal(second.soldOffline, true);
      assert.equal(first.soldAt, t1.recordedAt);
      assert.equal(first.integratedAt, c.now.value.toISOString());
      assert.deepEqual(first.anomalies, []);
      assert.equal(first.lines, undefined, 'no lines without ?detail=1');

      const detail = await c.call('GET', `/api/tickets/${reg.id}/1`, c.adminToken);
      assert.equal(detail.status, 200);
      assert.equal(detail.json.lines.length, 2);
      assert.deepEqual(detail.json.payments, [{ method: 'cash', amountCents: 620 }]);
      assert.equal(detail.json.vat[0].totalCents, 620);
      assert.equal(detail.json.signature, t1.signature);
      const withDetail = await c.call('GET', `/api/tickets?registerId=${reg.id}&detail=1`, c.adminToken);
      assert.equal(withDetail.json.items[1].lines.length, 1);
      assert.equal((await c.call('GET', `/api/tickets/${reg.id}/99`, c.adminToken)).status, 404);

      const stored = await c.db.selectFrom('records').selectAll().where('register_id', '=', reg.id).where('chain', '=', 'ticket').where('number', '=', 1).executeTakeFirstOrThrow();
      assert.equal(stored.signature, t1.signature);
      assert.deepEqual(JSON.parse(stored.payload), t1.payload);
      const movements = await c.db.selectFrom('stock_movements').selectAll().where('register_id', '=', reg.id).orderBy('ticket_number').execute();
      assert.deepEqual(movements.map((m) => [m.sku, Number(m.delta), m.reason]), [['BAGUETTE', -2, 'sale'], ['CROISSANT', -3, 'sale'], ['BAGUETTE', -1, 'sale']]);
    });

    it('acknowledges a replayed batch without duplicating anything', async () => {
      const before = { records: await count(c, 'records'), tickets: await count(c, 'tickets'), moves: await count(c, 'stock_movements') };
      // Rebuild the same records: fetch them back from the database as the register would resend them.
      const stored = await c.db.selectFrom('records').selectAll().where('register_id', '=', reg.id).orderBy('chain').orderBy('number').execute();
      const again = stored.map((s) => ({ registerId: s.register_id, chain: s.chain, number: Number(s.number), recordedAt: s.recorded_at, payload: JSON.parse(s.payload), prevSignature: s.prev_signature, signature: s.signature }));
      const t3 = reg.sale([{ sku: 'CROISSANT', quantity: 1, unitPriceCents: 120 }]);
      const r = await push([...again, t3]);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.replayed, 3);
      assert.equal(r.json.integrated, 1);
      assert.equal(r.json.heads.ticket, 3);
      const r2 = await push([t3]);
      assert.equal(r2.status, 200);
      assert.deepEqual([r2.json.integrated, r2.json.replayed], [0, 1]);
      assert.equal(await count(c, 'records'), before.records + 1);
      assert.equal(await count(c, 'tickets'), before.tickets + 1);
      assert.equal(await count(c, 'stock_movements'), before.moves + 1);
      assert.equal(await stockOf(c, 'CROISSANT'), 46);
    });

    it('refuses a gap with the number it expects, storing nothing', async () => {
      const t4 = reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
      const t5 = reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
      const n = await count(c, 'records');
      const r = await push([t5]);
      assert.equal(r.status, 409);
      assert.equal(r.json.error.code, 'CHAIN_GAP');
      assert.deepEqual(r.json.error.details, { chain: 'ticket', expected: 4, got: 5 });
      assert.equal(await count(c, 'records'), n);
      const ok = await push([t4, t5]);
      assert.equal(ok.status, 200);
      assert.equal(ok.json.heads.ticket, 5);
    });

    it('a forged signature is a tamper alert: 422, an alert row, no ticket, batch rolled back', async () => {
      const good = reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
      const forged = reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
      const sig = forged.signature;
      const bad = { ...forged, signature: (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1) };
      const [records, tickets, alerts] = [await count(c, 'records'), await count(c, 'tickets'), await count(c, 'tamper_alerts')];
      const r = await push([good, bad]);
      assert.equal(r.status, 422);
      assert.equal(r.json.error.code, 'TAMPER_ALERT');
      assert.deepEqual(r.json.error.details, { chain: 'ticket', number: 7, reason: 'bad_signature' });
      assert.equal(await count(c, 'records'), records);
      assert.equal(await count(c, 'tickets'), tickets);
      assert.equal(await count(c, 'tamper_alerts'), alerts + 1);
      const listed = await c.call('GET', '/api/tamper-alerts', c.adminToken);
      assert.equal(listed.json.items[0].registerId, reg.id);
      assert.equal(listed.json.items[0].reason, 'bad_signature');
      const fleet = await c.call('GET', '/api/registers', c.adminToken);
      assert.equal(fleet.json.items.find((x: any) => x.id === reg.id).tamperAlerts, alerts + 1);
      // The genuine records still go through.
      const ok = await push([good, forged]);
      assert.equal(ok.status, 200, JSON.stringify(ok.json));
      assert.equal(ok.json.heads.ticket, 7);
    });

    it('a tampered payload (total changed after signing) is a tamper alert', async () => {
      const t = reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
      const tampered = { ...t, payload: { ...t.payload, totalCents: 1 } };
      const tickets = await count(c, 'tickets');
      const r = await push([tampered]);
      assert.equal(r.status, 422);
      assert.equal(r.json.error.details.reason, 'bad_signature');
      assert.equal(await count(c, 'tickets'), tickets);
      assert.equal((await push([t])).status, 200);
    });

    it('a broken chain (prevSignature not the held head) is a tamper alert', async () => {
      const t = reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
      // Correctly signed, right number, but chained to something else than the record central holds.
      const alien = reg.sign({ ...t, prevSignature: 'A'.repeat(86) });
      const r = await push([alien]);
      assert.equal(r.status, 422);
      assert.equal(r.json.error.details.reason, 'prev_mismatch');
      // Replaying an already-held number with a different signature is also a tamper alert.
      const held = await c.db.selectFrom('records').selectAll().where('register_id', '=', reg.id).where('chain', '=', 'ticket').where('number', '=', 1).executeTakeFirstOrThrow();
      const fake = reg.sign({ registerId: reg.id, chain: 'ticket', number: 1, recordedAt: held.recorded_at, payload: { ...JSON.parse(held.payload), totalCents: 1 }, prevSignature: '' });
      const r2 = await push([fake]);
      assert.equal(r2.status, 422);
      assert.equal(r2.json.error.details.reason, 'replay_signature_differs');
      assert.equal((await push([t])).status, 200);
    });

    it("refuses another register's records with 403, storing nothing", async () => {
      const other = await c.enrolRegister('Caisse 2');
      const mine = reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
      const theirs = other.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
      const n = await count(c, 'records');
      const r = await push([mine, theirs]);
      assert.equal(r.status, 403);
      assert.equal(r.json.error.code, 'FOREIGN_RECORD');
      assert.equal(await count(c, 'records'), n);
      assert.equal((await push([theirs], other.token)).status, 200);
      assert.equal((await push([mine])).status, 200);
    });

    it('refuses malformed bodies with 400 and stores nothing', async () => {
      const n = await count(c, 'records');
      const t = reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
      for (const body of [
        {},
        { records: [] },
        { records: [{ ...t, number: 'x' }] },
        { records: [{ ...t, chain: 'event' }] }, // ticket payload on the event chain
        { records: [{ ...t, payload: { ...t.payload, lines: [] } }] },
        { records: [t, { nonsense: true }] },
      ]) {
        const r = await c.call('POST', '/api/sync/push', reg.token, body);
        assert.equal(r.status, 400, JSON.stringify(body).slice(0, 80));
        assert.equal(r.json.error.code, 'VALIDATION');
      }
      const res = await c.app.inject({ method: 'POST', url: '/api/sync/push', headers: { authorization: `Bearer ${reg.token}`, 'content-type': 'application/json' }, payload: '{"records": [' });
      assert.equal(res.statusCode, 400);
      assert.equal(await count(c, 'records'), n);
      assert.equal((await push([t])).status, 200);
    });

    it('flags business anomalies but integrates the ticket', async () => {
      const t = reg.sale([
        { sku: 'GHOST', quantity: 1, unitPriceCents: 999 },
        { sku: 'BAGUETTE', quantity: 1, unitPriceCents: 150 },
        { sku: 'RARE', quantity: 3, unitPriceCents: 500 },
      ]);
      const r = await push([t]);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.integrated, 1);
      const ticket = await c.call('GET', `/api/tickets/${reg.id}/${t.number}`, c.adminToken);
      assert.deepEqual(ticket.json.anomalies, ['unknown_product:GHOST', 'price_differs:BAGUETTE:central=130:ticket=150', 'negative_stock:RARE']);
      assert.equal(await stockOf(c, 'RARE'), -2);
      assert.equal((await c.call('GET', '/api/stock/GHOST', c.adminToken)).status, 404);
    });

    it('re-does each ticket\'s arithmetic (lines → VAT → total → payments): a signed ticket that disagrees is integrated, flagged and shown in review', async () => {
      // Signed and chained by the register's own key: only the figures are wrong.
      const sale = (lines: { sku: string; quantity: number; unitPriceCents: number }[], change: (p: any) => any) =>
        reg.next('ticket', change(ticketPayload(reg.storeId, 'sale', lines, {})));
      const cases: [string, (p: any) => any][] = [
        ['lines', (p) => ((p.lines[0].totalCents += 10), p)],
        ['vat', (p) => ((p.vat[0].vatCents -= 3), (p.vat[0].baseCents += 3), p)],
        ['total', (p) => ((p.totalCents -= 50), p)],
        ['payments', (p) => ((p.payments = [{ method: 'card', amountCents: p.totalCents - 1 }]), p)],
      ];
      const tickets = cases.map(([, change]) => sale([{ sku: 'BAGUETTE', quantity: 2, unitPriceCents: 130 }], change));
      const honest = reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
      const r = await push([...tickets, honest]);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.integrated, 5, 'never blocking: every ticket is integrated');
      for (const [i, [step]] of cases.entries()) {
        const t = await c.call('GET', `/api/tickets/${reg.id}/${tickets[i]!.number}`, c.adminToken);
        assert.deepEqual(t.json.anomalies, [`totals_mismatch:${step}`], step);
        assert.equal(t.json.totalCents, tickets[i]!.payload.type === 'ticket' ? tickets[i]!.payload.totalCents : NaN, 'the stated total is kept as signed');
      }
      assert.deepEqual((await c.call('GET', `/api/tickets/${reg.id}/${honest.number}`, c.adminToken)).json.anomalies, []);
      const review = await c.call('GET', '/api/review?status=open&limit=100', c.managerToken);
      assert.equal(review.status, 200, JSON.stringify(review.json));
      const flagged = review.json.items.filter((i: any) => i.registerId === reg.id && i.anomalies.some((a: string) => a.startsWith('totals_mismatch:')));
      assert.deepEqual(flagged.map((i: any) => i.number).sort((a: number, b: number) => a - b), tickets.map((t) => t.number));
    });

    it('a return puts stock back (delta), a batch aggregates deltas per product', async () => {
      const before = await stockOf(c, 'CROISSANT');
      const s1 = reg.sale([{ sku: 'CROISSANT', quantity: 4, unitPriceCents: 120 }]);
      const s2 = reg.sale([{ sku: 'CROISSANT', quantity: 1, unitPriceCents: 120 }, { sku: 'CROISSANT', quantity: 2, unitPriceCents: 120 }]);
      const ret = reg.returnOf(s1.number, [{ sku: 'CROISSANT', quantity: 2, unitPriceCents: 120 }]);
      const r = await push([s1, s2, ret]);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(await stockOf(c, 'CROISSANT'), before - 4 - 3 + 2);
      const t = await c.call('GET', `/api/tickets/${reg.id}/${ret.number}`, c.adminToken);
      assert.equal(t.json.kind, 'return');
      assert.deepEqual(t.json.original, { registerId: reg.id, number: s1.number });
      assert.deepEqual(t.json.anomalies, []);
    });

    it('signed rows are append-only: the database refuses UPDATE and DELETE', async () => {
      await assert.rejects(c.db.updateTable('records').set({ payload: '{}' }).where('register_id', '=', reg.id).execute(), /append-only/);
      await assert.rejects(c.db.deleteFrom('records').where('register_id', '=', reg.id).execute(), /append-only/);
      await assert.rejects(c.db.updateTable('tickets').set({ total_cents: 1 }).where('register_id', '=', reg.id).execute(), /append-only/);
      await assert.rejects(c.db.deleteFrom('tickets').where('register_id', '=', reg.id).execute(), /append-only/);
      await assert.rejects(c.db.updateTable('ticket_lines').set({ quantity: 1 }).execute(), /append-only/);
      // Review flags on a ticket may change.
      await c.db.updateTable('tickets').set({ anomalies: '["reviewed"]' }).where('register_id', '=', reg.id).where('number', '=', 1).execute();
      const n = Number((await sql<{ n: number }>`select count(*) as n from records`.execute(c.db)).rows[0]!.n);
      assert.ok(n > 0);
    });

    it('verifyCentralChains re-checks every stored chain from record 1', async () => {
      const reports = await verifyCentralChains(c.location);
      assert.ok(reports.length >= 3);
      assert.ok(reports.every((r) => r.ok), JSON.stringify(reports.filter((r) => !r.ok)));
      const ticketChain = reports.find((r) => r.registerId === reg.id && r.chain === 'ticket');
      assert.ok(ticketChain && ticketChain.records > 10);
    });

    it('records of the training chain are stored but make no ticket and move no stock', async () => {
      const before = await stockOf(c, 'BAGUETTE');
      const tickets = await count(c, 'tickets');
      const tr = reg.next('training', { ...reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]).payload });
      // (the sale above advanced the local ticket chain; push it too)
      const held = await c.db.selectFrom('chain_heads').select('last_number').where('register_id', '=', reg.id).where('chain', '=', 'ticket').executeTakeFirstOrThrow();
      void held;
      const r = await push([tr]);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.heads.training, 1);
      assert.equal(await count(c, 'tickets'), tickets);
      assert.equal(await stockOf(c, 'BAGUETTE'), before);
    });

    it('a daily closure (Z) is stored as a signed record, moves nothing, and is listed by GET /api/closures', async () => {
      const tickets = await count(c, 'tickets');
      const payload = {
        type: 'closure' as const,
        period: 'day' as const,
        periodKey: '2025-03-14',
        firstTicket: 1,
        lastTicket: 3,
        ticketCount: 3,
        saleCount: 2,
        returnCount: 1,
        totalCents: 1234,
        vat: [{ rate: 550, baseCents: 1170, vatCents: 64, totalCents: 1234 }],
        payments: [{ method: 'cash' as const, amountCents: 1234, count: 3 }],
        grandTotalCents: 1234,
        cashierId: 'cashier-1',
      };
      const z = reg.next('closure', payload);
      const r = await push([z]);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.heads.closure, 1);
      assert.equal(await count(c, 'tickets'), tickets);
      const listed = await c.call('GET', `/api/closures?registerId=${reg.id}`, c.adminToken);
      assert.equal(listed.status, 200, JSON.stringify(listed.json));
      assert.equal(listed.json.items.length, 1);
      assert.deepEqual(listed.json.items[0].payload, payload);
      assert.equal(listed.json.items[0].signature, z.signature);
      // A closure record pushed on another chain, or a malformed one, is refused and stores nothing.
      const wrongChain = reg.sign({ ...z, chain: 'event', number: 99 } as never);
      assert.equal((await push([wrongChain])).status, 400);
      const malformed = reg.sign({ ...z, number: 2, payload: { ...payload, periodKey: '14/03/2025' } } as never);
      assert.equal((await push([malformed])).status, 400);
      assert.equal((await c.call('GET', `/api/closures?registerId=${reg.id}`, c.adminToken)).json.items.length, 1);
    });

    it('an archive record is listed by GET /api/archives and its file, rebuilt from stored records, verifies', async () => {
      // A fresh register: its chains start at 1, so the ranges are known from what this test signs.
      const a = await c.enrolRegister('Caisse archive');
      const tickets = [1, 2, 3].map(() => a.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]));
      const events = [a.event('login')];
      const archived = [...tickets, ...events];
      const payload = {
        type: 'archive' as const,
        periodKey: '2025-03',
        ranges: [
          { chain: 'ticket' as const, from: 1, to: 3, prevSignature: '' },
          { chain: 'event' as const, from: 1, to: 1, prevSignature: '' },
        ],
        recordCount: archived.length,
        sha256: archiveDigest(archiveBody(archived)),
      };
      const archive = a.next('archive', payload);
      const r = await push([...archived, archive], a.token);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.heads.archive, 1);

      const listed = await c.call('GET', `/api/archives?registerId=${a.id}`, c.adminToken);
      assert.equal(listed.status, 200, JSON.stringify(listed.json));
      assert.equal(listed.json.items.length, 1);
      assert.deepEqual(listed.json.items[0].payload, payload);
      assert.equal(listed.json.items[0].number, 1);
      assert.equal(listed.json.items[0].signature, archive.signature);

      const url = `/api/archives/${a.id}/1/file`;
      const res = await c.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${c.managerToken}` } });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^application\/x-ndjson; charset=utf-8/);
      assert.equal(res.headers['content-disposition'], `attachment; filename="comptoir-archive-${a.id}-2025-03.ndjson"`);
      const check = verifyArchive(res.body);
      assert.ok(check.ok, JSON.stringify(check));
      assert.equal(check.records, 4);
      assert.equal(check.periodKey, '2025-03');
      assert.equal(check.registerId, a.id);
      assert.equal(check.keyFingerprint, keyFingerprint(createPublicKey(a.publicKeyPem)));
      // Byte for byte what the register hashed: header line, then exactly the signed body.
      assert.equal(res.body.slice(res.body.indexOf('\n') + 1), archiveBody(archived));

      // One character changed in a record's payload breaks the file.
      const lines = res.body.split('\n');
      assert.ok(lines[1]!.includes('"label":"Produit BAGUETTE"'));
      lines[1] = lines[1]!.replace('"label":"Produit BAGUETTE"', '"label":"Produit BAGUETTF"');
      const tampered = verifyArchive(lines.join('\n'));
      assert.equal(tampered.ok, false);
      assert.equal(!tampered.ok && tampered.reason, 'the body does not match the signed SHA-256');

      // Unknown archive: 404; no token: 401.
      const unknown = await c.call('GET', `/api/archives/${a.id}/2/file`, c.adminToken);
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.error.code, 'NOT_FOUND');
      assert.equal((await c.call('GET', url, null)).status, 401);
      assert.equal((await c.call('GET', '/api/archives', null)).status, 401);

      // An archive naming a record central does not hold yet: 409, never a partial file.
      const unpushed = a.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
      const second = a.next('archive', {
        ...payload,
        periodKey: '2025-04',
        ranges: [{ chain: 'ticket', from: 4, to: 4, prevSignature: tickets[2]!.signature }],
        recordCount: 1,
        sha256: archiveDigest(archiveBody([unpushed])),
      });
      assert.equal((await push([second], a.token)).status, 200);
      const early = await c.call('GET', `/api/archives/${a.id}/2/file`, c.adminToken);
      assert.equal(early.status, 409, JSON.stringify(early.json));
      assert.equal(early.json.error.code, 'CONFLICT');
      assert.equal((await push([unpushed], a.token)).status, 200);
      const complete = await c.app.inject({ method: 'GET', url: `/api/archives/${a.id}/2/file`, headers: { authorization: `Bearer ${c.adminToken}` } });
      assert.equal(complete.statusCode, 200, complete.body);
      assert.ok(verifyArchive(complete.body).ok);
      const both = await c.call('GET', `/api/archives?registerId=${a.id}`, c.adminToken);
      assert.deepEqual(both.json.items.map((x: any) => x.number), [2, 1], 'newest first');
    });
  });
}
