// The change-events listener on its own: a fake central client whose `events()` opens a stream the
// test writes Server-Sent Events into, ends, breaks or refuses, and Node's mock timers for the pauses.
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RegisterContext } from '../context';
import { CentralCallError, type CentralClient } from './central-client';
import { ChangeEventsListener, NO_EVENTS_RETRY_MS, TOO_MANY_STREAMS_RETRY_MS } from './change-events-listener';
import { silent } from '../../test/helpers';

/** One opened stream: chunks the test sends, then an end or an error; `close()` aborts it as undici does. */
class FakeStream {
  closed = false;
  private queue: (Buffer | Error | null)[] = [];
  private wake: (() => void) | null = null;
  send(text: string) {
    this.push(Buffer.from(text));
  }
  end() {
    this.push(null);
  }
  fail(e: Error) {
    this.push(e);
  }
  close = () => {
    this.closed = true;
    this.push(Object.assign(new Error('This operation was aborted'), { name: 'AbortError' }));
  };
  private push(item: Buffer | Error | null) {
    this.queue.push(item);
    this.wake?.();
  }
  async *body(): AsyncIterable<Buffer> {
    for (;;) {
      while (this.queue.length === 0) await new Promise<void>((r) => (this.wake = r));
      const item = this.queue.shift()!;
      if (item === null) return;
      if (item instanceof Error) throw item;
      yield item;
    }
  }
}

/** What each call of `events()` does, in order: open a stream, or refuse with this error. */
function fakeCentral(plan: (FakeStream | Error)[]) {
  const opened: FakeStream[] = [];
  let calls = 0;
  const client = {
    async events() {
      const next = plan[calls++];
      if (next === undefined) throw new CentralCallError('network', 'connect ECONNREFUSED');
      if (next instanceof Error) throw next;
      opened.push(next);
      return { body: next.body(), close: next.close };
    },
  } as unknown as CentralClient;
  return { client, calls: () => calls, opened };
}

const ctx = { logger: silent } as unknown as RegisterContext;
const turns = async (n = 10) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};
const change = (v: unknown) => `event: change\ndata: ${JSON.stringify({ changeVersion: v })}\n\n`;
const refused = () => new CentralCallError('network', 'connect ECONNREFUSED');
/** The next `events()` call comes exactly `ms` after now: not 1 ms before. */
async function nextCallAfter(central: { calls(): number }, ms: number, what = `${ms} ms`) {
  const before = central.calls();
  mock.timers.tick(ms - 1);
  await turns();
  assert.equal(central.calls(), before, `not before ${what}`);
  mock.timers.tick(1);
  await turns();
  assert.equal(central.calls(), before + 1, `after ${what}`);
}

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

test('connect, then each change event hands its version on (split chunks, comments and other events ignored)', async () => {
  const s = new FakeStream();
  const central = fakeCentral([s]);
  const versions: number[] = [];
  const l = new ChangeEventsListener(ctx, central.client, (v) => versions.push(v), { random: () => 0 });
  l.start();
  await turns();
  assert.equal(central.calls(), 1, 'the stream is opened at once');
  s.send(': keep-alive\n\n');
  s.send(change(7));
  s.send('event: change\ndata: {"changeVer');
  s.send('sion":8}\n\n');
  s.send('event: other\ndata: {"changeVersion":99}\n\n');
  s.send('event: change\ndata: not json\n\n');
  s.send(change('9'));
  s.send(change(9.5));
  s.send(change(10));
  await turns();
  assert.deepEqual(versions, [7, 8, 10], 'one call per well-formed change event, in order');
  l.stop();
  await turns();
  assert.equal(s.closed, true, 'stop closes the open stream');
});

