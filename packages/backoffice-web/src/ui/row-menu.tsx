import type { ReactNode, Ref } from 'react';
import * as Menu from '@radix-ui/react-dropdown-menu';

// A table row's actions behind one menu button, so every row fits at 1024 px (issue 12 §2).
// The WAI-ARIA menu button pattern comes from Radix's DropdownMenu (aria-haspopup="menu",
// aria-expanded, arrow keys and typeahead, Escape or a click outside closes and gives focus back to
// the button). The menu is drawn in a portal beside <body> and kept inside the viewport, so a table
// that scrolls inside its card never clips it.

// An action that opens a confirmation (role="alertdialog") moves the focus into it; the menu, closing
// just after, must not take it back to its button (Radix focuses the button on close by default). The
// confirmation gives it back when it closes (`triggerRef`, fleet.screen.tsx).

/** Whether the focus is in a dialog (a confirmation an action just opened). */
function focusInDialog(): boolean {
  return Boolean(document.activeElement?.closest('[role="alertdialog"], [role="dialog"]'));
}

export function RowMenu({ label, testId, children, triggerRef }: { label: string; testId: string; children: ReactNode; triggerRef?: Ref<HTMLButtonElement> }) {
  return (
    <Menu.Root modal={false}>
      <Menu.Trigger ref={triggerRef} className="row-menu-button" aria-label={label} title={label} data-testid={testId}>
        <span aria-hidden="true">⋯</span>
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content
          className="row-menu"
          aria-label={label}
          data-testid={`${testId}-items`}
          align="end"
          sideOffset={4}
          collisionPadding={8}
          onCloseAutoFocus={(e) => {
            if (focusInDialog()) e.preventDefault();
          }}
        >
          {children}
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}

/** One action of a row menu: runs on click, Enter or Space, then the menu closes. */
export function RowAction({ testId, danger, onSelect, children }: { testId: string; danger?: boolean; onSelect(): void; children: ReactNode }) {
  return (
    <Menu.Item className={danger ? 'row-action danger' : 'row-action'} data-testid={testId} onSelect={onSelect}>
      {children}
    </Menu.Item>
  );
}

/**
 * A table that scrolls sideways inside its card (never the page, never under the sidebar). The
 * region is named and focusable so a keyboard user can scroll it too (axe: scrollable-region-focusable).
 */
export function TableScroll({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="table-wrap" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}
