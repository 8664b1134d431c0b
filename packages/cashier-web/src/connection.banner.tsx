import { errorText, hasMessage } from './i18n.messages';
import { formatTime } from './money.format';
import { useScreen } from './screen.context';

/**
 * Always visible: the link mode as the register agent reports it (polled every second), and how
 * many records wait to reach the central server. The cashier reads a mode, never a network error.
 */
export function ConnectionBanner() {
  const { t, lang, status } = useScreen();
  let mode = 'down';
  let text = t('agentDown');
  if (status && !status.enrolled) {
    mode = 'autonomous';
    text = t('notEnrolled');
  } else if (status?.mode === 'connected') {
    mode = 'connected';
    text = t('connected');
  } else if (status?.mode === 'autonomous') {
    mode = 'autonomous';
    text = status.autonomousSince ? t('autonomousSince', { time: formatTime(status.autonomousSince, lang, status.storeTimezone) }) : t('autonomous');
  } else if (status?.mode === 'reintegrating') {
    mode = 'reintegrating';
    text = t('reintegrating', { done: status.reintegration?.done ?? 0, total: status.reintegration?.total ?? status.pendingRecords });
  }
  const pending = status?.pendingRecords ?? 0;
  const refusal = status?.centralRefusal ?? null;
  // Why central refuses this till, from its code: the banner's own words for a revoked or outdated
  // till, else the shared error sentence (never the server's English message in French).
  const refusalText = (r: { code: string; message: string }) => {
    const key = `refusal.${r.code}`;
    return hasMessage(key) ? t(key) : errorText(t, r);
  };
  return (
    <>
    {status?.training && (
      <div className="banner banner-training" role="status" data-testid="training-banner">
        {t('trainingBanner')}
      </div>
    )}
    <div className={`banner banner-${mode}`} role="status" aria-live="polite">
      <span className="banner-dot" aria-hidden="true" />
      <span data-testid="connection-mode" data-mode={status?.mode ?? 'down'}>{text}</span>
      <span data-testid="pending-count" data-count={pending} className={pending > 0 ? 'pending pending-some' : 'pending'}>
        {t('pending', { n: pending })}
      </span>
    </div>
    {refusal && (
      // A strip of its own under the top bar (styles.css): the sentence is long, the bar is not.
      <div data-testid="central-refusal" data-code={refusal.code} className="banner-refusal" role="status">
        {t('centralRefusal', { message: refusalText(refusal) })}
      </div>
    )}
    </>
  );
}
