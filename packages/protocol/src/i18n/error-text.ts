// A refusal as a person reads it, in their language: the sentence of its coded error (errors.ts),
// then the fields a validation error names, by their labels. The server's own message (English)
// is added in English only, so French mode never shows a raw code or English text.
import type { SharedMessageKey } from './shared.messages';
import type { Translate } from './translator';

type Failure = { code?: unknown; message?: unknown; details?: Record<string, unknown> };

export function errorText(t: Translate<SharedMessageKey>, e: unknown): string {
  // fetch() rejects with a TypeError when the server cannot be reached at all (the API client
  // turns that into ApiError UNREACHABLE, or the code it was given).
  if (e instanceof TypeError) return t('err.NETWORK');
  const f = (typeof e === 'object' && e !== null ? e : {}) as Failure;
  const code = typeof f.code === 'string' ? f.code : '';
  const retry = f.details?.['retryAfterSeconds'];
  let sentence: string;
  if (code && t.has(`err.${code}`)) sentence = t(`err.${code}` as SharedMessageKey, { retry: typeof retry === 'number' ? retry : '…' });
  else if (/^HTTP_\d+$/.test(code)) sentence = t('err.HTTP', { status: code.slice(5) });
  else sentence = t('err.unknown');
  const reason = f.details?.['reason'];
  if (typeof reason === 'string' && t.has(`reason.${reason}`)) return t('err.because', { error: sentence, reason: t(`reason.${reason}` as SharedMessageKey) });
  const fields = fieldsOf(t, f.details);
  if (fields.length > 0) return t('err.fields', { error: sentence, fields: fields.join(', ') });
  const message = typeof f.message === 'string' ? f.message.trim() : '';
  return t.lang === 'en' && message && message !== sentence ? `${sentence} (${message})` : sentence;
}

/** `lines.0.priceCents` → "« Prix »"; a field without a label keeps its name. */
export function fieldLabel(t: Translate<SharedMessageKey>, path: string): string {
  const word = path.split('.').filter((p) => p !== '' && !/^\d+$/.test(p)).pop() ?? path;
  const key = `field.${word}`;
  return t('err.field', { field: t.has(key) ? t(key as SharedMessageKey) : word });
}

function fieldsOf(t: Translate<SharedMessageKey>, details: Record<string, unknown> | undefined): string[] {
  const paths: string[] = [];
  const issues = details?.['issues'];
  if (Array.isArray(issues)) for (const i of issues) if (typeof (i as { path?: unknown })?.path === 'string') paths.push((i as { path: string }).path);
  const missing = details?.['missing'];
  if (Array.isArray(missing)) for (const m of missing) if (typeof m === 'string') paths.push(m);
  return [...new Set(paths.filter((p) => p !== '').map((p) => fieldLabel(t, p)))];
}
