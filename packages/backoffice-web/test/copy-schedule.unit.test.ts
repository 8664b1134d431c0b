// The owner's copy schedule (times of day, days of the week) ⇄ the cron expressions central stores.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fromCron, toCron } from '../src/copy-schedule';

describe('copy schedule in owner words', () => {
  it('writes one cron expression per time, on the chosen days', () => {
    assert.deepEqual(toCron({ times: ['13:00', '06:30'], days: [1, 2, 3, 4, 5] }), ['0 30 6 * * 1-5', '0 0 13 * * 1-5']);
    assert.deepEqual(toCron({ times: ['06:00'], days: [0, 1, 2, 3, 4, 5, 6] }), ['0 0 6 * * *']);
    assert.deepEqual(toCron({ times: ['22:15', '22:15'], days: [6, 0] }), ['0 15 22 * * 0,6']);
  });

  it('reads back what it wrote, and the demo default', () => {
    for (const s of [{ times: ['06:30', '13:00'], days: [1, 2, 3, 4, 5] }, { times: ['22:15'], days: [0, 6] }]) assert.deepEqual(fromCron(toCron(s)), s);
    assert.deepEqual(fromCron(['0 0 6 * * *', '0 0 13 * * *']), { times: ['06:00', '13:00'], days: [0, 1, 2, 3, 4, 5, 6] });
    assert.deepEqual(fromCron(['30 5 * * 1-5']), { times: ['05:30'], days: [1, 2, 3, 4, 5] }, 'five fields too');
  });

  it('leaves to the advanced (cron) editor what is not a time on some days', () => {
    assert.equal(fromCron(['0 */15 * * * *']), null);
    assert.equal(fromCron(['0 0 6 1 * *']), null, 'a day of the month');
    assert.equal(fromCron(['0 0 6 * * 1-5', '0 0 13 * * *']), null, 'different days per time');
    assert.equal(fromCron(['every morning']), null);
  });
});
