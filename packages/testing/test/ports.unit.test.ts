import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { PORT_BASE_VAR, PORT_COUNT_VAR, PORT_POOL, PortRanges, ephemeralFirst, freePort, jobPortRange } from '../src/ports';

// The test ports' allocator (docs/architecture.md §12 "Ports"). The pools of these tests sit just
// below the kernel's ephemeral range, above the last range of the runner's own pool (PORT_POOL: 20000 + 63 × 200 = 32600).

function listenOn(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port }, () => resolve(s));
  });
}
const closeServer = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));

/** Runs `body` with this process's range set to `range` (or unset), then puts the runner's back. */
async function withRange<T>(range: { base: number; count: number } | undefined, body: () => Promise<T>): Promise<T> {
  const saved = { base: process.env[PORT_BASE_VAR], count: process.env[PORT_COUNT_VAR] };
  const set = (name: string, value: string | undefined) => (value === undefined ? delete process.env[name] : (process.env[name] = value));
  set(PORT_BASE_VAR, range && String(range.base));
  set(PORT_COUNT_VAR, range && String(range.count));
  try {
    return await body();
  } finally {
    set(PORT_BASE_VAR, saved.base);
    set(PORT_COUNT_VAR, saved.count);
  }
}

const top = ephemeralFirst();

test('the ranges claimed by a runner, and by a runner beside it, are disjoint until released', async () => {
  // Two slots of 6 ports: runner A claims both at once (two files starting together), so runner B
  // beside it finds none until A releases one.
  const pool = { first: top - 12, size: 6 };
  const a = new PortRanges(pool);
  const b = new PortRanges(pool);
  const [first, second] = await Promise.all([a.claim(), a.claim()]);
  const ports = (r: { base: number; count: number }) => Array.from({ length: r.count }, (_, i) => r.base + i);
  assert.equal(first.range.count, 5, 'the first port of a slot is the claim, the file gets the others');
  assert.equal(new Set([...ports(first.range), ...ports(second.range)]).size, 10, `${JSON.stringify(first.range)} and ${JSON.stringify(second.range)} overlap`);
  for (const p of [...ports(first.range), ...ports(second.range)]) assert.ok(p >= pool.first && p < top, `${p} is outside the pool, below the ephemeral range ${top}`);
  assert.deepEqual(first.env, { [PORT_BASE_VAR]: String(first.range.base), [PORT_COUNT_VAR]: '5' });
  await assert.rejects(b.claim(), /every test port range from \d+ \(2 of 6\) is claimed/);
  await first.release();
  const again = await b.claim();
  assert.deepEqual(again.range, first.range, 'a released range can be claimed again');
  await again.release();
  await second.release();
});

test('under the runner, freePort hands out its file\'s range in order, skips a busy port, never a port twice', async () => {
  const claim = await new PortRanges({ first: top - 24, size: 6 }).claim();
  const { base } = claim.range;
  const busy = await listenOn(base + 1); // another process's server inside the range
  try {
    await withRange(claim.range, async () => {
      assert.deepEqual(jobPortRange(), claim.range);
      // With the old freePort (a port the kernel picks, 32768 and above) this fails: two files side by
      // side could be handed the same port, and an outgoing connection could take it.
      assert.equal(await freePort(), base);
      assert.equal(await freePort(), base + 2, 'the busy port is skipped');
      assert.deepEqual((await Promise.all([freePort(), freePort()])).sort(), [base + 3, base + 4], 'calls at once get different ports');
      await assert.rejects(freePort(), new RegExp(`the 5 ports of this file's range \\(${base}–${base + 4}\\) are all handed out or busy`));
    });
  } finally {
    await closeServer(busy);
    await claim.release();
  }
});

test('outside the runner (a lone node --test), freePort asks the kernel: an ephemeral port that binds', async () => {
  const port = await withRange(undefined, () => freePort());
  assert.equal(jobPortRange({}), undefined);
  assert.ok(port >= top, `${port} is in the kernel's ephemeral range (from ${top})`);
  await closeServer(await listenOn(port));
});

test('a range the variables cannot mean is refused, not guessed', () => {
  assert.throws(() => jobPortRange({ [PORT_BASE_VAR]: '20001' }), /COMPTOIR_TEST_PORT_BASE=20001 COMPTOIR_TEST_PORT_COUNT=undefined: not a range of TCP ports/);
  assert.throws(() => jobPortRange({ [PORT_BASE_VAR]: '65500', [PORT_COUNT_VAR]: '100' }), /not a range of TCP ports/);
  assert.deepEqual(jobPortRange({ [PORT_BASE_VAR]: '20001', [PORT_COUNT_VAR]: '199' }), { base: 20001, count: 199 });
});

test('a file the runner starts has a range of its own in the runner\'s pool', { skip: process.env[PORT_BASE_VAR] ? false : 'run alone, not by scripts/run-tests.mjs' }, async () => {
  const range = jobPortRange()!;
  assert.equal(range.count, PORT_POOL.size - 1);
  assert.equal((range.base - 1 - PORT_POOL.first) % PORT_POOL.size, 0, `${range.base} follows a claimed first port of the pool`);
  const port = await freePort();
  assert.ok(port >= range.base && port < range.base + range.count && port < top);
});
