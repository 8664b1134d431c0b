// The month arithmetic of the monthly partitions (db/month-partitions.ts): a stored timestamp falls
// inside the text bounds of the partition its month names, in byte order (collation "C", which is
// JavaScript's string order for this ASCII text), for any instant; months follow each other.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { monthOf, monthsFrom, nextMonth, partitionName } from './month-partitions';

test('every ISO timestamp lies in [its month, the next month) as text, and in no other month', () => {
  fc.assert(
    fc.property(fc.date({ min: new Date('2000-01-01T00:00:00.000Z'), max: new Date('2099-12-31T23:59:59.999Z'), noInvalidDate: true }), (d) => {
      const iso = d.toISOString();
      const month = monthOf(iso)!;
      assert.ok(month <= iso && iso < nextMonth(month), `${iso} in [${month}, ${nextMonth(month)})`);
      assert.equal(month, `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`);
      assert.ok(!(nextMonth(month) <= iso), 'not in the next month');
    }),
  );
});

test('months follow each other across a year end; names and odd text', () => {
  assert.equal(nextMonth('2026-12'), '2027-01');
  assert.equal(nextMonth('2026-09'), '2026-10');
  assert.deepEqual(monthsFrom('2026-11', 2), ['2026-11', '2026-12', '2027-01']);
  assert.equal(partitionName('ticket_lines', '2026-03'), 'ticket_lines_p2026_03');
  assert.equal(monthOf('2026-13-01T00:00:00Z'), null);
  assert.equal(monthOf('garbage'), null);
  assert.equal(monthOf('2026-11-30T23:30:00+02:00'), '2026-11', 'the text as signed decides (an offset is not converted)');
});
