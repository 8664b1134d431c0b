// Customers created at the till (issue 12 §4), against the real central server (its own process):
// bad input is a coded 400 that stores nothing; a customer created online is usable for the sale at
// once and reaches central exactly once, then the copy of another register of the store; one created
// while the link is black-holed is sold to and invoiced offline, pushed after reintegration, and a
// push replayed (its answer "lost") is still one customer at central; a customer with the e-mail (any
// case) or the phone (any spelling) of an existing customer is linked by central to that one, and
// the till names that one from then on. An empty search lists the customers just created first. A
// customer still waiting is counted apart from the records (`pendingCustomers`), up to the fleet.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '@comptoir/testing';
import { DEMO_CUSTOMER, DEMO_SKUS, centralPerFile, type TestCentral } from './support/central';
import { startEnrolledRegister, type EnrolledRegister } from './support/enrolled-register';
import { api } from './helpers';
import type { RunningRegister } from '../src/index';

const centralOfFile = centralPerFile();
const modeReached = (reg: RunningRegister, mode: string) => eventually(`mode ${mode}`, async () => reg.status().mode === mode, 30_000, 10);

type CentralCustomer = { id: string; storeId: string; name: string; email: string | null; phone: string | null };

async function centralCustomers(central: TestCentral, q: string): Promise<CentralCustomer[]> {
  const res = await fetch(`${central.url}/api/customers?q=${encodeURIComponent(q)}&limit=100`, { headers: { authorization: `Bearer ${central.adminToken}` } });
  assert.equal(res.status, 200);
  return ((await res.json()) as { items: CentralCustomer[] }).items;
}

const tillRow = (reg: RunningRegister, id: string) =>
  reg.ctx.sqlite.prepare('SELECT pushed_at, central_id FROM till_customers WHERE id = ?').get(id) as { pushed_at: string | null; central_id: string | null } | undefined;
const counts = (reg: RunningRegister) =>
  reg.ctx.sqlite.prepare('SELECT (SELECT count(*) FROM customers) AS customers, (SELECT count(*) FROM till_customers) AS till').get() as { customers: number; till: number };
const pushed = (reg: RunningRegister, id: string) => eventually(`customer ${id} pushed`, async () => Boolean(tillRow(reg, id)?.pushed_at), 30_000);

