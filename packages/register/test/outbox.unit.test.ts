// The outbox pusher on its own: a real (temporary) register database, a fake central client that
// answers what each case needs, a fake link reporter, and Node's mock timers for the retry backoff.
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PushRequest, PushResponse } from '@comptoir/protocol';
import type { RegisterContext } from '../src/context';
import { appendRecord, writeEvent } from '../src/chain/record-chain';
import { CentralCallError, type CentralClient } from '../src/sync/central-client';
import { OutboxPusher, type LinkReporter } from '../src/sync/outbox';
import { registerContext } from './unit-register';

/** Central as the pusher sees it: `answer` decides each push; every body pushed is kept. */
function fakeCentral(answer: (body: PushRequest, call: number) => PushResponse | Error) {
  const pushed: PushRequest[] = [];
  const client = {
    async push(body: PushRequest): Promise<PushResponse> {
      pushed.push(body);
      const a = answer(body, pushed.length);
      if (a instanceof Error) throw a;
      return a;
    },
  } as unknown as CentralClient;
  return { client, pushed };
}

function fakeLink(canPush = true) {
  const calls: string[] = [];
  const link: LinkReporter = { canPush: () => canPush, linkOk: () => void calls.push('ok'), linkFailed: (r) => void calls.push(`failed: ${r}`) };
  return { link, calls };
}

/** Heads that acknowledge everything in a push body. */
const headsOf = (body: PushRequest) => {
  const heads: Record<string, number> = {};
  for (const r of body.records) heads[r.chain] = Math.max(heads[r.chain] ?? 0, r.number);
  return { integrated: body.records.length, replayed: 0, heads } as PushResponse;
};
const outboxRows = (ctx: RegisterContext) => (ctx.sqlite.prepare('SELECT chain, number FROM outbox ORDER BY seq').all() as { chain: string; number: number }[]).map((r) => `${r.chain}#${r.number}`);
const integrated = (ctx: RegisterContext) => (ctx.sqlite.prepare('SELECT chain, number FROM integrations ORDER BY chain, number').all() as { chain: string; number: number }[]).map((r) => `${r.chain}#${r.number}`);

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

test('pushes the outbox in order; what central acknowledges leaves it and is marked integrated', async () => {
  const ctx = await registerContext();
  for (const e of ['login', 'logout', 'login'] as const) writeEvent(ctx, e);
  const { client, pushed } = fakeCentral((body) => headsOf(body));
  const { link, calls } = fakeLink();
  const outbox = new OutboxPusher(ctx, client, link, { maxRetryDelayMs: 1000 });
  assert.equal(await outbox.drain(), 'done');
  assert.deepEqual(pushed.map((b) => b.records.map((r) => `${r.chain}#${r.number}`)), [['event#1', 'event#2', 'event#3']]);
  assert.deepEqual(outboxRows(ctx), []);
  assert.deepEqual(integrated(ctx), ['event#1', 'event#2', 'event#3']);
  assert.deepEqual(calls, ['ok']);
  assert.equal(outbox.remainingUpTo(1e9), 0);
});

test('autonomous (canPush false): nothing is pushed, the outbox keeps everything', async () => {
  const ctx = await registerContext();
  writeEvent(ctx, 'login');
  const { client, pushed } = fakeCentral((body) => headsOf(body));
  const outbox = new OutboxPusher(ctx, client, fakeLink(false).link, { maxRetryDelayMs: 1000 });
  assert.equal(await outbox.drain(), 'paused');
  assert.equal(pushed.length, 0);
  assert.deepEqual(outboxRows(ctx), ['event#1']);
});

test('a network failure counts for the link monitor and is retried after a backoff, capped by the heartbeat interval', async () => {
  const ctx = await registerContext();
  writeEvent(ctx, 'login');
  const { client, pushed } = fakeCentral((body, call) => (call <= 2 ? new CentralCallError('network', 'connect ECONNREFUSED') : headsOf(body)));
  const { link, calls } = fakeLink();
  const outbox = new OutboxPusher(ctx, client, link, { maxRetryDelayMs: 150, random: () => 1 });
  assert.equal(await outbox.drain(), 'failed');
  assert.deepEqual(calls, ['failed: push: connect ECONNREFUSED']);
  // First retry after 100 ms (50 × 2¹): not before.
  mock.timers.tick(99);
  await new Promise((r) => setImmediate(r));
  assert.equal(pushed.length, 1, 'no retry before the backoff');
  mock.timers.tick(1);
  await new Promise((r) => setImmediate(r)); // the retry's kick
  await new Promise((r) => setImmediate(r));
  assert.equal(pushed.length, 2);
  // Second retry: 50 × 2² = 200 ms, capped at 150.
  mock.timers.tick(149);
  await new Promise((r) => setImmediate(r));
  assert.equal(pushed.length, 2);
  mock.timers.tick(1);
  for (let i = 0; i < 5 && outboxRows(ctx).length > 0; i++) await new Promise((r) => setImmediate(r));
  assert.equal(pushed.length, 3);
  assert.deepEqual(outboxRows(ctx), []);
  assert.deepEqual(calls, ['failed: push: connect ECONNREFUSED', 'failed: push: connect ECONNREFUSED', 'ok']);
});

