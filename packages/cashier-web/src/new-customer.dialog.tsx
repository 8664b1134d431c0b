import { useState, type FormEvent } from 'react';
import type { LocalCustomer } from '@comptoir/protocol';
import { api } from './api.client';
import { errorText } from './i18n.messages';
import { KeyboardDialog } from './keyboard.dialog';
import { useScreen } from './screen.context';

/**
 * "Nouveau client": a customer created at the till (name required, e-mail and phone optional,
 * checked by the register), in the register's copy at once and sent to central by the register.
 * Keyboard: the dialog owns it like the payment dialog (KeyboardDialog; the background is inert, a scan is ignored
 * by DialogScanGuard): focus in the name, Enter creates, Escape cancels. Empty fields are not sent.
 */
export function NewCustomerDialog(props: { onCreated: (c: LocalCustomer) => void; onClose: () => void }) {
  const { t } = useScreen();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const body = { name: name.trim(), ...(email.trim() ? { email: email.trim() } : {}), ...(phone.trim() ? { phone: phone.trim() } : {}) };
      props.onCreated(await api.createCustomer(body));
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  }

  return (
    // Enter is the form's own (its submit creates the customer).
    <KeyboardDialog testId="new-customer-dialog" labelledBy="new-customer-title" onCancel={props.onClose}>
      <form className="modal-card new-customer" noValidate onSubmit={(e) => void submit(e)}>
        <h2 id="new-customer-title">{t('newCustomer')}</h2>
        <label>
          {t('field.name')}
          <input autoFocus required data-testid="new-customer-name" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {t('field.email')} ({t('optional')})
          <input type="email" data-testid="new-customer-email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          {t('field.phone')} ({t('optional')})
          <input type="tel" inputMode="tel" data-testid="new-customer-phone" autoComplete="off" value={phone} onChange={(e) => setPhone(e.target.value)} />
        </label>
        {error && (
          <p className="error" role="alert" data-testid="new-customer-error">
            {error}
          </p>
        )}
        <div className="modal-actions">
          <button type="button" className="secondary" data-testid="new-customer-cancel" onClick={props.onClose}>
            {t('cancel')} ({t('escKey')})
          </button>
          <button type="submit" className="primary" data-testid="new-customer-create" disabled={busy || !name.trim()}>
            {t('createCustomer')} (↵)
          </button>
        </div>
      </form>
    </KeyboardDialog>
  );
}
