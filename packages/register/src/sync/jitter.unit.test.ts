import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jitterBelow, scheduledCopyDelay, withJitter } from './jitter';
import { parseRetryAfter } from './central-client';

test('withJitter never goes below the wait asked (a Retry-After is a floor), at most +spread', () => {
  assert.equal(withJitter(1000, 0.5, () => 0), 1000);
  assert.equal(withJitter(1000, 0.5, () => 1), 1500);
  for (let i = 0; i < 100; i++) {
    const d = withJitter(2000);
    assert.ok(d >= 2000 && d <= 3000, String(d));
  }
});

test('jitterBelow stays between half the backoff and the backoff (its cap holds)', () => {
  assert.equal(jitterBelow(200, () => 0), 100);
  assert.equal(jitterBelow(200, () => 1), 200);
});

test('a scheduled copy waits at most a tenth of the time to the next slot, and at most the cap', () => {
  assert.equal(scheduledCopyDelay(5000, 120_000, () => 0.999), 499);
  assert.equal(scheduledCopyDelay(12 * 3600_000, 120_000, () => 0.5), 60_000);
  assert.equal(scheduledCopyDelay(null, 120_000, () => 0.5), 60_000);
  // 2,000 tills on one store-wide schedule twice a day: spread over two minutes, not one second.
  const seconds = new Set(Array.from({ length: 2000 }, () => Math.floor(scheduledCopyDelay(12 * 3600_000) / 1000)));
  assert.ok(seconds.size > 100, `copies land in ${seconds.size} different seconds`);
});

test('Retry-After: delta-seconds or an HTTP date', () => {
  assert.equal(parseRetryAfter('3'), 3000);
  assert.equal(parseRetryAfter(undefined), null);
  assert.equal(parseRetryAfter('soon'), null);
  const now = Date.parse('2026-12-02T18:00:00Z');
  assert.equal(parseRetryAfter('Wed, 02 Dec 2026 18:00:05 GMT', now), 5000);
});
