// Days typed in the back office (DD/MM/YYYY, whatever the browser's locale) ⇄ the ISO days the API takes.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dayToIso, isoToDay } from '../src/format';

describe('typed calendar days', () => {
  it('reads DD/MM/YYYY (and D/M/YYYY, dots or dashes) as an ISO day', () => {
    assert.equal(dayToIso('03/12/2026'), '2026-12-03');
    assert.equal(dayToIso(' 3/2/2026 '), '2026-02-03');
    assert.equal(dayToIso('29.02.2028'), '2028-02-29');
    assert.equal(dayToIso('01-01-2027'), '2027-01-01');
  });

  it('an empty field is no day; a day that does not exist or another shape is refused', () => {
    assert.equal(dayToIso(''), '');
    for (const bad of ['31/02/2026', '29/02/2027', '00/01/2026', '12/13/2026', '2026-12-03', '03/12/26', 'demain']) assert.equal(dayToIso(bad), null, bad);
  });

  it('writes an ISO day back as DD/MM/YYYY', () => {
    assert.equal(isoToDay('2026-12-03'), '03/12/2026');
    assert.equal(isoToDay(''), '');
    for (const iso of ['2026-01-31', '2028-02-29']) assert.equal(dayToIso(isoToDay(iso)), iso);
  });
});
