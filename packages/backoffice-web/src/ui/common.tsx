import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { errorText as sharedErrorText } from '@comptoir/protocol/i18n';
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
  const reload = useCallback(async () => {
    try {
      setData(await loadRef.current());
      setError(null);
    } catch (e) {
      setError(errorText(tRef.current, e));
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
