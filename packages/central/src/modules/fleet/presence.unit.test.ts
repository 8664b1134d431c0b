import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FleetPresence } from './presence';

// The in-memory rules of the presence, without a database (the database side is
// test/presence.test.ts and test/two-centrals.test.ts).

const noDb = () => {
  throw new Error('no database in this test');
};
const withChannel = () => new FleetPresence(noDb, { listenUrl: 'postgres://unused', stateRefreshMs: 40, headsRefreshMs: 40 });
// SQLite: a data_version the test moves as another process's commit would.
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

test('a fill read before a forget is dropped; one read after it is kept', () => {
  const p = withChannel();
  const stamp = p.stamp();
  // A revocation lands while the token is being read:
  (p as unknown as { dropRegister(id: string): void }).dropRegister('r1');
  p.rememberToken('hash', { registerId: 'r1', storeId: 's1' }, stamp);
  assert.equal(p.registerOfToken('hash'), undefined, 'the stale read is not remembered');
  p.rememberToken('hash', { registerId: 'r1', storeId: 's1' }, p.stamp());
  assert.deepEqual(p.registerOfToken('hash'), { registerId: 'r1', storeId: 's1' });
});

test('tokens are remembered only with a channel to the other instances', () => {
  const p = new FleetPresence(noDb, {});
  p.rememberToken('hash', { registerId: 'r1', storeId: 's1' }, p.stamp());
  assert.equal(p.registerOfToken('hash'), undefined);
});

test('a remembered state is known until its refresh time (±50 %), then the row is read again', async () => {
  const p = withChannel();
  p.rememberState('r1', 'k1', '[]', p.stamp());
  assert.equal(p.known('r1')?.key, 'k1');
  assert.equal(p.known('r1')?.schedule, '[]');
  assert.equal(p.known('r2'), undefined);
  await sleep(80);
  assert.equal(p.known('r1'), undefined, 'read again after stateRefreshMs (another instance may have written since)');
});

test('a queued state is known at once, shown over the row until written, and replaces an older unwritten one', () => {
  const p = withChannel();
  const write = async () => undefined;
  p.markSeen('r1', '2026-01-01T00:00:01.000Z');
  p.queueState('r1', 'k2', '[]', p.stamp(), { write, columns: { mode: 'autonomous', pending_records: 3 }, at: '2026-01-01T00:00:02.000Z' });
  assert.equal(p.known('r1')!.key, 'k2');
  assert.deepEqual(p.unwrittenOf('r1'), { columns: { mode: 'autonomous', pending_records: 3 }, lastSeenAt: '2026-01-01T00:00:02.000Z' });
  p.queueState('r1', 'k3', '[]', p.stamp(), { write, columns: { mode: 'reintegrating', pending_records: 1 }, at: '2026-01-01T00:00:03.000Z' });
  p.markSeen('r1', '2026-01-01T00:00:04.000Z');
  assert.deepEqual(p.unwrittenOf('r1'), { columns: { mode: 'reintegrating', pending_records: 1 }, lastSeenAt: '2026-01-01T00:00:04.000Z' });
  assert.equal(p.unwrittenOf('r2'), undefined);
});

test("heads: a push of the register voids a read in flight and the remembered heads; another register's push does not", async () => {
  const p = withChannel();
  const moved = (id: string) => (p as unknown as { received(payload: string): void }).received(`h:another-instance:${id}`);
  const stamp = p.headsStamp('r1');
  moved('r1');
  p.rememberHeads('r1', { ticket: 3 }, stamp);
  assert.equal(p.headsOf('r1'), undefined);
  p.rememberHeads('r1', { ticket: 4 }, p.headsStamp('r1'));
  moved('r2');
  assert.deepEqual(p.headsOf('r1'), { heads: { ticket: 4 }, due: false });
  moved('r1');
  assert.equal(p.headsOf('r1'), undefined);
  p.rememberHeads('r1', { ticket: 5 }, p.headsStamp('r1'));
  await sleep(80);
  assert.deepEqual(p.headsOf('r1'), { heads: { ticket: 5 }, due: true }, 'after headsRefreshMs: still answered, and due to be read again');
  assert.deepEqual(p.headsOf('r1'), { heads: { ticket: 5 }, due: false }, 'one background read at a time');
  p.headsRead('r1');
});

test("a register forget received from another instance drops its token, state and heads, not other registers'", () => {
  const p = withChannel();
  for (const id of ['r1', 'r2']) {
    p.rememberToken(`h-${id}`, { registerId: id, storeId: 's' }, p.stamp());
    p.rememberState(id, 'k', '[]', p.stamp());
    p.rememberHeads(id, { ticket: 1 }, p.headsStamp(id));
  }
  (p as unknown as { received(payload: string): void }).received('r:another-instance:r1');
  assert.equal(p.registerOfToken('h-r1'), undefined);
  assert.equal(p.known('r1'), undefined);
  assert.equal(p.headsOf('r1'), undefined);
  assert.deepEqual(p.registerOfToken('h-r2'), { registerId: 'r2', storeId: 's' });
  assert.equal(p.known('r2')?.schedule, '[]');
  assert.deepEqual(p.headsOf('r2')?.heads, { ticket: 1 });
});

test("SQLite: tokens are remembered while the file's data_version stays; another process's commit forgets them all", () => {
  let version = 7;
  const p = new FleetPresence(noDb, { dataVersion: () => version });
  p.rememberToken('hash', { registerId: 'r1', storeId: 's1' }, p.stamp());
  assert.deepEqual(p.registerOfToken('hash'), { registerId: 'r1', storeId: 's1' });
  version = 8;
  assert.equal(p.registerOfToken('hash'), undefined, 'someone else wrote the file: maybe a revocation');
  p.rememberToken('hash', { registerId: 'r1', storeId: 's1' }, p.stamp());
  assert.deepEqual(p.registerOfToken('hash'), { registerId: 'r1', storeId: 's1' });
});

test('a state being flushed is still shown over the row until the flush commits (a fleet read meanwhile sees the row before it)', async () => {
  let commit!: () => void;
  const committed = new Promise<void>((done) => (commit = done));
  const written: string[] = [];
  // A database whose transaction stays open until the test commits it.
  const ctx = { db: { transaction: () => ({ execute: async (fn: (trx: unknown) => Promise<void>) => { await fn({}); await committed; } }) }, log: { warn() {} } };
  const p = new FleetPresence(() => ctx as never, {});
  p.queueState('r1', 'k2', '[]', p.stamp(), { write: async () => void written.push('r1'), columns: { mode: 'autonomous' }, at: '2026-01-01T00:00:02.000Z' });
  const flushed = p.flush();
  await sleep(10);
  assert.deepEqual(written, ['r1'], 'the flush is under way');
  assert.deepEqual(p.unwrittenOf('r1'), { columns: { mode: 'autonomous' }, lastSeenAt: '2026-01-01T00:00:02.000Z' }, 'not committed yet: still shown');
  // A newer heartbeat while the flush is open is shown over it.
  p.markSeen('r1', '2026-01-01T00:00:03.000Z');
  assert.deepEqual(p.unwrittenOf('r1'), { columns: { mode: 'autonomous' }, lastSeenAt: '2026-01-01T00:00:03.000Z' });
  commit();
  await flushed;
  assert.deepEqual(p.unwrittenOf('r1'), { columns: {}, lastSeenAt: '2026-01-01T00:00:03.000Z' }, 'committed: only the newer last-seen time is left to write');
});
