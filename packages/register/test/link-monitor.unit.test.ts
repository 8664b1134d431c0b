// The link monitor on its own: a real (temporary) register database, a fake central client whose
// heartbeat answers or fails on demand, a fake outbox, and Node's mock timers for the cadence.
import { after, afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import { migrateToLatest, openSqliteFile, sqliteKysely } from '@comptoir/db';
import { generateSigningKeyPair, keyIdOf } from '@comptoir/domain';
import type { HeartbeatResponse } from '@comptoir/protocol';
import { createContext, type RegisterContext } from '../src/context';
import { registerMigrations } from '../src/db/migrations';
import type { RegisterDatabase } from '../src/db/schema';
import { CentralCallError, type CentralClient } from '../src/sync/central-client';
import { LinkMonitor } from '../src/sync/link-monitor';
import type { OutboxPusher } from '../src/sync/outbox';
import { silent, tmp } from './helpers';

const dirs: { cleanup(): Promise<void> }[] = [];
after(async () => {
  for (const d of dirs) await d.cleanup();
});

async function registerContext(): Promise<RegisterContext> {
  const dir = await tmp();
  dirs.push(dir);
  const sqlite = openSqliteFile(join(dir.path, 'register.sqlite'));
  const db = sqliteKysely<RegisterDatabase>(sqlite);
  await migrateToLatest(db, registerMigrations);
  const ctx = createContext({ db, sqlite, logger: silent, keyFile: join(dir.path, 'key.pem') });
  const keys = generateSigningKeyPair();
  ctx.identity = { registerId: 'reg-unit', registerName: 'Caisse', storeId: 'store-1', token: 't', privateKey: createPrivateKey(keys.privateKeyPem), publicKeyPem: keys.publicKeyPem, keyId: keyIdOf(keys.publicKeyPem) };
  return ctx;
}

const events = (ctx: RegisterContext) => (ctx.sqlite.prepare("SELECT payload FROM records WHERE chain = 'event' ORDER BY number").all() as { payload: string }[]).map((r) => JSON.parse(r.payload).event as string);
const turns = async (n = 5) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

async function monitor(opts: { up: () => boolean }) {
  const ctx = await registerContext();
  let beats = 0;
  const client = {
    async heartbeat(): Promise<HeartbeatResponse> {
      beats++;
      if (!opts.up()) throw new CentralCallError('network', 'connect ECONNREFUSED');
      return { serverTime: new Date().toISOString(), heads: {}, changeVersion: 0, config: {} } as unknown as HeartbeatResponse;
    },
  } as unknown as CentralClient;
  const kicks: number[] = [];
  const caughtUp: number[] = [];
  const link = new LinkMonitor(ctx, client, {
    onConnectedHeartbeat: () => {},
    catchUp: async () => void caughtUp.push(beats),
    heartbeatBody: () => ({}) as never,
  }, { heartbeatIntervalMs: 1000, failuresBeforeAutonomous: 2 });
  link.outbox = { kick: () => void kicks.push(beats), drain: async () => 'done', remainingUpTo: () => 0, pushEpoch: () => 0, reconcile: () => [] } as unknown as OutboxPusher;
  return { ctx, link, beats: () => beats, kicks, caughtUp };
}

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
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
