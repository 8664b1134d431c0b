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

