// NF525 periods (issue 10): a shop's business day does not end at midnight. A store sets
// `businessDayCutoff` ("HH:MM", store time zone, default 04:00): an instant before the cutoff belongs
// to the previous calendar date's business day, so a Z made at 00:30 closes the evening before.
// The fiscal year starts on the first day of `fiscalYearStartMonth` (1–12, default January); a fiscal
// year is named after the calendar year it starts in ("2026" = 2026-04-01 … 2027-03-31 when it starts in April).
// Pure functions over ISO dates (YYYY-MM-DD): no clock is read here.

export const DEFAULT_BUSINESS_DAY_CUTOFF = '04:00';
export const DEFAULT_FISCAL_YEAR_START_MONTH = 1;

const CUTOFF_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after local midnight of a cutoff "HH:MM"; null when malformed. */
export function cutoffMinutes(cutoff: string): number | null {
  const m = CUTOFF_PATTERN.exec(cutoff);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

const wallFormats = new Map<string, Intl.DateTimeFormat>();
/** The wall-clock fields of instant `at` in `timeZone` (one formatter per zone, kept). Throws (RangeError) on a time zone Intl does not know. */
export function wallClock(at: Date, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  let f = wallFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    wallFormats.set(timeZone, f);
  }
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(at)) p[part.type] = Number(part.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second! };
}

/** The calendar day (YYYY-MM-DD) of a wall clock. */
export const wallDay = (w: { year: number; month: number; day: number }): string =>
  `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;

/** The date `days` after (before, when negative) an ISO date. */
export function addDays(day: string, days: number): string {
  const t = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/**
 * The business day (YYYY-MM-DD) an instant belongs to, in the store's time zone: its local date, or
 * the day before when its local time is before the cutoff. Throws on a malformed cutoff or time zone.
 */
export function businessDay(at: Date, timeZone: string, cutoff: string = DEFAULT_BUSINESS_DAY_CUTOFF): string {
  const minutes = cutoffMinutes(cutoff);
  if (minutes === null) throw new RangeError(`businessDay: malformed cutoff ${JSON.stringify(cutoff)} (HH:MM expected)`);
  const w = wallClock(at, timeZone);
  const date = wallDay(w);
  return w.hour * 60 + w.minute < minutes ? addDays(date, -1) : date;
}

/** YYYY-MM of a day. */
export function monthOf(day: string): string {
  return day.slice(0, 7);
}

/** The fiscal year (named after the year it starts in) a day or a month (YYYY-MM…) belongs to. */
export function fiscalYearOf(day: string, startMonth: number = DEFAULT_FISCAL_YEAR_START_MONTH): string {
  const year = Number(day.slice(0, 4));
  return String(Number(day.slice(5, 7)) >= startMonth ? year : year - 1);
}

/** First day and the day after the last of a month (YYYY-MM) or a fiscal year (YYYY): [from, until). */
export function periodDays(key: string, startMonth: number = DEFAULT_FISCAL_YEAR_START_MONTH): { from: string; until: string } {
  if (/^\d{4}-\d{2}$/.test(key)) {
    const y = Number(key.slice(0, 4));
    const m = Number(key.slice(5, 7));
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    return { from: `${key}-01`, until: `${next}-01` };
  }
  if (/^\d{4}$/.test(key)) {
    const mm = String(startMonth).padStart(2, '0');
    return { from: `${key}-${mm}-01`, until: `${Number(key) + 1}-${mm}-01` };
  }
  throw new RangeError(`periodDays: ${JSON.stringify(key)} is neither YYYY-MM nor YYYY`);
}

// ---- a calendar day on a store's clock ----

/** Minutes `timeZone` is ahead of UTC at instant `at` (−240 in Martinique, 60 or 120 in Paris, 660 in Nouméa). */
export function zoneOffsetMinutes(at: Date, timeZone: string): number {
  const w = wallClock(at, timeZone);
  const wallAsUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return Math.round((wallAsUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant (ISO, UTC) at which local midnight of `day` (YYYY-MM-DD), `days` later, falls in
 * `timeZone`: a store's calendar day is [dayStartIn(day, zone), dayStartIn(day, zone, 1)) — 04:00Z
 * to 04:00Z the next day in Martinique, 13:00Z the day before to 13:00Z in Nouméa, 23 or 25 hours
 * across a DST change. Throws (RangeError) on a time zone Intl does not know.
 */
export function dayStartIn(day: string, timeZone: string, days = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const midnightUtc = Date.UTC(y, m - 1, d + days);
  // The offset at the guess, then at the corrected instant (they differ across a DST change).
  let t = midnightUtc - zoneOffsetMinutes(new Date(midnightUtc), timeZone) * 60_000;
  t = midnightUtc - zoneOffsetMinutes(new Date(t), timeZone) * 60_000;
  return new Date(t).toISOString();
}
