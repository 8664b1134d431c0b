// The link monitor on its own: a real (temporary) register database, a fake central client whose
// heartbeat answers or fails on demand, a fake outbox, and Node's mock timers for the cadence.
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { HeartbeatResponse } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { CentralCallError, type CentralClient } from './central-client';
import { LinkMonitor } from './link-monitor';
import type { OutboxPusher } from './outbox';
import { registerContext } from '../../test/unit-register';

const events = (ctx: RegisterContext) => (ctx.sqlite.prepare("SELECT payload FROM records WHERE chain = 'event' ORDER BY number").all() as { payload: string }[]).map((r) => JSON.parse(r.payload).event as string);
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

async function monitor(opts: { up: () => boolean; answer?: () => Error | null }) {
  const ctx = await registerContext();
  let beats = 0;
  const client = {
    async heartbeat(): Promise<HeartbeatResponse> {
      beats++;
      if (!opts.up()) throw new CentralCallError('network', 'connect ECONNREFUSED');
      const refused = opts.answer?.();
      if (refused) throw refused;
      return { serverTime: new Date().toISOString(), heads: {}, changeVersion: 0, config: {} } as unknown as HeartbeatResponse;
    },
  } as unknown as CentralClient;
  const kicks: number[] = [];
  const caughtUp: number[] = [];
  const link = new LinkMonitor(ctx, client, {
    onConnectedHeartbeat: () => {},
    catchUp: async () => void caughtUp.push(beats),
    heartbeatBody: () => ({}) as never,
  }, { heartbeatIntervalMs: 1000, failuresBeforeAutonomous: 2, random: () => 1, clock: () => Date.now() });
  link.outbox = { kick: () => void kicks.push(beats), drain: async () => 'done', remainingUpTo: () => 0, pushEpoch: () => 0, reconcile: () => [] } as unknown as OutboxPusher;
  return { ctx, link, beats: () => beats, kicks, caughtUp };
}

// Date is mocked too and drives the monitor's cadence clock: real time spent by a loaded machine
// inside a heartbeat must not shorten the next interval (it made `tick(999)` fire a beat).
beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: Date.now() }));
afterEach(() => mock.timers.reset());

test('connected: one heartbeat per interval, each kicking the outbox', async () => {
  const m = await monitor({ up: () => true });
  await m.link.start();
  assert.equal(m.link.mode, 'connected');
  assert.equal(m.beats(), 1);
  mock.timers.tick(999);
  await turns();
  assert.equal(m.beats(), 1, 'not before the interval');
  mock.timers.tick(1);
  await turns();
  assert.equal(m.beats(), 2);
  assert.deepEqual(m.kicks, [1, 2]);
  assert.ok(m.link.lastContactAt);
  await m.link.stop();
});

test('K failures in a row: autonomous at once (the first failure is confirmed without waiting), one offline_start', async () => {
  let up = true;
  const m = await monitor({ up: () => up });
  await m.link.start();
  up = false;
  mock.timers.tick(1000);
  await turns();
  // Failure 1 → the next heartbeat is sent at once (delay 0) → failure 2 → autonomous.
  mock.timers.tick(0);
  await turns();
  assert.equal(m.beats(), 3);
  assert.equal(m.link.mode, 'autonomous');
  assert.ok(m.link.autonomousSince);
  assert.equal(m.link.canPush(), false);
  assert.deepEqual(events(m.ctx), ['offline_start']);
  // Still down: heartbeats go on at the interval, no second offline_start.
  mock.timers.tick(1000);
  await turns();
  assert.equal(m.beats(), 4);
  assert.deepEqual(events(m.ctx), ['offline_start']);
  await m.link.stop();
});

test('back up: reintegrating, the copy caught up, then connected with the outage in signed events', async () => {
  let up = false;
  const m = await monitor({ up: () => up });
  await m.link.start(); // at start one failure is enough
  assert.equal(m.link.mode, 'autonomous');
  up = true;
  mock.timers.tick(1000);
  await turns(10);
  assert.equal(m.link.mode, 'connected');
  assert.equal(m.caughtUp.length, 1, 'the copy is caught up once, before connected');
  assert.deepEqual(events(m.ctx), ['offline_start', 'reintegration_start', 'reintegration_end', 'offline_end']);
  assert.equal(m.link.autonomousSince, null);
  assert.equal(m.link.canPush(), true);
  await m.link.stop();
});

test('stopped: no heartbeat is scheduled any more', async () => {
  const m = await monitor({ up: () => true });
  await m.link.start();
  await m.link.stop();
  mock.timers.tick(10_000);
  await turns();
  assert.equal(m.beats(), 1);
});

const busy = (status: number, retryAfterMs: number | null) =>
  new CentralCallError('http', `POST /api/sync/heartbeat: ${status} CENTRAL_BUSY: busy`, status, 'CENTRAL_BUSY', {}, retryAfterMs);

for (const status of [429, 503]) {
  test(`${status} with Retry-After: central alive, come back later — never autonomous, no refusal, next beat after Retry-After + jitter`, async () => {
    let answer: Error | null = null;
    const m = await monitor({ up: () => true, answer: () => answer });
    await m.link.start();
    answer = busy(status, 2000);
    // Far more busy answers in a row than failuresBeforeAutonomous (2).
    for (let i = 0; i < 5; i++) {
      mock.timers.tick(i === 0 ? 1000 : 2999);
      await turns();
      assert.equal(m.beats(), 1 + i + 1, `beat ${i + 2} not before 2 s × 1.5 (jitter pinned at its top)`);
      mock.timers.tick(0);
      await turns();
      assert.equal(m.beats(), 1 + i + 1, 'not sent again at once: a busy answer is no failure to confirm');
      mock.timers.tick(1);
    }
    assert.equal(m.link.mode, 'connected');
    assert.equal(m.link.refusal, null);
    assert.equal(m.link.busy?.retryAfterMs, 2000);
    assert.deepEqual(events(m.ctx), [], 'no offline_start');
    // Central answers again: busy is cleared.
    answer = null;
    mock.timers.tick(3000);
    await turns();
    assert.equal(m.link.busy, null);
    assert.equal(m.link.mode, 'connected');
    await m.link.stop();
  });
}

test('a 503 without Retry-After still counts against the link', async () => {
  let answer: Error | null = null;
  const m = await monitor({ up: () => true, answer: () => answer });
  await m.link.start();
  answer = busy(503, null);
  mock.timers.tick(1000);
  await turns();
  mock.timers.tick(0);
  await turns();
  assert.equal(m.link.mode, 'autonomous');
  assert.deepEqual(events(m.ctx), ['offline_start']);
  await m.link.stop();
});

test('busy while autonomous: failures reset, still autonomous until a real answer, then reintegrates', async () => {
  let answer: Error | null = null;
  let up = false;
  const m = await monitor({ up: () => up, answer: () => answer });
  await m.link.start();
  assert.equal(m.link.mode, 'autonomous');
  up = true;
  answer = busy(429, 1000);
  mock.timers.tick(1000);
  await turns();
  assert.equal(m.link.mode, 'autonomous', 'no heads were answered: nothing to reintegrate against yet');
  answer = null;
  mock.timers.tick(1500);
  await turns(10);
  assert.equal(m.link.mode, 'connected');
  assert.deepEqual(events(m.ctx), ['offline_start', 'reintegration_start', 'reintegration_end', 'offline_end']);
  await m.link.stop();
});
