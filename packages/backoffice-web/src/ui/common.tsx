import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { errorText as sharedErrorText } from '@comptoir/protocol/i18n';
import { dayToIso, isoToDay } from '../format';
import { useI18n, type T } from '../i18n';

/** Loads `load()` on mount and when `deps` change; `every` (ms) re-polls while mounted (live views). */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[], every?: number) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { t } = useI18n();
  const loadRef = useRef(load);
  loadRef.current = load;
  const tRef = useRef(t);
  tRef.current = t;
  // Only the latest request's answer is shown: two loads in flight (a change of filter, then a reload
  // after a write) may answer out of order, and the older one must not overwrite the newer.
  const latest = useRef(0);
  const reload = useCallback(async () => {
    const mine = ++latest.current;
    try {
      const next = await loadRef.current();
      if (mine !== latest.current) return;
      setData(next);
      setError(null);
    } catch (e) {
      if (mine === latest.current) setError(errorText(tRef.current, e));
    }
  }, []);
  useEffect(() => {
    let stop = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await reload();
      if (!stop && every) timer = setTimeout(tick, every);
    };
    void tick();
    return () => {
      stop = true;
      if (timer) clearTimeout(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);
  return { data, error, reload, setData };
}

/** A refusal in the reader's language: its code's sentence and the fields it names (never raw). */
export function errorText(t: T, e: unknown): string {
  return sharedErrorText(t, e);
}

export function ErrorLine({ error }: { error: string | null | undefined }) {
  return error ? (
    <p className="error" role="alert" data-testid="error">
      {error}
    </p>
  ) : null;
}

export function Pager({ offset, limit, total, onChange }: { offset: number; limit: number; total: number; onChange(o: number): void }) {
  const { t } = useI18n();
  return (
    <div className="pager">
      <button disabled={offset === 0} onClick={() => onChange(Math.max(0, offset - limit))}>
        {t('docs.prev_page')}
      </button>
      <span>
        {total === 0 ? 0 : offset + 1}–{Math.min(total, offset + limit)} / {total}
      </span>
      <button disabled={offset + limit >= total} onClick={() => onChange(offset + limit)}>
        {t('docs.next_page')}
      </button>
    </div>
  );
}

/**
 * Pages of a keyset-paginated list (`nextCursor`): "Suivant" asks for the page after the last row,
 * "Précédent" goes back to a cursor already seen. `total` is shown as "plus de N" when the server
 * stopped counting (`totalExact` false).
 */
export function CursorPager({ page, limit, shown, total, totalExact, nextCursor, onPrev, onNext }: {
  page: number;
  limit: number;
  shown: number;
  total: number;
  totalExact: boolean;
  nextCursor: string | null;
  onPrev(): void;
  onNext(cursor: string): void;
}) {
  const { t, lang } = useI18n();
  const first = page * limit;
  const count = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB').format(total);
  return (
    <div className="pager" data-testid="pager">
      <button disabled={page === 0} onClick={onPrev}>
        {t('docs.prev_page')}
      </button>
      <span data-testid="pager-range" title={totalExact ? undefined : t('docs.totalBounded', { n: count })}>
        {shown === 0 ? 0 : first + 1}–{first + shown} / {totalExact ? count : t('docs.moreThan', { n: count })}
      </span>
      <button disabled={nextCursor === null} onClick={() => nextCursor !== null && onNext(nextCursor)}>
        {t('docs.next_page')}
      </button>
    </div>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="card">
      <header className="card-head">
        <h2>{title}</h2>
        <div className="actions">{actions}</div>
      </header>
      {children}
    </section>
  );
}

/** Navigation without reloading the page (the server answers index.html for any app path). */
export function navigate(path: string): void {
  window.history.pushState(null, '', path);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function Link({ to, children, testId }: { to: string; children: ReactNode; testId?: string }) {
  return (
    <a
      href={to}
      data-testid={testId}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey) return;
        e.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

/**
 * A time of day typed as 24-hour "HH:MM" (a text field, not `<input type="time">`, whose display
 * follows the browser's locale — "05:00 AM" in an English browser — rather than the app's language).
 */
export const TIME_FIELD = { inputMode: 'numeric', pattern: '([01][0-9]|2[0-3]):[0-5][0-9]', placeholder: 'hh:mm', maxLength: 5, size: 6, autoComplete: 'off' } as const;

/**
 * A calendar day typed as DD/MM/YYYY and handed on as ISO YYYY-MM-DD ('' when emptied). Not
 * `<input type="date">`: its display follows the browser's locale (12/03/2026 for 3 December in an
 * American browser), not the app's language. A partly typed or impossible day is marked invalid and
 * not handed on.
 */
export function DayInput({ value, onChange, label, testId }: { value: string; onChange(iso: string): void; label: string; testId?: string }) {
  const { t } = useI18n();
  const [text, setText] = useState(() => isoToDay(value));
  useEffect(() => {
    setText((typed) => (dayToIso(typed) === value ? typed : isoToDay(value)));
  }, [value]);
  const iso = dayToIso(text);
  return (
    <input
      type="text"
      inputMode="numeric"
      autoComplete="off"
      size={10}
      maxLength={10}
      aria-label={label}
      placeholder={t('dayInput.placeholder')}
      aria-invalid={iso === null || undefined}
      data-testid={testId}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        const next = dayToIso(e.target.value);
        if (next !== null) onChange(next);
      }}
    />
  );
}
