import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, http } from '@comptoir/testing';
import { PROTOCOL_VERSION, type FleetResponse } from '@comptoir/protocol';
import type { RunningRegister } from '@comptoir/register';
import { DEMO_SKUS, assertIntegratedExactlyOnce, centralPerFile, type TestCentral } from './support/central';
import { startEnrolledRegister, type EnrolledRegister } from './support/enrolled-register';
import { api, cashierSession, startTestRegister, tmp } from './helpers';

/**
 * Versions across the fleet, against the real central process: a register speaking the previous
 * sync protocol (as the releases before versions were reported: no header, no version fields) keeps
 * working next to a current one, and the fleet view flags the mix; a register speaking an older
 * protocol is refused with a clear reason on its status (what the till's banner shows), sells on,
 * keeps every record, and pushes them exactly once after its upgrade.
 */
const centralOfFile = centralPerFile();
const saleBody = { lines: [{ sku: DEMO_SKUS.coffee, quantity: 1 }], payments: [{ method: 'cash', amountCents: 5000 }] };
const drained = (reg: RunningRegister) =>
  eventually('connected with an empty outbox', async () => reg.status().mode === 'connected' && reg.status().pendingRecords === 0, 20_000);

describe('a fleet in the middle of a rollout', () => {
  let central: TestCentral;
  let current: EnrolledRegister;
  let previous: EnrolledRegister;

  before(async () => {
    central = await centralOfFile();
    current = await startEnrolledRegister(central, 'Caisse à jour');
    previous = await startEnrolledRegister(central, 'Caisse version précédente', { protocolVersion: PROTOCOL_VERSION - 1 });
  });
  after(async () => {
    await current?.close();
    await previous?.close();
  });

  test('the previous protocol is accepted; the fleet view shows each version and flags the mix', async () => {
    for (const env of [current, previous]) {
      const sale = await api(env.reg.url, 'POST', '/api/sales', { token: env.token, body: saleBody });
      assert.equal(sale.status, 201, JSON.stringify(sale.body));
      await drained(env.reg);
    }
    assert.equal((await central.tickets(previous.registerId)).length, 1, 'the previous-protocol register pushed its sale');

    const fleet = await eventually('both versions reported', async () => {
      const res = await http<FleetResponse>(central.url, 'GET', '/api/fleet', { token: central.adminToken });
      const rows = res.body.items.filter((r) => r.id === current.registerId || r.id === previous.registerId);
      return rows.every((r) => r.protocolVersion != null) ? res.body : null;
    });
    const row = (id: string) => fleet.items.find((r) => r.id === id)!;
    assert.equal(row(current.registerId).protocolVersion, PROTOCOL_VERSION);
    assert.equal(row(current.registerId).softwareVersion, current.reg.status().softwareVersion);
    assert.match(row(current.registerId).softwareVersion!, /^\d+\.\d+\.\d+/);
    assert.equal(row(previous.registerId).protocolVersion, PROTOCOL_VERSION - 1);
    assert.equal(row(previous.registerId).softwareVersion, null, 'the previous releases did not report their version');
    assert.equal(fleet.mixedVersions, true);
    assert.deepEqual(
      fleet.versions!.map((v) => v.protocolVersion).sort(),
      [PROTOCOL_VERSION - 1, PROTOCOL_VERSION].sort(),
    );
    assert.equal(fleet.central?.protocolVersion, PROTOCOL_VERSION);
    // The contract's fleet list carries the versions too.
    assert.equal((await central.fleetRow(previous.registerId)).protocolVersion, PROTOCOL_VERSION - 1);
  });
});

describe('a register older than the previous protocol', () => {
  let central: TestCentral;
  let dir: Awaited<ReturnType<typeof tmp>>;
  let reg: RunningRegister | undefined;

  before(async () => {
    central = await centralOfFile();
    dir = await tmp();
  });
  after(async () => {
    await reg?.close();
    await dir?.cleanup();
  });

  test('is refused with a clear error on its status, sells on, loses nothing, and pushes exactly once once upgraded', async () => {
    const created = await central.createRegister('Caisse trop ancienne');
    const initialStock = await central.stocks(Object.values(DEMO_SKUS));
    reg = await startTestRegister(dir.path, central.url, { enrolCode: created.enrolCode });
    let { token } = await cashierSession(reg, central.cashier);
    assert.equal((await api(reg.url, 'POST', '/api/sales', { token, body: saleBody })).status, 201);
    await drained(reg);
    await reg.close();

    // The same till restarted speaking a protocol central no longer accepts.
    reg = await startTestRegister(dir.path, central.url, { protocolVersion: PROTOCOL_VERSION - 2 });
    const refused = await eventually('the refusal on the status', async () => {
      const s = (await api(reg!.url, 'GET', '/api/status')).body;
      return s.centralRefusal && s.mode === 'autonomous' ? s : null;
    });
    assert.equal(refused.centralRefusal.code, 'PROTOCOL_UNSUPPORTED');
    assert.match(refused.centralRefusal.message, /too old.*upgrade it/);
    ({ token } = await cashierSession(reg, central.cashier));
    for (let i = 0; i < 2; i++) assert.equal((await api(reg.url, 'POST', '/api/sales', { token, body: saleBody })).status, 201);
    assert.ok(reg.status().pendingRecords >= 2, 'the sales wait in the outbox');
    assert.equal((await central.tickets(created.id)).length, 1, 'central took nothing from the refused till');
    const heartbeat = await fetch(`${central.url}/api/sync/heartbeat`, { method: 'POST', headers: { 'comptoir-protocol': '0', 'content-type': 'application/json' }, body: '{}' });
    assert.equal(heartbeat.status, 426, 'refused before any work, even before the token is read');
    await reg.close();

    // Upgraded: the same data, the current protocol.
    reg = await startTestRegister(dir.path, central.url);
    await drained(reg);
    assert.equal(reg.status().centralRefusal, null);
    assert.equal((await central.tickets(created.id)).length, 3);
    await assertIntegratedExactlyOnce(central, reg, initialStock);
  });
});
