import { createContext, useContext } from 'react';
import { translator, type Lang, type Translate } from '@comptoir/protocol/i18n';
import { MESSAGES, type MessageKey } from './i18n.messages';

export type { MessageKey };
export type T = Translate<MessageKey>;

// French by default, English available. Every visible string comes from i18n.messages.ts.
export function translatorFor(lang: Lang): T {
  return translator(MESSAGES, lang);
}

export const I18n = createContext<{ lang: Lang; t: T }>({ lang: 'fr', t: translatorFor('fr') });
export function useI18n(): { lang: Lang; t: T } {
  return useContext(I18n);
}

/** "price_differs:SKU1" → "Prix différent du prix central (SKU1)". */
export function anomalyText(t: T, a: string): string {
  const [kind, arg] = a.split(':', 2);
  const key = `anomaly.${kind ?? ''}`;
  const text = t.has(key) ? t(key as MessageKey) : (kind ?? a);
  return arg ? `${text} (${arg})` : text;
}
