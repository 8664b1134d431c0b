import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { addDays, businessDay, cutoffMinutes, dayStartIn, fiscalYearOf, monthOf, periodDays, zoneOffsetMinutes } from '../src/business-day';

describe('businessDay', () => {
  it('belongs to the previous date before the cutoff, in the store time zone', () => {
    // Paris is UTC+1 in winter, UTC+2 in summer.
    assert.equal(businessDay(new Date('2026-12-01T23:30:00Z'), 'Europe/Paris'), '2026-12-01'); // 00:30 on the 2nd
    assert.equal(businessDay(new Date('2026-12-02T02:59:00Z'), 'Europe/Paris'), '2026-12-01'); // 03:59
    assert.equal(businessDay(new Date('2026-12-02T03:00:00Z'), 'Europe/Paris'), '2026-12-02'); // 04:00
    assert.equal(businessDay(new Date('2026-07-01T01:30:00Z'), 'Europe/Paris'), '2026-06-30'); // 03:30 summer
    assert.equal(businessDay(new Date('2027-01-01T01:00:00Z'), 'Europe/Paris'), '2026-12-31'); // New Year's night
    assert.equal(businessDay(new Date('2026-12-01T23:30:00Z'), 'Europe/Paris', '00:00'), '2026-12-02');
    assert.equal(businessDay(new Date('2026-12-02T10:00:00Z'), 'America/New_York', '04:00'), '2026-12-02');
  });
  it('refuses a malformed cutoff', () => {
    assert.equal(cutoffMinutes('4:00'), null);
    assert.equal(cutoffMinutes('24:00'), null);
    assert.equal(cutoffMinutes('04:30'), 270);
    assert.throws(() => businessDay(new Date(), 'UTC', '25:00'), RangeError);
  });
  it('never runs backwards and is the local date or the day before (property)', () => {
    const instant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2100, 0, 1) });
    const cutoff = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
    const zone = fc.constantFrom('Europe/Paris', 'UTC', 'America/Cayenne', 'Indian/Reunion', 'Pacific/Noumea');
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 3 * 86_400_000 }), cutoff, zone, (t, dt, c, z) => {
        const a = businessDay(new Date(t), z, c);
        const b = businessDay(new Date(t + dt), z, c);
        assert.ok(a <= b, `${a} > ${b}`);
        const local = businessDay(new Date(t), z, '00:00');
        assert.ok(a === local || a === addDays(local, -1));
      }),
    );
  });
});

describe('a calendar day on a store clock (dayStartIn)', () => {
  it('starts at local midnight, far from UTC either way and across a DST change', () => {
    assert.equal(dayStartIn('2025-03-14', 'America/Martinique'), '2025-03-14T04:00:00.000Z');
    assert.equal(dayStartIn('2025-03-14', 'America/Martinique', 1), '2025-03-15T04:00:00.000Z');
    assert.equal(dayStartIn('2025-03-14', 'Pacific/Noumea'), '2025-03-13T13:00:00.000Z');
    assert.equal(dayStartIn('2025-12-31', 'Pacific/Noumea', 1), '2025-12-31T13:00:00.000Z', 'into the next year');
    assert.equal(dayStartIn('2026-03-29', 'Europe/Paris'), '2026-03-28T23:00:00.000Z');
    assert.equal(dayStartIn('2026-03-29', 'Europe/Paris', 1), '2026-03-29T22:00:00.000Z', 'a 23-hour day');
    assert.equal(dayStartIn('2026-10-25', 'Europe/Paris', 1), '2026-10-25T23:00:00.000Z', 'a 25-hour day');
    assert.equal(dayStartIn('2026-07-01', 'UTC'), '2026-07-01T00:00:00.000Z');
    assert.equal(zoneOffsetMinutes(new Date('2025-03-14T12:00:00Z'), 'Pacific/Noumea'), 660);
    assert.throws(() => dayStartIn('2025-03-14', 'Mars/Olympus'), RangeError);
  });

  it('is the local date of every instant of that day, and of none outside (property)', () => {
    const zones = ['Europe/Paris', 'America/Martinique', 'Pacific/Noumea', 'Pacific/Pago_Pago', 'Asia/Kolkata', 'America/New_York'];
    const local = (at: number, zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(at));
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }), fc.constantFrom(...zones), (at, zone) => {
        const day = local(at, zone);
        const start = Date.parse(dayStartIn(day, zone));
        const end = Date.parse(dayStartIn(day, zone, 1));
        assert.ok(start <= at && at < end, `${new Date(at).toISOString()} in [${dayStartIn(day, zone)}, ${dayStartIn(day, zone, 1)})`);
        assert.equal(local(start, zone), day);
        assert.equal(local(start - 1, zone), addDays(day, -1));
      }),
    );
  });
});

describe('fiscal periods', () => {
  it('names a fiscal year after the year it starts in', () => {
    assert.equal(fiscalYearOf('2026-12-31'), '2026');
    assert.equal(fiscalYearOf('2027-03-31', 4), '2026');
    assert.equal(fiscalYearOf('2027-04-01', 4), '2027');
    assert.equal(fiscalYearOf('2027-02', 4), '2026');
  });
  it('gives the days of a month and of a fiscal year', () => {
    assert.deepEqual(periodDays('2026-12'), { from: '2026-12-01', until: '2027-01-01' });
    assert.deepEqual(periodDays('2027-02'), { from: '2027-02-01', until: '2027-03-01' });
    assert.deepEqual(periodDays('2026'), { from: '2026-01-01', until: '2027-01-01' });
    assert.deepEqual(periodDays('2026', 4), { from: '2026-04-01', until: '2027-04-01' });
    assert.throws(() => periodDays('26'), RangeError);
  });
  it('every day is in its month and its fiscal year (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40_000 }), fc.integer({ min: 1, max: 12 }), (n, start) => {
        const day = addDays('2000-01-01', n);
        const m = periodDays(day.slice(0, 7));
        assert.ok(m.from <= day && day < m.until);
        const y = periodDays(fiscalYearOf(day, start), start);
        assert.ok(y.from <= day && day < y.until, `${day} not in ${JSON.stringify(y)}`);
      }),
    );
  });
});

describe('business days: the exact shapes refused, with their messages', () => {
  it('a cutoff, a month or a year with anything before or after is refused', () => {
    for (const bad of ['x04:00', '04:00x', '4:00', '04:60', '24:00']) assert.equal(cutoffMinutes(bad), null, bad);
    assert.equal(cutoffMinutes('23:59'), 23 * 60 + 59);
    assert.throws(() => businessDay(new Date(), 'UTC', '4h'), /^RangeError: businessDay: malformed cutoff "4h" \(HH:MM expected\)$/);
    for (const bad of ['x2026-03', '2026-03x', 'x2026', '2026x', '2026-03-01']) {
      assert.throws(() => periodDays(bad), new RegExp(`^RangeError: periodDays: "${bad}" is neither YYYY-MM nor YYYY$`), bad);
    }
  });
  it('monthOf is the YYYY-MM of a day', () => {
    assert.equal(monthOf('2026-12-31'), '2026-12');
  });
  it('a time zone is read once and reused: two stores in different zones keep their own day', () => {
    const at = new Date('2026-06-01T02:30:00Z');
    assert.equal(businessDay(at, 'Pacific/Kiritimati', '00:00'), '2026-06-01');
    assert.equal(businessDay(at, 'America/Los_Angeles', '00:00'), '2026-05-31');
    assert.equal(businessDay(at, 'Pacific/Kiritimati', '00:00'), '2026-06-01');
  });
});
