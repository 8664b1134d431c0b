/// <reference lib="dom" />
import { useEffect, useState } from 'react';
import { dialogOpen } from './keyboard.dialog';
import { useScreen } from './screen.context';

/**
 * A barcode scanner is a keyboard: it types its characters in a burst and presses Enter. While a
 * dialog is open (payment, approval, ticket done, held sales) a scan must never reach the sale:
 * the sale screen's capture is off (see sale.screen.tsx) and the background is inert, and this
 * guard catches the burst inside the dialog itself: at the Enter that ends a burst, the Enter is
 * swallowed (it would confirm the dialog), the characters of the burst are taken back out of the
 * field they landed in, and the cashier reads that the scan was ignored — except in a field made
 * for a scan (`data-scan-target`, e.g. a gift card's reference in the payment dialog): there the
 * scan is what the cashier meant, and its Enter goes on to the field.
 *
 * A burst: at least SCAN_MIN_CHARS printable keys, each within SCAN_MAX_GAP_MS of the one before
 * (a scanner types a character every few ms; a hand, even a fast one, leaves 50 ms and more).
 */
export const SCAN_MIN_CHARS = 6;
export const SCAN_MAX_GAP_MS = 50;

type Burst = { count: number; last: number; field: HTMLInputElement | HTMLTextAreaElement | null; before: string };

/** Puts a React-controlled field back to `value` (the native setter, then the input event React listens to). */
function restoreField(el: HTMLInputElement | HTMLTextAreaElement, value: string): void {
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
  Object.getOwnPropertyDescriptor(proto, 'value')?.set?.call(el, value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

export function DialogScanGuard() {
  const { t } = useScreen();
  const [ignored, setIgnored] = useState<string | null>(null);

  useEffect(() => {
    let burst: Burst = { count: 0, last: 0, field: null, before: '' };
    let code = '';
    const onKey = (e: KeyboardEvent) => {
      if (!dialogOpen()) {
        burst.count = 0;
        return;
      }
      const now = e.timeStamp;
      const printable = e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey;
      if (printable) {
        if (burst.count > 0 && now - burst.last <= SCAN_MAX_GAP_MS) {
          burst.count += 1;
          code += e.key;
        } else {
          const el = document.activeElement;
          const field = el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement ? el : null;
          burst = { count: 1, last: now, field, before: field?.value ?? '' };
          code = e.key;
        }
        burst.last = now;
        return;
      }
      // A field made for a scan (`data-scan-target`: an avoir's or a gift card's reference) keeps it.
      const scanTarget = burst.field?.dataset.scanTarget !== undefined;
      if (e.key === 'Enter' && !scanTarget && burst.count >= SCAN_MIN_CHARS && now - burst.last <= SCAN_MAX_GAP_MS * 4) {
        e.preventDefault();
        e.stopImmediatePropagation();
        if (burst.field && burst.field.isConnected) restoreField(burst.field, burst.before);
        setIgnored(code);
      }
      burst.count = 0;
    };
    // Capture on window: before any field or dialog sees the Enter.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  useEffect(() => {
    if (!ignored) return;
    const timer = setTimeout(() => setIgnored(null), 5000);
    return () => clearTimeout(timer);
  }, [ignored]);

  if (!ignored) return null;
  return (
    <p className="scan-ignored" role="alert" data-testid="scan-ignored">
      {t('scanIgnored', { code: ignored })}
    </p>
  );
}
