import { createContext, useContext } from 'react';
import type { RegisterStatus } from '@comptoir/protocol';
import type { Lang, Translate } from './i18n.messages';

/** What every part of the screen reads: language, link status, the signed-in cashier. */
export type Session = { token: string; cashierId: string; displayName: string; login: string };

export type Screen = {
  lang: Lang;
  t: Translate;
  /** null while the local agent does not answer. */
  status: RegisterStatus | null;
  session: Session | null;
};

export const ScreenContext = createContext<Screen | null>(null);

export function useScreen(): Screen {
  const s = useContext(ScreenContext);
  if (!s) throw new Error('useScreen outside ScreenContext');
  return s;
}
