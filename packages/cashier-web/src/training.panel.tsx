import { useEffect, useState } from 'react';
import { api } from './api.client';
import { useApproval } from './approval.dialog';
import { errorText } from './i18n.messages';
import { useScreen } from './screen.context';

/**
 * Training mode on the report tab: the mode as the register's status says it, and the switch. A
 * manager signed in switches it at once; a cashier gets the approval dialog (a manager's login and
 * PIN). The banner on top follows the status poll.
 */
export function TrainingPanel() {
  const { t, status } = useScreen();
  const withApproval = useApproval();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The answer of the last switch, until the next status poll says the same.
  const [switched, setSwitched] = useState<boolean | null>(null);
  const training = switched ?? status?.training ?? false;
  useEffect(() => setSwitched(null), [status?.training]);

  async function toggle() {
    setBusy(true);
    try {
      const next = await withApproval((approval) => api.setTraining({ enabled: !training, ...(approval ? { approval } : {}) }));
      setSwitched(next.training);
      setError(null);
    } catch (e) {
      setError(errorText(t, e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="training" data-testid="training" data-training={training}>
      <h2>{t('trainingTitle')}</h2>
      <p className="hint">{t(training ? 'trainingHintOn' : 'trainingHintOff')}</p>
      <button className={training ? 'primary' : 'secondary'} data-testid="training-toggle" disabled={busy} onClick={() => void toggle()}>
        {t(training ? 'trainingStop' : 'trainingStart')}
      </button>
      {error && (
        <p className="error" role="alert" data-testid="training-error">
          {error}
        </p>
      )}
    </section>
  );
}
