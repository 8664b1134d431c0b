/// <reference lib="dom" />
// Dates and times on screen. Money and rates are formatted by `@comptoir/domain/money`
// (formatEuros, parseEuros, formatRate), the one set of rules shared with the back office, receipts
// and invoices.

/** Hours and minutes; `timeZone` is the store's (from the register's status), else the screen's own. */
export function formatTime(iso: string, lang: 'fr' | 'en' = 'fr', timeZone?: string | null): string {
  return new Date(iso).toLocaleTimeString(lang === 'fr' ? 'fr-FR' : 'en-GB', { hour: '2-digit', minute: '2-digit', ...(timeZone ? { timeZone } : {}) });
}

/** Date and time; `timeZone` is the store's (receipts, register status), else the screen's own. */
export function formatDateTime(iso: string, lang: 'fr' | 'en' = 'fr', timeZone?: string | null): string {
  return new Date(iso).toLocaleString(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    ...(timeZone ? { timeZone } : {}),
    year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  });
}

/** A store-local period (YYYY-MM-DD, YYYY-MM or YYYY) as the cashier reads it: 28/11/2026, 11/2026, 2026. */
export function formatPeriodKey(key: string): string {
  return key.split('-').reverse().join('/');
}

/** Today's date in the store's time zone (else the screen's), as YYYY-MM-DD. */
export function todayIn(timeZone?: string | null): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', ...(timeZone ? { timeZone } : {}) }).format(new Date());
}
