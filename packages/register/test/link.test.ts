// Link monitor, modes and outbox of the register agent (in-process) against the REAL central server
// (`comptoir central` in its own process, one per file). The link faults are real: central's process
// stopped and restarted, a black hole made by the TCP fault proxy between register and central, an
// older backup of central's database restored (CHAIN_GAP), a chain head edited in central's database
// (TAMPER_ALERT).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '@comptoir/testing';
import type { RunningRegister } from '../src/index';
import { DEMO_SKUS, assertIntegratedExactlyOnce, centralPerFile, type TestCentral } from './support/central';
import { startEnrolledRegister, type EnrolledRegister } from './support/enrolled-register';
import { api, cashierSession, startTestRegister, tmp } from './helpers';

const centralOfFile = centralPerFile();

/** One coffee, paid in cash for more than its demo price, whatever the demo price is. */
const saleBody = { lines: [{ sku: DEMO_SKUS.coffee, quantity: 1 }], payments: [{ method: 'cash', amountCents: 5000 }] };

function localEvents(reg: RunningRegister): string[] {
  return (reg.ctx.sqlite.prepare("SELECT payload FROM records WHERE chain = 'event' ORDER BY number").all() as { payload: string }[]).map(
    (r) => JSON.parse(r.payload).event,
  );
}

// How fast a cut is detected, and how fast sales are while cut off, are measured in bench/
// (sale-commit.bench.ts), never asserted here: on a loaded machine a test waits for the condition.
const modeReached = (reg: RunningRegister, mode: string) => eventually(`mode ${mode}`, async () => reg.status().mode === mode, 30_000, 10);

const drained = (reg: RunningRegister, timeoutMs = 10_000) =>
  eventually('connected with an empty outbox', async () => reg.status().mode === 'connected' && reg.status().pendingRecords === 0, timeoutMs);

describe('link cut and restore', () => {
  let central: TestCentral;
  let env: EnrolledRegister;
  let reg: RunningRegister;
  let token: string;

  before(async () => {
    central = await centralOfFile();
    env = await startEnrolledRegister(central, 'Caisse liens');
    ({ reg, token } = env);
  });
  after(async () => {
    await env?.close();
  });

  test('central stopped → autonomous quickly; sales go on; restored → reintegrating → connected, exactly once', async () => {
    const first = await api(reg.url, 'POST', '/api/sales', { token, body: saleBody });
    assert.equal(first.body.soldOffline, false);
    await drained(reg);

    await central.process.handle.stop();
    await modeReached(reg, 'autonomous');
    assert.ok(localEvents(reg).includes('offline_start'));
    assert.ok(reg.status().autonomousSince);
    const copy = await api(reg.url, 'POST', '/api/sos-copy', { token });
    assert.equal(copy.status, 503);
    assert.equal(copy.body.error.code, 'UNAVAILABLE_OFFLINE');

    for (let i = 0; i < 20; i++) {
      const r = await api(reg.url, 'POST', '/api/sales', { token, body: saleBody });
      assert.equal(r.status, 201);
      assert.equal(r.body.soldOffline, true);
    }
    assert.ok(reg.status().pendingRecords >= 21);

    await central.process.restart();
    // Sales keep going during reintegration (they queue behind).
    for (let i = 0; i < 5; i++) assert.equal((await api(reg.url, 'POST', '/api/sales', { token, body: saleBody })).status, 201);
    await drained(reg);
    // The signed event chain tells the outage in order: cut, reintegration begun and ended, back.
    const events = localEvents(reg);
    const outage = ['offline_start', 'reintegration_start', 'reintegration_end', 'offline_end'];
    const at = outage.map((e) => events.lastIndexOf(e));
    for (const [i, e] of outage.entries()) assert.ok(at[i]! >= 0, `${e} in ${events.join(' ')}`);
    assert.deepEqual([...at].sort((a, b) => a - b), at, `in order: ${events.join(' ')}`);
    assert.equal(reg.status().autonomousSince, null);
    await assertIntegratedExactlyOnce(central, reg, env.initialStock);
    const offline = (await central.tickets(env.registerId)).filter((t) => t.soldOffline).length;
    assert.ok(offline >= 20, `central flags the sales made offline (${offline})`);
    // The outage is in central's copy of the event chain too, and the fleet shows the register back.
    assert.ok(central.events(env.registerId).includes('offline_end'));
    await eventually('fleet shows the register connected again', async () => {
      const row = await central.fleetRow(env.registerId);
      return row.mode === 'connected' && row.online && row.autonomousSince === null && row.pendingRecords === 0;
    });
  });

  test('a black hole (accepted, never answered) is detected as surely', async () => {
    await env.link.setMode({ kind: 'blackhole' });
    await modeReached(reg, 'autonomous');
    const r = await api(reg.url, 'POST', '/api/sales', { token, body: saleBody });
    assert.equal(r.status, 201);
    assert.equal(r.body.soldOffline, true);
    await env.link.setMode({ kind: 'up' });
    await drained(reg);
    await assertIntegratedExactlyOnce(central, reg, env.initialStock);
  });

  test('CHAIN_GAP (central lost records): the chain is requeued from the expected number', async () => {
    await drained(reg);
    const backup = await central.backup('before-the-last-sales');
    const held = (await central.tickets(env.registerId)).length;
    for (let i = 0; i < 5; i++) assert.equal((await api(reg.url, 'POST', '/api/sales', { token, body: saleBody })).status, 201);
    await drained(reg);
    assert.equal((await central.tickets(env.registerId)).length, held + 5);

    // Central is restored from the older backup: it lost the last 5 tickets the register saw
    // acknowledged. (Counted in the file: once central is back, the register's next heartbeat may
    // already have had them pushed again, before the test could look through the API.)
    assert.equal(central.ticketsInFile(backup, env.registerId), held, 'the backup lacks the last 5 tickets');
    await central.restore(backup);
    const r = await api(reg.url, 'POST', '/api/sales', { token, body: saleBody });
    assert.equal(r.status, 201);
    const tickets = await eventually('central holds the chain up to the new sale', async () => {
      const t = await central.tickets(env.registerId);
      return t.length === r.body.number ? t : null;
    });
    assert.deepEqual(tickets.map((x) => x.number), Array.from({ length: r.body.number }, (_, i) => i + 1));
    await drained(reg);
    await assertIntegratedExactlyOnce(central, reg, env.initialStock);
  });

  // Last of this group: the register keeps the chain blocked until the alert is resolved.
  test('TAMPER_ALERT blocks that chain only', async () => {
    await drained(reg);
    central.forgeChainHead(env.registerId, 'ticket');
    const sale = await api(reg.url, 'POST', '/api/sales', { token, body: saleBody });
    assert.equal(sale.status, 201);
    await eventually('ticket chain blocked', async () => reg.status().blockedChains.some((b) => b.chain === 'ticket'), 3000);
    const alerts = await central.tamperAlerts(env.registerId);
    assert.deepEqual(
      alerts.map((a) => ({ chain: a.chain, number: a.number, reason: a.reason })),
      [{ chain: 'ticket', number: sale.body.number, reason: 'prev_mismatch' }],
    );
    assert.equal((await central.fleetRow(env.registerId)).tamperAlerts, 1);
    // The event chain keeps flowing (a login writes an event).
    const before = central.events(env.registerId).length;
    await cashierSession(reg, central.cashier);
    await eventually('the login event reached central', async () => central.events(env.registerId).length > before, 3000);
    await eventually('only the blocked ticket waits', async () => reg.status().pendingRecords === 1, 3000);
    assert.ok(!(await central.tickets(env.registerId)).some((t) => t.number === sale.body.number), 'the refused ticket is not integrated');
  });
});

