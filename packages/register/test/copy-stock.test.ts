// A full SOS copy swapped in keeps the register's own sales that central had not integrated when it
// read the copy (streamed-copy.service.ts, phase 4: stock movements of tickets after the copy's
// `ticketHead` re-applied). Against the real central process, busy on its push path: one push
// allowed in flight (COMPTOIR_MAX_PUSHES_IN_FLIGHT=1) and held by a push whose body never comes, so
// the register's pushes are refused 503 CENTRAL_BUSY while its copies are served — the sale is
// made, the copy cut without it. Central's stock also moves on its own (a delivery), so the copy
// brings a level the register never had: the register must hold central's level minus its own
// unpushed sales — not the copy's level alone (sales lost), and not minus the sales central already
// counted (counted twice).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { generateSigningKeyPair } from '@comptoir/domain';
import { eventually, holdPushSlot, http } from '@comptoir/testing';
import { DEMO_SKUS, centralPerFile } from './support/central';
import { startEnrolledRegister, type EnrolledRegister } from './support/enrolled-register';
import { api } from './helpers';

const centralOfFile = centralPerFile({ COMPTOIR_MAX_PUSHES_IN_FLIGHT: '1' });
const SKU = DEMO_SKUS.coffee;

describe("a full copy and the register's own unpushed sales", () => {
  let env: EnrolledRegister | undefined;
  let held: Socket | undefined;
  after(async () => {
    held?.destroy();
    await env?.close();
  });

  test('the stock after the swap is central\'s level minus the sales central had not integrated, each once', async () => {
    const central = await centralOfFile();
    env = await startEnrolledRegister(central, 'Caisse stock et copie');
    const { reg, token, registerId } = env;
    const localStock = () => (reg.ctx.sqlite.prepare('SELECT quantity FROM stock_levels WHERE sku = ?').get(SKU) as { quantity: number }).quantity;
    const sell = async (quantity: number) => {
      const r = await api(reg.url, 'POST', '/api/sales', { token, body: { lines: [{ sku: SKU, quantity }], payments: [{ method: 'cash', amountCents: 100_000 }] } });
      assert.equal(r.status, 201, JSON.stringify(r.body));
      return r.body.number as number;
    };
    const drained = () => eventually('the outbox drained', async () => reg.status().pendingRecords === 0, 20_000);
    const initial = env.initialStock.get(SKU)!;

    // Integrated before the copy: counted in central's level already.
    await sell(2);
    await drained();
    assert.equal(await central.stock(SKU), initial - 2);

    // Central busy on the push path (another register's push holds the only slot).
    const other = await central.createRegister('Caisse qui occupe la file');
    const enrolled = await http(central.url, 'POST', '/api/registers/enrol', { body: { enrolCode: other.enrolCode, publicKeyPem: generateSigningKeyPair().publicKeyPem } });
    assert.equal(enrolled.status, 200, JSON.stringify(enrolled.body));
    held = holdPushSlot(central.port, enrolled.body.token as string);
    await eventually('the push path busy', async () => {
      const probe = await http(central.url, 'POST', '/api/sync/push', { token: enrolled.body.token, body: { records: [] } });
      return probe.status === 503 && probe.body.error?.code === 'CENTRAL_BUSY';
    }, 10_000);

    // Sold while central cannot integrate it; then a delivery at central.
    const unpushed = await sell(3);
    const delivery = await http(central.url, 'POST', '/api/stock/receptions', { token: central.adminToken, body: { lines: [{ sku: SKU, quantity: 10 }] } });
    assert.equal(delivery.status, 201, JSON.stringify(delivery.body));
    const centralLevel = initial - 2 + 10;
    assert.equal(await central.stock(SKU), centralLevel, "central's level: the delivery in, the unpushed sale not");
    assert.equal(localStock(), initial - 5, 'the register took both sales off its own copy');

    const copy = await reg.agent.manualCopy();
    assert.equal(copy.kind, 'manual');
    const integrated = (await central.tickets(registerId)).map((t) => t.number);
    assert.ok(!integrated.includes(unpushed), `the copy was cut before central integrated ticket ${unpushed} (integrated: ${integrated.join(', ')})`);
    assert.ok(reg.status().pendingRecords > 0, 'the sale still waits in the outbox');
    assert.equal(localStock(), centralLevel - 3, "central's level minus the register's own unpushed sale, once");
    const listed = await api(reg.url, 'GET', `/api/products?q=${SKU}`, { token });
    assert.equal(listed.body.items[0]?.stock, centralLevel - 3, 'what the till shows');

    // Central free again: the sale is integrated once, and both sides agree; the next copy re-applies nothing.
    held.destroy();
    await drained();
    assert.equal(await central.stock(SKU), centralLevel - 3, 'central counted the sale once');
    assert.equal(localStock(), centralLevel - 3);
    await reg.agent.manualCopy();
    assert.equal(localStock(), centralLevel - 3, 'a copy holding the sale does not take it off again');
  });
});
