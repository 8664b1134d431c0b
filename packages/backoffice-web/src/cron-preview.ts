import cronstrue from 'cronstrue/i18n';
import type { Lang } from './format';

/**
 * Plain-language reading of a cron expression (5 fields, or 6 with seconds), e.g.
 * "0 0 6 * * *" → "Tous les jours à 06:00". cronstrue omits "every day" when no day field is set;
 * we say it, since that is what a shop owner needs to read. null when the expression is invalid.
 */
export function cronPreview(expression: string, lang: Lang): string | null {
  const expr = expression.trim();
  if (!expr) return null;
  const fields = expr.split(/\s+/);
  if (fields.length < 5 || fields.length > 6) return null;
  let text: string;
  try {
    text = cronstrue.toString(expr, { locale: lang, use24HourTimeFormat: true, throwExceptionOnParseError: true, verbose: false });
  } catch {
    return null;
  }
  const days = fields.slice(-3);
  const everyDay = days.every((f) => f === '*' || f === '?');
  const hours = fields[fields.length - 4]!;
  const fixedTime = /^\d+(,\d+)*$/.test(hours);
  if (everyDay && fixedTime) {
    const lower = text.charAt(0).toLowerCase() + text.slice(1);
    return lang === 'fr' ? `Tous les jours ${lower}` : `Every day ${lower}`;
  }
  return text;
}
