// The queue of customers created at the till (customer-outbox.ts, customers/till-customer.service.ts)
// on a real (temporary, migrated) register database, with a scripted central client: the customer
// and its queue row are written together; nothing is pushed while the link cannot push; a failed
// push leaves the rows waiting and the next kick pushes them; oldest first, ONE push in flight
// however many kicks; central's answer is applied (a link replaces the till's customer in the copy,
// `customerInUse` maps the till's id); a full copy's replacement of `customers` puts them back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TillCustomersAnswer, TillCustomersPush } from '@comptoir/protocol';
import { registerContext } from '../../test/unit-register';
import { createTillCustomer, customerInUse, restoreTillCustomers, waitingTillCustomerCount } from '../customers/till-customer.service';
import { replaceCopy } from './sos-copy.service';
import { CentralCallError, type CentralClient } from './central-client';
import { CustomerOutbox } from './customer-outbox';

/** A central that answers each push after `release()` (or fails it), recording what it got and how many were in flight. */
function scriptedCentral(answer: (body: TillCustomersPush) => TillCustomersAnswer) {
  const pushes: TillCustomersPush[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let fail = false;
  const waiting: (() => void)[] = [];
  const client = {
    async pushCustomers(body: TillCustomersPush): Promise<TillCustomersAnswer> {
      pushes.push(body);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise<void>((resolve) => waiting.push(resolve));
      inFlight--;
      if (fail) throw new CentralCallError('network', 'POST /api/sync/customers: connection reset');
      return answer(body);
    },
  };
  return {
    client: client as unknown as CentralClient,
    pushes,
    maxInFlight: () => maxInFlight,
    setFail: (v: boolean) => (fail = v),
    /** Lets every waiting push answer; resolves once a turn of the loop later. */
    async release() {
      while (waiting.length) waiting.shift()!();
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
    },
    async settle(until: () => boolean) {
      for (let i = 0; i < 200 && !until(); i++) {
        await new Promise((r) => setTimeout(r, 5));
        while (waiting.length) waiting.shift()!();
      }
      assert.ok(until(), 'settled');
    },
  };
}

const asNew = (body: TillCustomersPush): TillCustomersAnswer => ({
  customers: body.customers.map((c) => ({ id: c.id, customerId: c.id, linked: false, customer: { id: c.id, name: c.name, email: c.email, phone: c.phone, active: true } })),
});

test('created with its queue row in one transaction; nothing pushed while the link cannot push', async () => {
  const ctx = await registerContext();
  let kicked = 0;
  ctx.customersCreated = () => kicked++;
  const c = createTillCustomer(ctx, { name: 'Inès', email: 'ines@example.fr' });
  assert.equal(kicked, 1, 'the push is scheduled');
  assert.deepEqual(ctx.sqlite.prepare('SELECT id, name, email, phone, active FROM customers').all(), [{ id: c.id, name: 'Inès', email: 'ines@example.fr', phone: null, active: 1 }]);
  assert.equal(waitingTillCustomerCount(ctx), 1);

  const central = scriptedCentral(asNew);
  const outbox = new CustomerOutbox(ctx, central.client, () => false);
  outbox.kick();
  await central.release();
  assert.equal(central.pushes.length, 0, 'the link is down: nothing pushed');
  assert.equal(waitingTillCustomerCount(ctx), 1);
});

test('a failed push leaves the rows waiting; the next kick pushes them oldest first, one push in flight', async () => {
  const ctx = await registerContext();
  let now = Date.parse('2026-12-03T09:00:00.000Z');
  ctx.now = () => new Date((now += 1000));
  const first = createTillCustomer(ctx, { name: 'Premier' });
  const second = createTillCustomer(ctx, { name: 'Second', phone: '06 12 34 56 78' });
  const central = scriptedCentral(asNew);
  const outbox = new CustomerOutbox(ctx, central.client, () => true);

  central.setFail(true);
  outbox.kick();
  await central.settle(() => central.pushes.length === 1);
  await central.release();
  assert.equal(waitingTillCustomerCount(ctx), 2, 'still waiting after a failure');

  central.setFail(false);
  outbox.kickIfWaiting();
  outbox.kick();
  outbox.kick();
  await central.settle(() => waitingTillCustomerCount(ctx) === 0);
  assert.equal(central.maxInFlight(), 1, 'one push in flight');
  assert.deepEqual(central.pushes[1]!.customers.map((c) => c.name), ['Premier', 'Second'], 'oldest first');
  assert.equal(central.pushes[1]!.customers[1]!.createdAt, '2026-12-03T09:00:02.000Z');
  assert.deepEqual([customerInUse(ctx, first.id), customerInUse(ctx, second.id)], [first.id, second.id], 'new customers keep their id');
  // An answered queue pushes nothing more.
  const before = central.pushes.length;
  outbox.kickIfWaiting();
  await central.release();
  assert.equal(central.pushes.length, before);
});

test('a link to an existing customer replaces the till one in the copy; a full copy puts the till customers back', async () => {
  const ctx = await registerContext();
  const kept = createTillCustomer(ctx, { name: 'Nouvelle' });
  const dup = createTillCustomer(ctx, { name: 'Camille L.', email: 'CAMILLE@example.fr' });
  const central = scriptedCentral((body) => ({
    customers: body.customers.map((c) =>
      c.id === dup.id
        ? { id: c.id, customerId: 'demo-customer-01', linked: true, customer: { id: 'demo-customer-01', name: 'Camille Laurent', email: 'camille@example.fr', phone: null, active: true } }
        : { id: c.id, customerId: c.id, linked: false, customer: { id: c.id, name: c.name, email: c.email, phone: c.phone, active: true } },
    ),
  }));
  const outbox = new CustomerOutbox(ctx, central.client, () => true);
  outbox.kick();
  await central.settle(() => waitingTillCustomerCount(ctx) === 0);
  const active = () => ctx.sqlite.prepare('SELECT id FROM customers WHERE active = 1 ORDER BY id').all().map((r) => (r as { id: string }).id);
  assert.deepEqual(active(), ['demo-customer-01', kept.id].sort());
  assert.equal(customerInUse(ctx, dup.id), 'demo-customer-01');

  // A full copy read before central had them: `customers` replaced by the copy's (the linked one only).
  ctx.sqlite.transaction(() =>
    replaceCopy(ctx, {
      store: { id: 'store-1', name: 'Épicerie', address: '1 rue', siret: '12345678900011', vatNumber: 'FR00123456789', timezone: 'Europe/Paris', businessDayCutoff: '00:00', fiscalYearStartMonth: 1 },
      paymentMethods: ['cash'],
      products: [],
      customers: [{ id: 'demo-customer-01', name: 'Camille Laurent', email: 'camille@example.fr', phone: null, active: true }],
      cashiers: [],
      stock: [],
      documents: [],
    }),
  )();
  assert.deepEqual(active(), ['demo-customer-01', kept.id].sort(), 'the till customer the copy lacks is back, the linked one stays inactive');
  assert.equal((ctx.sqlite.prepare('SELECT active FROM customers WHERE id = ?').get(dup.id) as { active: number }).active, 0);
  restoreTillCustomers(ctx);
  assert.equal((ctx.sqlite.prepare('SELECT count(*) AS n FROM customers').get() as { n: number }).n, 3, 'restoring twice adds nothing');
});