test('CHAIN_GAP: the chain is requeued from the record central expects, and pushed again', async () => {
  const ctx = await registerContext();
  for (let i = 0; i < 4; i++) writeEvent(ctx, 'login');
  let lost = false;
  const { client, pushed } = fakeCentral((body) => {
    if (!lost && body.records[0]!.number === 4) {
      lost = true; // central was restored: it holds events up to 1 only
      return new CentralCallError('http', 'CHAIN_GAP', 409, 'CHAIN_GAP', { chain: 'event', expected: 2, got: 4 });
    }
    return headsOf(body);
  });
  const outbox = new OutboxPusher(ctx, client, fakeLink().link, { maxRetryDelayMs: 1000 });
  // Events 1..3 acknowledged first, event 4 later.
  ctx.sqlite.prepare("DELETE FROM outbox WHERE number = 4").run();
  assert.equal(await outbox.drain(), 'done');
  ctx.sqlite.prepare("INSERT INTO outbox (seq, chain, number) SELECT seq, chain, number FROM records WHERE chain = 'event' AND number = 4").run();
  assert.equal(await outbox.drain(), 'done');
  assert.deepEqual(pushed.map((b) => b.records.map((r) => r.number)), [[1, 2, 3], [4], [2, 3, 4]]);
  assert.deepEqual(outboxRows(ctx), []);
  assert.deepEqual(integrated(ctx), ['event#1', 'event#2', 'event#3', 'event#4']);
});

test('CHAIN_GAP on the archive chain: the files of the archives central lost are to be sent again', async () => {
  const ctx = await registerContext();
  const payload = (periodKey: string) => ({ type: 'archive' as const, periodKey, ranges: [], recordCount: 0, sha256: '0'.repeat(64) });
  for (const [i, key] of ['2025-01', '2025-02', '2025-03'].entries()) {
    appendRecord(ctx, 'archive', payload(key), `2025-0${i + 2}-01T00:00:00.000Z`);
    ctx.sqlite.prepare("INSERT INTO archive_files (number, file, sha256, written_at, sent_at) VALUES (?, 'f', 's', 'w', '2025-04-01T00:00:00.000Z')").run(i + 1);
  }
  ctx.sqlite.prepare("DELETE FROM outbox WHERE chain = 'archive'").run();
  const { client } = fakeCentral(() => new CentralCallError('http', 'CHAIN_GAP', 409, 'CHAIN_GAP', { chain: 'archive', expected: 2, got: 4 }));
  writeEvent(ctx, 'login');
  ctx.sqlite.prepare("INSERT INTO outbox (seq, chain, number) SELECT seq, chain, number FROM records WHERE chain = 'archive' AND number = 3").run();
  const outbox = new OutboxPusher(ctx, client, fakeLink().link, { maxRetryDelayMs: 1000 });
  await outbox.drain();
  outbox.stop();
  const files = ctx.sqlite.prepare('SELECT number, sent_at FROM archive_files ORDER BY number').all() as { number: number; sent_at: string | null }[];
  assert.deepEqual(files.map((f) => [f.number, f.sent_at !== null]), [[1, true], [2, false], [3, false]]);
});

test('TAMPER_ALERT blocks that chain: its records wait, nothing of it is pushed again, and it is not counted as waiting', async () => {
  // (That the other chains keep flowing is proven end to end in link.test.ts.)
  const ctx = await registerContext();
  writeEvent(ctx, 'login');
  const { client, pushed } = fakeCentral(() => new CentralCallError('http', 'TAMPER_ALERT', 409, 'TAMPER_ALERT', { chain: 'event', number: 1, reason: 'prev_mismatch' }));
  const { link, calls } = fakeLink();
  const outbox = new OutboxPusher(ctx, client, link, { maxRetryDelayMs: 1000 });
  assert.equal(await outbox.drain(), 'done');
  assert.deepEqual([...outbox.blocked], [['event', 'tamper alert at event #1: prev_mismatch']]);
  assert.deepEqual(calls, ['ok'], 'central answered: the link is fine');
  writeEvent(ctx, 'logout');
  assert.equal(await outbox.drain(), 'done');
  assert.equal(pushed.length, 1, 'the blocked chain is not pushed again');
  assert.deepEqual(outboxRows(ctx), ['event#1', 'event#2'], 'its records wait');
  assert.equal(outbox.remainingUpTo(1e9), 0);
});