describe('customers created at the till', () => {
  let central: TestCentral;
  let env: EnrolledRegister;
  let other: EnrolledRegister;

  before(async () => {
    central = await centralOfFile();
    env = await startEnrolledRegister(central, 'Caisse clients');
    other = await startEnrolledRegister(central, 'Caisse voisine');
  });
  after(async () => {
    await env?.close();
    await other?.close();
  });

  const create = (body: unknown, token: string | undefined = env.token) => api(env.reg.url, 'POST', '/api/customers', { ...(token ? { token } : {}), body });
  const sale = (customerId: string) =>
    api(env.reg.url, 'POST', '/api/sales', { token: env.token, body: { lines: [{ sku: DEMO_SKUS.coffee, quantity: 1 }], payments: [{ method: 'cash', amountCents: 50_00 }], customerId } });

  test('bad input is a coded 400 and stores nothing; a cashier session is needed', async () => {
    const before = counts(env.reg);
    for (const body of [{}, { name: '   ' }, { name: 'Ana', email: 'pas-un-mail' }, { name: 'Ana', phone: '12' }, { name: 'Ana', phone: '06 12 AB 56 78' }, { name: 'x'.repeat(201) }]) {
      const r = await create(body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.error.code, 'VALIDATION');
    }
    assert.equal((await create({ name: 'Sans session' }, '')).status, 401);
    assert.deepEqual(counts(env.reg), before, 'nothing stored');
  });

  test('created online: sold to at once, listed first by an empty search, at central once, then in the copy of the other register', async () => {
    const r = await create({ name: '  Inès Garnier ', email: 'ines.garnier@example.fr', phone: '06 98 76 54 32' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const id = r.body.id as string;
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.equal(r.body.name, 'Inès Garnier', 'trimmed');
    const s = await sale(id);
    assert.equal(s.status, 201, JSON.stringify(s.body));
    const recent = await api(env.reg.url, 'GET', '/api/customers?q=', { token: env.token });
    assert.equal(recent.body.items[0].id, id, 'an empty search shows the customer just created first');

    await pushed(env.reg, id);
    assert.equal(tillRow(env.reg, id)?.central_id, id, 'a new customer: central keeps the till id');
    const atCentral = await centralCustomers(central, 'ines.garnier');
    assert.deepEqual(atCentral.map((c) => [c.id, c.storeId, c.name, c.phone]), [[id, central.storeId, 'Inès Garnier', '06 98 76 54 32']]);
    // The other register of the store pulls it with its changes (the change version central gave it).
    await eventually('in the other copy', async () => (await api(other.reg.url, 'GET', '/api/customers?q=Garnier', { token: other.token })).body.items.some((c: { id: string }) => c.id === id), 30_000);
  });

  test('created offline: sold and invoiced offline, pushed after reintegration, held once at central even when pushed again', async () => {
    await env.link.setMode({ kind: 'blackhole' });
    await modeReached(env.reg, 'autonomous');
    const r = await create({ name: 'Hors Ligne', phone: '+33 7 11 22 33 44' });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const id = r.body.id as string;
    const s = await sale(id);
    assert.equal(s.status, 201, JSON.stringify(s.body));
    assert.equal(s.body.soldOffline, true);
    const invoice = await api(env.reg.url, 'POST', `/api/tickets/${s.body.number}/invoice`, { token: env.token, body: {} });
    assert.equal(invoice.status, 201, JSON.stringify(invoice.body));
    assert.deepEqual([invoice.body.payload.customer.id, invoice.body.payload.customer.name], [id, 'Hors Ligne']);
    assert.equal(tillRow(env.reg, id)?.pushed_at, null, 'waiting while the link is cut');

    await env.link.setMode({ kind: 'up' });
    await pushed(env.reg, id);
    assert.equal((await centralCustomers(central, 'Hors Ligne')).length, 1);
    // The answer "lost" (the row put back in the queue): pushed again, answered the same, still one customer.
    env.reg.ctx.sqlite.prepare('UPDATE till_customers SET pushed_at = NULL WHERE id = ?').run(id);
    await pushed(env.reg, id);
    assert.equal(tillRow(env.reg, id)?.central_id, id);
    const held = await centralCustomers(central, 'Hors Ligne');
    assert.deepEqual(held.map((c) => c.id), [id], 'exactly once at central');
    // A full copy made now (it replaces the copy's customers) keeps it.
    const copy = await api(env.reg.url, 'POST', '/api/sos-copy', { token: env.token });
    assert.equal(copy.status, 200, JSON.stringify(copy.body));
    assert.equal((await api(env.reg.url, 'GET', '/api/customers?q=Hors', { token: env.token })).body.items[0]?.id, id);
  });

  test('a customer still waiting for central is counted apart from the records: in the status, the heartbeat and the fleet, until it is pushed', async () => {
    const fleetRow = () => central.fleetRow(env.registerId);
    await eventually('nothing waiting', async () => env.reg.status().pendingCustomers === 0 && (await fleetRow()).pendingCustomers === 0, 30_000);
    // A queued customer central refuses (an e-mail the till's own check would have refused: the
    // stand-in for any push that keeps failing while heartbeats are answered): it stays in the queue.
    const id = '00000000-0000-4000-8000-00000000c0de';
    env.reg.ctx.sqlite
      .prepare('INSERT INTO till_customers (id, name, email, phone, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(id, 'Refusé Pour Le Moment', 'pas-un-mail', null, new Date().toISOString());
    const records = env.reg.status().pendingRecords;
    assert.equal(env.reg.status().pendingCustomers, 1);
    assert.equal(env.reg.status().pendingRecords, records, 'not a record: the outbox count is unchanged');
    await eventually('the fleet shows the waiting customer', async () => (await fleetRow()).pendingCustomers === 1, 30_000);
    // Still waiting a few heartbeats later (the push is retried and refused each time).
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(tillRow(env.reg, id)?.pushed_at, null);
    assert.equal((await fleetRow()).pendingCustomers, 1);
    // Corrected: pushed at the next heartbeat, and the count goes back to 0 on both sides.
    env.reg.ctx.sqlite.prepare('UPDATE till_customers SET email = NULL WHERE id = ?').run(id);
    await pushed(env.reg, id);
    assert.equal(env.reg.status().pendingCustomers, 0);
    await eventually('the fleet shows none waiting', async () => (await fleetRow()).pendingCustomers === 0, 30_000);
  });

  test('the same e-mail (any case) or phone (any spelling) as a customer of the store: linked to that one, named from then on', async () => {
    const byEmail = await create({ name: 'Camille L.', email: 'Camille.Laurent@EXAMPLE.fr' });
    assert.equal(byEmail.status, 201, JSON.stringify(byEmail.body));
    const tillId = byEmail.body.id as string;
    await pushed(env.reg, tillId);
    assert.equal(tillRow(env.reg, tillId)?.central_id, DEMO_CUSTOMER.id, 'linked to the existing customer');
    assert.equal((await centralCustomers(central, 'Camille')).length, 1, 'no second Camille at central');
    // The cart still holding the till's id: the sale names the existing customer.
    const s = await sale(tillId);
    assert.equal(s.status, 201, JSON.stringify(s.body));
    const ticket = await api(env.reg.url, 'GET', `/api/tickets/${s.body.number}`, { token: env.token });
    assert.equal(ticket.body.customerId, DEMO_CUSTOMER.id);
    const search = await api(env.reg.url, 'GET', '/api/customers?q=Camille', { token: env.token });
    assert.deepEqual(search.body.items.map((c: { id: string }) => c.id), [DEMO_CUSTOMER.id], 'the till copy lists the existing customer only');

    // Phone: the demo's 0622334455 (Thomas Roux, no e-mail) typed in international form.
    const byPhone = await create({ name: 'T. Roux', phone: '+33 6 22 33 44 55' });
    await pushed(env.reg, byPhone.body.id);
    assert.equal(tillRow(env.reg, byPhone.body.id)?.central_id, 'demo-customer-04');

    // Offline, a ticket signed with the till's id before central linked it: the back office lists it
    // under the existing customer (the ticket itself keeps the id it was signed with).
    await env.link.setMode({ kind: 'blackhole' });
    await modeReached(env.reg, 'autonomous');
    const julien = await create({ name: 'Julien', email: 'julien.moreau@example.fr' });
    const offline = await sale(julien.body.id);
    assert.equal(offline.status, 201, JSON.stringify(offline.body));
    await env.link.setMode({ kind: 'up' });
    await pushed(env.reg, julien.body.id);
    assert.equal(tillRow(env.reg, julien.body.id)?.central_id, 'demo-customer-02');
    await eventually('ticket integrated', async () => (await central.tickets(env.registerId)).some((t) => t.number === offline.body.number), 30_000);
    const detail = await fetch(`${central.url}/api/customers/demo-customer-02?limit=100`, { headers: { authorization: `Bearer ${central.adminToken}` } });
    const body = (await detail.json()) as { documents: { registerId: string; number: number; customerId: string | null; customerName: string | null }[] };
    const listed = body.documents.find((d) => d.registerId === env.registerId && d.number === offline.body.number);
    assert.deepEqual([listed?.customerId, listed?.customerName], [julien.body.id, 'Julien Moreau']);
  });
});