test('a dropped stream is reopened after the retry pause (with jitter), and events flow again', async () => {
  const first = new FakeStream();
  const second = new FakeStream();
  const central = fakeCentral([first, second]);
  const versions: number[] = [];
  const l = new ChangeEventsListener(ctx, central.client, (v) => versions.push(v), { retryMs: 1000, random: () => 1 });
  l.start();
  await turns();
  first.send(change(1));
  first.end(); // central restarted
  await turns();
  await nextCallAfter(central, 1500, 'retryMs plus its jitter (random 1: +50 %)');
  second.send(change(2));
  await turns();
  assert.deepEqual(versions, [1, 2]);
  // A stream that breaks (an error after it opened, e.g. the link cut) is a drop as well.
  second.fail(new Error('other side closed'));
  await turns();
  mock.timers.tick(1500);
  await turns();
  assert.equal(central.calls(), 3);
  l.stop();
});

test('central unreachable: the pause doubles per failure in a row up to the cap, and resets once a stream opens', async () => {
  const s = new FakeStream();
  const central = fakeCentral([refused(), refused(), refused(), refused(), refused(), s, refused()]);
  const l = new ChangeEventsListener(ctx, central.client, () => {}, { retryMs: 1000, maxRetryMs: 5000, random: () => 1 });
  l.start();
  await turns();
  assert.equal(central.calls(), 1);
  // random 1: equal jitter gives the full step. Steps: 1 s, 2 s, 4 s, then the 5 s cap.
  for (const step of [1000, 2000, 4000, 5000, 5000]) await nextCallAfter(central, step);
  assert.equal(central.calls(), 6);
  // The 6th call opened a stream: failures reset. It drops; the next call is refused → first step again.
  s.end();
  await turns();
  await nextCallAfter(central, 1500, 'a drop: retryMs plus jitter');
  await nextCallAfter(central, 1000, 'the first step again, not the cap');
  l.stop();
});

test('the backoff never exceeds its cap (equal jitter: between half the step and the step)', async () => {
  const central = fakeCentral(Array.from({ length: 12 }, refused));
  const l = new ChangeEventsListener(ctx, central.client, () => {}, { retryMs: 1000, maxRetryMs: 4000, random: () => 0 });
  l.start();
  await turns();
  // random 0: half of each step: 0.5 s, 1 s, 2 s, then 2 s (half of the 4 s cap) for good.
  for (const step of [500, 1000, 2000, 2000, 2000, 2000]) await nextCallAfter(central, step);
  l.stop();
});

test('404 (a central without events) waits a minute; 429 waits its Retry-After, at least 30 s', async () => {
  const central = fakeCentral([
    new CentralCallError('http', 'GET /api/sync/events: 404', 404),
    new CentralCallError('http', 'GET /api/sync/events: 429', 429, '', {}, 45_000),
    new CentralCallError('http', 'GET /api/sync/events: 429', 429, '', {}, null),
  ]);
  const l = new ChangeEventsListener(ctx, central.client, () => {}, { retryMs: 1000, random: () => 1 });
  l.start();
  await turns();
  for (const wait of [NO_EVENTS_RETRY_MS, 45_000, TOO_MANY_STREAMS_RETRY_MS]) await nextCallAfter(central, wait);
  l.stop();
});

test('stop: while paused nothing is reopened; while opening, the stream that arrives is closed at once', async () => {
  const paused = fakeCentral([refused()]);
  const a = new ChangeEventsListener(ctx, paused.client, () => {}, { retryMs: 1000 });
  a.start();
  await turns();
  a.stop();
  mock.timers.tick(120_000);
  await turns();
  assert.equal(paused.calls(), 1, 'no reopening after stop');

  const s = new FakeStream();
  let answer!: () => void;
  const opening = {
    events: () => new Promise((r) => (answer = () => r({ body: s.body(), close: s.close }))),
  } as unknown as CentralClient;
  const versions: number[] = [];
  const b = new ChangeEventsListener(ctx, opening, (v) => versions.push(v), { retryMs: 1000 });
  b.start();
  await turns();
  b.stop(); // the request is still on its way
  answer();
  await turns();
  assert.equal(s.closed, true, 'the late stream is closed');
  s.send(change(3));
  mock.timers.tick(120_000);
  await turns();
  assert.deepEqual(versions, [], 'nothing handed on after stop');
});
