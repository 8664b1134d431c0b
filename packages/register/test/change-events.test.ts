// Central's change events (SSE `GET /api/sync/events`) against the real central server: a register
// whose heartbeat is a minute apart still sees a price change at once, through the stream alone,
// and reopens the stream when it is dropped. "Through the stream alone" is proven, not assumed:
// central's record of the register's last heartbeat (`lastSeenAt`, written by the heartbeat and
// nothing else) does not move while the change arrives, so no heartbeat can explain it.
// How fast the change arrives is measured in bench/, never asserted: here the wait is bounded only
// by a generous timeout, far below the 60 s heartbeat.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '@comptoir/testing';
import { DEMO_SKUS, centralPerFile, type TestCentral } from './support/central';
import { startEnrolledRegister, type EnrolledRegister } from './support/enrolled-register';
import { api } from './helpers';

const centralOfFile = centralPerFile();

describe('change events with a 60 s heartbeat', () => {
  let central: TestCentral;
  let env: EnrolledRegister;
  let heartbeatSeen: string | null;

  const priceAtRegister = async () => (await api(env.reg.url, 'GET', `/api/products?q=${DEMO_SKUS.coffee}`, { token: env.token })).body.items[0]?.priceCents as number;

  /** No heartbeat since the start-up one: central did not hear any. */
  async function assertNoHeartbeat() {
    assert.equal((await central.fleetRow(env.registerId)).lastSeenAt, heartbeatSeen, "central's last heartbeat from the register did not move");
    assert.equal(env.reg.status().lastSosCopyKind, 'enrolment', 'no full copy either');
  }

  before(async () => {
    central = await centralOfFile();
    env = await startEnrolledRegister(central, 'Caisse événements', { heartbeatIntervalMs: 60_000 });
    assert.equal(env.reg.status().mode, 'connected');
    // The start-up heartbeat is done: from now on the next one is a minute away.
    heartbeatSeen = (await central.fleetRow(env.registerId)).lastSeenAt;
    assert.ok(heartbeatSeen, 'the first heartbeat reached central');
    // The stream is open once the register holds a long-lived connection through its link.
    await eventually('change events stream open', async () => env.link.stats().open >= 1, 10_000);
  });
  after(async () => env?.close());

  test('a price changed centrally reaches the register through the stream, with no heartbeat', async () => {
    const before = await priceAtRegister();
    const newPrice = before + 37;
    await central.setPrice(DEMO_SKUS.coffee, newPrice);
    await eventually('the new price at the register', async () => (await priceAtRegister()) === newPrice, 10_000, 20);
    await assertNoHeartbeat();
  });

  test('a dropped stream is reopened, and the next change comes through it', async () => {
    const opened = env.link.stats().connections;
    // Every connection through the link is reset (the stream with it), then the link comes back.
    await env.link.setMode({ kind: 'refuse' });
    await eventually('every connection dropped', async () => env.link.stats().open === 0, 10_000);
    await env.link.setMode({ kind: 'up' });
    await eventually('the stream reopened', async () => env.link.stats().connections > opened && env.link.stats().open >= 1, 15_000);
    const newPrice = (await priceAtRegister()) + 11;
    await central.setPrice(DEMO_SKUS.coffee, newPrice);
    await eventually('the new price at the register', async () => (await priceAtRegister()) === newPrice, 10_000, 20);
    await assertNoHeartbeat();
    assert.equal(env.reg.status().mode, 'connected', 'a dropped stream is not a lost link');
  });
});
