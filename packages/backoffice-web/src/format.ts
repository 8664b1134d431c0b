// Display helpers. Money stays integer cents until this last step: `formatEuros`/`parseEuros`, and
// rates `formatRate` (`@comptoir/domain/money`), the one set of rules shared with the cashier screen
// and receipts.

export type Lang = 'fr' | 'en';

export function dateTime(iso: string | null | undefined, lang: Lang): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { dateStyle: 'short', timeStyle: 'medium' }).format(new Date(iso));
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
