// Display helpers. Money stays integer cents until this last step: `formatEuros`/`parseEuros`, and
// rates `formatRate` (`@comptoir/domain/money`), the one set of rules shared with the cashier screen
// and receipts.

import { dayStartIn as zonedDayStart, wallClock, zoneOffsetMinutes } from '@comptoir/domain/business-day';

export type Lang = 'fr' | 'en';

// ---- instants, on the store's clocks (issue 12) ----
// A back office in Paris may look at a store in Martinique: every instant of a store's documents,
// closures, stock, heartbeats is shown in THAT store's time zone (`Store.timezone`), as its tills and
// receipts show it, and carries its UTC offset ("22:45 (UTC−4)") whenever that differs from the
// browser's at that instant, so a time is never read on the wrong clock. No zone known (the stores
// not loaded yet, or a zone this browser does not know): the browser's, without a suffix.

/** The browser's own IANA time zone. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function knownZone(zone: string | null | undefined): zone is string {
  if (!zone) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

// Minutes a zone is ahead of UTC at an instant: the domain's, shared with central's day filters.
export { zoneOffsetMinutes };

/** "UTC−4", "UTC+5:30", "UTC" (a true minus sign, as French typography and Intl write it). */
export function offsetLabel(minutes: number): string {
  if (minutes === 0) return 'UTC';
  const abs = Math.abs(minutes);
  const hm = abs % 60 === 0 ? String(abs / 60) : `${Math.floor(abs / 60)}:${String(abs % 60).padStart(2, '0')}`;
  return `UTC${minutes < 0 ? '\u2212' : '+'}${hm}`;
}

/** The calendar day (YYYY-MM-DD) of instant `d` in `zone`. */
export function dayIn(d: Date, zone: string): string {
  const w = wallClock(d, knownZone(zone) ? zone : browserTimeZone());
  return `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/** The instant (ISO) local midnight of `day` (YYYY-MM-DD) starts in `zone` (unknown: the browser's), `days` later. */
export function dayStartIn(day: string, zone: string | null | undefined, days = 0): string {
  return zonedDayStart(day, knownZone(zone) ? zone : browserTimeZone(), days);
}

export interface Clock {
  /** The store's IANA zone; null/undefined/unknown: the browser's. */
  zone?: string | null | undefined;
  /** The browser's zone (given by tests; the real one otherwise). */
  here?: string;
}

/** Formats instant `d` with `options` in the store's zone, plus " (UTC−4)" when the browser's offset differs then. */
function onStoreClock(d: Date, lang: Lang, options: Intl.DateTimeFormatOptions, clock: Clock): string {
  const here = clock.here ?? browserTimeZone();
  const zone = knownZone(clock.zone) ? clock.zone : here;
  const text = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { ...options, timeZone: zone }).format(d);
  const offset = zoneOffsetMinutes(d, zone);
  return offset === zoneOffsetMinutes(d, here) ? text : `${text} (${offsetLabel(offset)})`;
}

/** An instant as date and time on the store's clock: "03/12/2026 17:45:12 (UTC−4)"; '—' for none. */
export function dateTime(iso: string | null | undefined, lang: Lang, clock: Clock = {}): string {
  if (!iso) return '—';
  return onStoreClock(new Date(iso), lang, { dateStyle: 'short', timeStyle: 'medium' }, clock);
}

/** When a register was last heard from, on its store's clock: "22:45" that store's today, "01/12/2026 22:45" before. */
export function lastContact(iso: string | null | undefined, lang: Lang, clock: Clock = {}, now = new Date()): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  const zone = knownZone(clock.zone) ? clock.zone : (clock.here ?? browserTimeZone());
  const sameDay = dayIn(d, zone) === dayIn(now, zone);
  return onStoreClock(d, lang, sameDay ? { timeStyle: 'short' } : { dateStyle: 'short', timeStyle: 'short' }, clock);
}

export function duration(ms: number | null | undefined, lang: Lang): string {
  if (ms === null || ms === undefined) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return lang === 'fr' ? `${s} s` : `${s}s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  const h = Math.round(m / 60);
  if (h < 48) return `${h} h`;
  return lang === 'fr' ? `${Math.round(h / 24)} j` : `${Math.round(h / 24)} d`;
}


/**
 * A calendar day as typed in the back office, DD/MM/YYYY (the French and the British order alike),
 * to ISO YYYY-MM-DD; '' for an empty field, null for anything else (including 31/02/2026).
 */
export function dayToIso(text: string): string | null {
  const s = text.trim();
  if (s === '') return '';
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  if (!m) return null;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return `${m[3]}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** ISO YYYY-MM-DD as DD/MM/YYYY ('' stays ''). */
export function isoToDay(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}
