import { createContext, useCallback, useContext, useRef, useState, type ReactNode } from 'react';
import type { Approval } from '@comptoir/protocol';
import { ApiError } from './api.client';
import { errorText, hasMessage } from './i18n.messages';
import { KeyboardDialog } from './keyboard.dialog';
import { useScreen } from './screen.context';

/**
 * A manager's approval at the till. `useApproval()` gives `withApproval(run)`: it calls
 * `run(undefined)`; when the register answers 403 APPROVAL_REQUIRED it asks for a manager's login
 * and PIN in a dialog and calls `run(approval)` again — as many times as needed (a wrong PIN keeps
 * the dialog open with the reason; 429 says how long the login is locked). Cancel rejects with
 * code APPROVAL_CANCELLED. Any other error passes through. Usage:
 *
 *   const withApproval = useApproval();
 *   const sale = await withApproval((approval) => api.sell({ ...req, ...(approval ? { approval } : {}) }));
 */
type WithApproval = <T>(run: (approval: Approval | undefined) => Promise<T>) => Promise<T>;

const ApprovalContext = createContext<WithApproval | null>(null);

export function useApproval(): WithApproval {
  const fn = useContext(ApprovalContext);
  if (!fn) throw new Error('useApproval outside ApprovalProvider');
  return fn;
}

type Pending = { reasons: string[]; error: string | null; resolve: (a: Approval | null) => void };

const isApprovalRequired = (e: unknown): e is ApiError => e instanceof ApiError && e.code === 'APPROVAL_REQUIRED';

export function ApprovalProvider(props: { children: ReactNode }) {
  const { t } = useScreen();
  const [pending, setPending] = useState<Pending | null>(null);
  const tRef = useRef(t);
  tRef.current = t;

  const ask = (reasons: string[], error: string | null) =>
    new Promise<Approval | null>((resolve) => setPending({ reasons, error, resolve }));

  const withApproval = useCallback<WithApproval>(async (run) => {
    try {
      return await run(undefined);
    } catch (first) {
      if (!isApprovalRequired(first)) throw first;
      const reasons = Array.isArray(first.details?.reasons) ? (first.details.reasons as string[]) : [];
      let error: string | null = null;
      for (;;) {
        const approval = await ask(reasons, error);
        if (!approval) {
          setPending(null);
          throw new ApiError(403, 'APPROVAL_CANCELLED', 'cancelled');
        }
        try {
          const out = await run(approval);
          setPending(null);
          return out;
        } catch (e) {
          if (!isApprovalRequired(e) && !(e instanceof ApiError && e.code === 'TOO_MANY_ATTEMPTS')) {
            setPending(null);
            throw e;
          }
          const reason = isApprovalRequired(e) ? (e.details?.reason as string | undefined) : undefined;
          error =
            reason === 'not_a_manager'
              ? tRef.current('approvalNotManager')
              : reason === 'invalid_approval'
                ? tRef.current('err.INVALID_CREDENTIALS')
                : errorText(tRef.current, e);
        }
      }
    }
  }, []);

  return (
    <ApprovalContext.Provider value={withApproval}>
      {props.children}
      {pending && <ApprovalDialog key={pending.error ?? ''} pending={pending} />}
    </ApprovalContext.Provider>
  );
}

function ApprovalDialog({ pending }: { pending: Pending }) {
  const { t } = useScreen();
  const [login, setLogin] = useState('');
  const [pin, setPin] = useState('');
  const [busy, setBusy] = useState(false);
  const reasons = pending.reasons.map((r) => {
    const key = `approvalReason.${r}`;
    return hasMessage(key) ? t(key) : r;
  });
  return (
    // Above any other dialog (class approval); Escape cancels as the cancel button does, Enter is the form's.
    <KeyboardDialog testId="approval-dialog" className="approval" label={t('approvalTitle')} onCancel={() => pending.resolve(null)}>
      <form
        className="modal-card approval-card"
        onSubmit={(e) => {
          e.preventDefault();
          if (!login || !pin || busy) return;
          setBusy(true);
          pending.resolve({ login, pin });
        }}
      >
        <h2>{t('approvalTitle')}</h2>
        <p data-testid="approval-reasons">{t('approvalNeeded', { reasons: reasons.join(', ') })}</p>
        <label>
          {t('approvalLogin')}
          <input data-testid="approval-login" autoFocus autoComplete="off" value={login} onChange={(e) => setLogin(e.target.value)} />
        </label>
        <label>
          {t('pin')}
          <input
            data-testid="approval-pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, '').slice(0, 8))}
          />
        </label>
        {pending.error && (
          <p className="error" role="alert" data-testid="approval-error">
            {pending.error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="secondary" data-testid="approval-cancel" onClick={() => pending.resolve(null)}>
            {t('cancel')}
          </button>
          <button type="submit" className="primary" data-testid="approval-confirm" disabled={busy || !login || !pin}>
            {t('approvalConfirm')}
          </button>
        </div>
      </form>
    </KeyboardDialog>
  );
}
