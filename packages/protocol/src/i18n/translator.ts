// The one i18n system of both screens (cashier and back office): flat, stable keys
// (`'fleet.title'`, `'err.VALIDATION'`), `{name}` placeholders filled by `t(key, vars)`, one
// catalogue per language. French is the default; English is available. Every key exists in both
// languages: the types say so, and `catalogueProblems` (run by each app's unit test) checks it at
// run time with the placeholders.
//
// Browser-safe: no Node built-in.

export type Lang = 'fr' | 'en';
export const LANGS: readonly Lang[] = ['fr', 'en'];

export type Vars = Record<string, string | number>;

/** `t('key', {n: 3})`; also says its language and whether a key exists (for keys built at run time). */
export interface Translate<K extends string = string> {
  (key: K, vars?: Vars): string;
  readonly lang: Lang;
  has(key: string): boolean;
}

export type Catalogue<K extends string> = Record<Lang, Record<K, string>>;

export function translator<K extends string>(catalogue: Catalogue<K>, lang: Lang): Translate<K> {
  const m = catalogue[lang];
  const t = (key: K, vars?: Vars) => fill(m[key] ?? key, vars);
  return Object.assign(t, { lang, has: (key: string) => Object.prototype.hasOwnProperty.call(m, key) });
}

export function fill(text: string, vars?: Vars): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars?.[k] ?? ''));
}

function placeholders(text: string): string {
  return [...text.matchAll(/\{(\w+)\}/g)].map((x) => x[1]).sort().join(',');
}

/** Every key missing, empty or with other placeholders in one language: `[]` for a sound catalogue. */
export function catalogueProblems(catalogue: Record<string, Record<string, string>>): string[] {
  const problems: string[] = [];
  const keys = new Set(LANGS.flatMap((l) => Object.keys(catalogue[l] ?? {})));
  for (const key of keys) {
    const texts = LANGS.map((l) => catalogue[l]?.[key]);
    LANGS.forEach((l, i) => {
      const text = texts[i];
      if (text === undefined) problems.push(`${l}: missing ${key}`);
      else if (text.trim() === '') problems.push(`${l}: empty ${key}`);
    });
    const shapes = new Set(texts.filter((x): x is string => x !== undefined).map(placeholders));
    if (shapes.size > 1) problems.push(`placeholders differ for ${key}`);
  }
  return problems;
}
