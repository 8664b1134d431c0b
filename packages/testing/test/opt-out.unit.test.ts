import { test } from 'node:test';
import assert from 'node:assert/strict';
import { optOut } from '../src/opt-out';

// The one shape of the suite's opt-outs (docs/testing.md "Tools the suite needs, and opting out").

test('an opt-out reads its variable when asked: skipped with its reason only when set to 1', () => {
  const variable = `COMPTOIR_TEST_NO_THING_${process.pid}`;
  const thing = optOut(variable, 'thing tests skipped');
  try {
    assert.equal(thing.optedOut, false);
    assert.deepEqual(thing.options(), { skip: false });
    process.env[variable] = 'yes'; // only 1 opts out
    assert.equal(thing.optedOut, false);
    process.env[variable] = '1';
    assert.equal(thing.optedOut, true);
    assert.equal(thing.skip, `${variable}=1: thing tests skipped`);
    assert.deepEqual(thing.options(), { skip: `${variable}=1: thing tests skipped` });
    assert.equal(thing.reason, thing.skip);
  } finally {
    delete process.env[variable];
  }
});

test('the failure of a run that lacks the tool names what is missing and the way out', () => {
  const e = optOut('COMPTOIR_TEST_NO_THING', 'thing tests skipped').missing('thing is not installed (apt-get install thing)');
  assert.ok(e instanceof Error);
  assert.equal(e.message, 'thing is not installed (apt-get install thing), or set COMPTOIR_TEST_NO_THING=1 to skip the tests that need it');
});