describe('restart with a pending outbox', () => {
  test('records made offline before a stop are pushed after the restart', async () => {
    const central = await centralOfFile();
    const created = await central.createRegister('Caisse redémarrée');
    const dir = await tmp();
    let reg = await startTestRegister(dir.path, central.url, { enrolCode: created.enrolCode });
    try {
      const { token } = await cashierSession(reg, central.cashier);
      await central.process.handle.stop();
      await eventually('autonomous', async () => reg.status().mode === 'autonomous', 3000);
      for (let i = 0; i < 3; i++) assert.equal((await api(reg.url, 'POST', '/api/sales', { token, body: saleBody })).status, 201);
      const pending = reg.status().pendingRecords;
      assert.ok(pending >= 4);
      await reg.close();

      await central.process.restart();
      reg = await startTestRegister(dir.path, central.url); // no code: already enrolled
      assert.equal(reg.status().registerId, created.id);
      await drained(reg);
      const tickets = await central.tickets(created.id);
      assert.deepEqual(tickets.map((t) => [t.number, t.soldOffline]), [[1, true], [2, true], [3, true]]);
      const events = central.events(created.id);
      assert.ok(events.includes('register_stop'));
      assert.equal(events.filter((e) => e === 'register_start').length, 2);
    } finally {
      await reg.close();
      await dir.cleanup();
    }
  });
});

describe('default timings', () => {
  test('a black hole is detected with the default heartbeat (1000 ms / 800 ms; time to detect: bench/)', async () => {
    const central = await centralOfFile();
    const env = await startEnrolledRegister(central, 'Caisse réglages par défaut', { heartbeatIntervalMs: undefined, requestTimeoutMs: undefined });
    try {
      assert.equal(env.reg.status().mode, 'connected');
      await env.link.setMode({ kind: 'blackhole' });
      await modeReached(env.reg, 'autonomous');
      assert.ok(localEvents(env.reg).includes('offline_start'));
    } finally {
      await env.close();
    }
  });
});
