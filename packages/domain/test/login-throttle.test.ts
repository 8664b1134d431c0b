import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NO_FAILURES, THROTTLE, afterFailure, lockDurationMs, lockRemainingMs, retryAfterSeconds, type ThrottleState } from '../src/login-throttle';

const t0 = new Date('2026-03-01T10:00:00.000Z');

function failTimes(n: number, at: Date = t0): ThrottleState {
  let s = NO_FAILURES;
  for (let i = 0; i < n; i++) s = afterFailure(s, at);
  return s;
}

describe('login throttle', () => {
  it('allows the first failures without a lock, locks at the fifth', () => {
    for (let n = 1; n < THROTTLE.freeFailures; n++) {
      const s = failTimes(n);
      assert.equal(s.lockedUntil, null);
      assert.equal(lockRemainingMs(s, t0), 0);
    }
    const locked = failTimes(THROTTLE.freeFailures);
    assert.equal(lockRemainingMs(locked, t0), THROTTLE.baseLockMs);
    assert.equal(lockRemainingMs(locked, new Date(t0.getTime() + THROTTLE.baseLockMs)), 0);
  });

  it('doubles the lock with each further failure, up to the cap', () => {
    assert.equal(lockDurationMs(THROTTLE.freeFailures + 1), 2 * THROTTLE.baseLockMs);
    assert.equal(lockDurationMs(THROTTLE.freeFailures + 2), 4 * THROTTLE.baseLockMs);
    assert.equal(lockDurationMs(1000), THROTTLE.maxLockMs);
  });

  it('property: the lock never shrinks as failures grow, and is never above the cap', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), (n) => {
        const a = lockDurationMs(n);
        const b = lockDurationMs(n + 1);
        assert.ok(b >= a);
        assert.ok(b <= THROTTLE.maxLockMs);
        assert.equal(a === 0, n < THROTTLE.freeFailures);
      }),
    );
  });

  it('Retry-After is whole seconds, at least 1', () => {
    assert.equal(retryAfterSeconds(1), 1);
    assert.equal(retryAfterSeconds(30_000), 30);
    assert.equal(retryAfterSeconds(30_001), 31);
    assert.equal(retryAfterSeconds(0), 1);
  });
});
