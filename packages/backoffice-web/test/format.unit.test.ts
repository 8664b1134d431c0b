// Days typed in the back office (DD/MM/YYYY, whatever the browser's locale) ⇄ the ISO days the API takes;
// instants on the store's clock, with its UTC offset when the browser's differs (issue 12).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dateTime, dayIn, dayStartIn, dayToIso, isoToDay, lastContact, offsetLabel, zoneOffsetMinutes } from '../src/format';

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

describe("instants on the store's clock", () => {
  const paris = { here: 'Europe/Paris' };
  const at = '2026-12-03T21:45:12.000Z'; // 22:45:12 in Paris, 17:45:12 in Martinique

  it("shows a store's time in its zone, with the offset when the browser's differs", () => {
    assert.equal(dateTime(at, 'fr', { ...paris, zone: 'America/Martinique' }), '03/12/2026 17:45:12 (UTC\u22124)');
    assert.equal(dateTime(at, 'en', { ...paris, zone: 'America/Martinique' }), '03/12/2026, 17:45:12 (UTC\u22124)');
    assert.equal(dateTime(at, 'fr', { ...paris, zone: 'Asia/Kolkata' }), '04/12/2026 03:15:12 (UTC+5:30)', 'the day changes too');
    // The same clock as the browser: no suffix (another name with the same offset included).
    assert.equal(dateTime(at, 'fr', { ...paris, zone: 'Europe/Paris' }), '03/12/2026 22:45:12');
    assert.equal(dateTime(at, 'fr', { ...paris, zone: 'Europe/Brussels' }), '03/12/2026 22:45:12');
    assert.equal(dateTime(at, 'fr', { zone: 'America/Martinique', here: 'America/Martinique' }), '03/12/2026 17:45:12', 'a browser in Martinique');
  });

  it('compares the offsets at that instant (summer time)', () => {
    // Lagos is UTC+1 all year, Paris UTC+1 in winter and UTC+2 in summer.
    assert.equal(dateTime('2026-12-03T21:45:12.000Z', 'fr', { ...paris, zone: 'Africa/Lagos' }), '03/12/2026 22:45:12');
    assert.equal(dateTime('2026-07-03T21:45:12.000Z', 'fr', { ...paris, zone: 'Africa/Lagos' }), '03/07/2026 22:45:12 (UTC+1)');
    assert.equal(zoneOffsetMinutes(new Date('2026-07-03T12:00:00Z'), 'Europe/Paris'), 120);
    assert.equal(zoneOffsetMinutes(new Date('2026-12-03T12:00:00Z'), 'America/Martinique'), -240);
  });

  it("no zone, or one the browser does not know: the browser's clock, without a suffix; no instant: a dash", () => {
    for (const zone of [undefined, null, '', 'Mars/Olympus']) assert.equal(dateTime(at, 'fr', { ...paris, zone }), '03/12/2026 22:45:12', String(zone));
    assert.equal(dateTime(null, 'fr', paris), '\u2014');
    assert.equal(lastContact(null, 'fr', paris), null);
  });

  it("last contact: the time alone on the store's today, with the date before", () => {
    const now = new Date('2026-12-04T03:00:00.000Z'); // 04:00 on the 4th in Paris, 23:00 on the 3rd in Martinique
    // 02:30 UTC is the 4th in Paris but still the 3rd, as "now", in Martinique: its today.
    assert.equal(lastContact('2026-12-04T02:30:00.000Z', 'fr', { ...paris, zone: 'America/Martinique' }, now), '22:30 (UTC\u22124)');
    assert.equal(lastContact('2026-12-04T02:30:00.000Z', 'fr', { ...paris, zone: 'Europe/Paris' }, now), '03:30');
    // 01:00 UTC on the 3rd: the 3rd in Paris (not its today), the 2nd in Martinique (not its today).
    assert.equal(lastContact('2026-12-03T01:00:00.000Z', 'fr', { ...paris, zone: 'Europe/Paris' }, now), '03/12/2026 02:00');
    assert.equal(lastContact('2026-12-03T01:00:00.000Z', 'fr', { ...paris, zone: 'America/Martinique' }, now), '02/12/2026 21:00 (UTC\u22124)');
  });

  it('offsets are written UTC±h[:mm] with a true minus sign', () => {
    assert.deepEqual([offsetLabel(0), offsetLabel(60), offsetLabel(-240), offsetLabel(330), offsetLabel(-570)], ['UTC', 'UTC+1', 'UTC\u22124', 'UTC+5:30', 'UTC\u22129:30']);
  });

  it("a store's calendar day, and the instant it starts (across summer time changes)", () => {
    assert.equal(dayIn(new Date('2026-12-04T02:30:00Z'), 'America/Martinique'), '2026-12-03');
    assert.equal(dayIn(new Date('2026-12-04T02:30:00Z'), 'Europe/Paris'), '2026-12-04');
    assert.equal(dayStartIn('2026-12-03', 'America/Martinique'), '2026-12-03T04:00:00.000Z');
    assert.equal(dayStartIn('2026-12-03', 'Europe/Paris'), '2026-12-02T23:00:00.000Z');
    assert.equal(dayStartIn('2026-12-03', 'Europe/Paris', 1), '2026-12-03T23:00:00.000Z');
    assert.equal(dayStartIn('2026-03-29', 'Europe/Paris'), '2026-03-28T23:00:00.000Z', 'the night clocks go forward');
    assert.equal(dayStartIn('2026-03-29', 'Europe/Paris', 1), '2026-03-29T22:00:00.000Z');
    assert.equal(dayStartIn('2026-10-25', 'Europe/Paris', 1), '2026-10-25T23:00:00.000Z', 'the night clocks go back');
  });
});
