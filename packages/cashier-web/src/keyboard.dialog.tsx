/// <reference lib="dom" />
import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

/**
 * The one modal wrapper of the cashier screen: a dialog that owns the keyboard while it is open.
 * - `role="dialog"` + `aria-modal`: named by `label` (aria-label) or `labelledBy` (an id in it).
 * - Escape calls `onCancel` (the dialog decides whether it may close now, e.g. not while posting).
 * - Enter, anywhere but on a button (a focused button keeps its own Enter: it clicks), calls
 *   `onEnter` when given; without it Enter is left to the dialog's own form (its submit).
 * - A mousedown beside the card (on the backdrop) keeps the focus where it was, so the keyboard
 *   stays the dialog's.
 * - Focus: on open it is in the dialog (the child's `autoFocus` field or button; without one, its
 *   first button or field, else the dialog itself); on close it goes back to what had it before
 *   the dialog opened (the button that opened it), unless the caller put it elsewhere (e.g. the search).
 * - While any such dialog is in the page (`dialogOpen()`), the sale screen's scan capture and the app's
 *   shortcuts stand aside, and DialogScanGuard swallows a scan typed into the dialog; the app makes
 *   the screen behind it inert.
 */
export function dialogOpen(): boolean {
  return document.querySelector('[role="dialog"]') !== null;
}

export function KeyboardDialog(props: {
  testId: string;
  label?: string;
  labelledBy?: string;
  /** More classes beside `modal` (e.g. `approval`, drawn above another dialog). */
  className?: string;
  onCancel: () => void;
  onEnter?: () => void;
  children: ReactNode;
}) {
  // What had the focus before the dialog opened: read at the first render, before the dialog's
  // autoFocus takes it (the commit), so the focus can go back to it on close.
  const [opener] = useState(() => document.activeElement);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.contains(document.activeElement)) {
      const first = dialog.querySelector<HTMLElement>('[autofocus], input:not([disabled]), button:not([disabled]), select, textarea');
      (first ?? dialog).focus();
    }
    return () => {
      // Closed: the focus was in the dialog (gone now, so on the body) → back to the opener if it is
      // still in the page; an element the caller focused (or a next dialog's autoFocus) keeps it.
      const now = document.activeElement;
      if ((now === null || now === document.body) && opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, [opener]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'Escape') {
      e.preventDefault();
      props.onCancel();
    } else if (e.key === 'Enter' && props.onEnter && !(e.target instanceof HTMLButtonElement)) {
      e.preventDefault();
      props.onEnter();
    }
  }
  return (
    <div
      className={props.className ? `modal ${props.className}` : 'modal'}
      role="dialog"
      aria-modal="true"
      aria-label={props.label}
      aria-labelledby={props.labelledBy}
      data-testid={props.testId}
      ref={ref}
      tabIndex={-1}
      onKeyDown={onKeyDown}
      onMouseDown={(e) => e.target === e.currentTarget && e.preventDefault()}
    >
      {props.children}
    </div>
  );
}
