// Money is an integer number of cents (minor units of a 2-decimal currency), always a safe integer.

export function isCents(n: unknown): n is number {
  return Number.isSafeInteger(n);
}

/** Exact sum; throws (programmer error) on a non-cents value or when the sum leaves the safe range. */
export function sumCents(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) {
    if (!isCents(v)) throw new RangeError(`sumCents: not an integer amount of cents: ${v}`);
    sum += v;
    // Any exact sum beyond MAX_SAFE_INTEGER rounds to ≥ 2^53, so this catches every overflow.
    if (!isCents(sum)) throw new RangeError('sumCents: sum exceeds the safe integer range');
  }
  return sum;
}

/** The screens' two languages and the locale each one formats money with. */
export const MONEY_LOCALES = { fr: 'fr-FR', en: 'en-IE' } as const;
export type MoneyLang = keyof typeof MONEY_LOCALES;

const formatters = new Map<string, Intl.NumberFormat>();

/** One Intl formatter per kind of figure and locale tag, made on first use. */
function formatterFor(kind: 'euros' | 'rate', tag: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let f = formatters.get(`${kind} ${tag}`);
  if (!f) {
    f = new Intl.NumberFormat(tag, options);
    formatters.set(`${kind} ${tag}`, f);
  }
  return f;
}

/** An integer count of hundredths as an exact decimal string (-12345 → "-123.45"): handed to Intl, never rounded through a float. */
function hundredths(n: number): `${number}` {
  const abs = Math.abs(n);
  const minor = abs % 100;
  return `${n < 0 ? '-' : ''}${(abs - minor) / 100}.${String(minor).padStart(2, '0')}` as `${number}`;
}

/**
 * THE display of an amount, everywhere (screens, receipts, invoices, messages): integer cents in,
 * euros out, "1 234,56 €" in French. `locale` is a screen language (`fr`, `en`) or any BCP 47 tag.
 * The decimal is handed to Intl as a string, so large amounts are never rounded through a float.
 * `plain`: ordinary spaces instead of Intl's (narrow) no-break spaces, for a printer's code page or
 * a PDF's standard font, which have no such characters.
 */
export function formatEuros(cents: number, locale: MoneyLang | (string & {}) = 'fr', opts: { plain?: boolean } = {}): string {
  if (!isCents(cents)) throw new RangeError(`formatEuros: not an integer amount of cents: ${cents}`);
  const tag = MONEY_LOCALES[locale as MoneyLang] ?? locale;
  const f = formatterFor('euros', tag, { style: 'currency', currency: 'EUR', minimumFractionDigits: 2, maximumFractionDigits: 2 });
  const text = f.format(hundredths(cents));
  return opts.plain ? text.replace(/[\u00a0\u202f]/g, ' ') : text;
}

/**
 * THE display of a rate kept in basis points (VAT rates, percentage discounts), everywhere
 * (screens, receipts, invoices, accounting files): 550 → "5,5 %" in French, "5.5 %" in English,
 * at most 2 decimals, no grouping. `locale` as for formatEuros. The space before % is an ordinary
 * one: a printer's code page and a PDF's standard font have no other.
 */
export function formatRate(bp: number, locale: MoneyLang | (string & {}) = 'fr'): string {
  if (!Number.isSafeInteger(bp)) throw new RangeError(`formatRate: not an integer number of basis points: ${bp}`);
  const tag = MONEY_LOCALES[locale as MoneyLang] ?? locale;
  return `${formatterFor('rate', tag, { maximumFractionDigits: 2, useGrouping: false }).format(hundredths(bp))} %`;
}

/**
 * An amount as a bare decimal with a comma, "-1234,56": no grouping, no currency sign. What a French
 * spreadsheet or an accounting file (FEC) reads as a number, and what an amount field starts with
 * (parseEuros reads it back).
 */
export function formatDecimalEuros(cents: number): string {
  if (!isCents(cents)) throw new RangeError(`formatDecimalEuros: not an integer amount of cents: ${cents}`);
  const abs = Math.abs(cents);
  return `${cents < 0 ? '-' : ''}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

/**
 * THE reading of an amount typed by a person: "12,50", "12.5", "12", "1 234,56 €" → cents;
 * null when it is not a non-negative amount with at most 2 decimals (and at most 9 digits of euros).
 * Spaces (any kind) and a euro sign are ignored; the decimal separator is a comma or a point.
 */
export function parseEuros(text: string): number | null {
  const m = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(text.replace(/[\s\u00a0\u202f€]/g, ''));
  if (!m) return null;
  return Number(m[1]) * 100 + Number((m[2] ?? '0').padEnd(2, '0'));
}
