import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { FleetResponse, FleetView } from '@comptoir/protocol';
import { api } from '../api.client';
import { useI18n } from '../i18n';
import { useLoad } from './common';
import { useStoreClock } from './store-clock';

// An honest back office during outages (issue 12 §6). While a register of the user's stores is out
// of touch with central (enrolled, and silent or not online by central's clock), its sales since then
// are not here yet: every page says so in one banner, and figures that depend on that store are
// marked as possibly incomplete. Invariant: the list comes from central's own fleet view (already
// confined to the user's stores), polled every POLL_MS; a failed poll keeps the last list shown.

const POLL_MS = 5000;

export interface OutOfTouch {
  id: string;
  name: string;
  storeId: string;
  lastSeenAt: string | null;
  pendingRecords: number;
}

const Outage = createContext<OutOfTouch[]>([]);

/** Registers out of touch, of one store or of all the user's stores. */
export function useOutOfTouch(storeId?: string): OutOfTouch[] {
  const all = useContext(Outage);
  return storeId === undefined ? all : all.filter((r) => r.storeId === storeId);
}

export function isOutOfTouch(r: Pick<FleetView, 'enrolled' | 'silent' | 'online'>): boolean {
  return r.enrolled && (r.silent || !r.online);
}

/** Polls the fleet for the whole shell and shows the banner above every screen. */
export function OutageWatch({ children }: { children: ReactNode }) {
  const fleet = useLoad(() => api<FleetResponse>('GET', '/api/fleet'), [], POLL_MS);
  const items = fleet.data?.items;
  const out = useMemo(
    () =>
      (items ?? [])
        .filter(isOutOfTouch)
        .map((r) => ({ id: r.id, name: r.name, storeId: r.storeId, lastSeenAt: r.lastSeenAt, pendingRecords: r.pendingRecords })),
    [items],
  );
  return (
    <Outage.Provider value={out}>
      <OutageBanner out={out} />
      {children}
    </Outage.Provider>
  );
}

function OutageBanner({ out }: { out: OutOfTouch[] }) {
  const { t } = useI18n();
  const clock = useStoreClock();
  if (out.length === 0) return null;
  return (
    <div className="notice warn outage-banner" role="status" data-testid="outage-banner">
      {out.map((r) => (
        <div key={r.id} data-testid={`outage-${r.id}`}>
          {r.lastSeenAt ? t('outage.line', { register: r.name, since: clock.lastContact(r.lastSeenAt, r) ?? '' }) : t('outage.lineNever', { register: r.name })}
        </div>
      ))}
    </div>
  );
}

/**
 * "inconnu (dernier connu : 3)": a pending count central cannot know while the register is silent.
 * Below it, the customers created at the till still to be sent (their own queue, not records), when
 * the register reports them (releases before it do not: nothing is shown).
 */
export function PendingCount({ r }: { r: Pick<FleetView, 'enrolled' | 'silent' | 'online' | 'pendingRecords' | 'pendingCustomers'> }) {
  const { t } = useI18n();
  const stale = isOutOfTouch(r);
  const customers = r.pendingCustomers ?? 0;
  return (
    <>
      {stale ? t('outage.pendingUnknown', { last: r.pendingRecords }) : r.pendingRecords}
      {customers > 0 && (
        <div className="small" data-testid="pending-customers">
          {stale ? t('outage.pendingCustomersUnknown', { last: customers }) : t('outage.pendingCustomers', { n: customers })}
        </div>
      )}
    </>
  );
}
