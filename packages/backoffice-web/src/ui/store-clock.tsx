import { createContext, useContext, useMemo, type ReactNode } from 'react';
import type { FleetRegister, Store } from '@comptoir/protocol';
import { api } from '../api.client';
import { dateTime, lastContact } from '../format';
import { useI18n } from '../i18n';
import { useLoad } from './common';

// Every instant the back office shows is read on its store's clock (issue 12; format.ts says how).
// The shell loads the user's stores (their `timezone`) and registers (their store) once, and again
// every RELOAD_MS (a store created or moved to another zone meanwhile); each screen then formats
// with `useStoreClock()`, naming the store or the register an instant belongs to.

const RELOAD_MS = 60_000;

interface Zones {
  zoneOfStore: ReadonlyMap<string, string>;
  storeOfRegister: ReadonlyMap<string, string>;
}

const StoreZones = createContext<Zones>({ zoneOfStore: new Map(), storeOfRegister: new Map() });

export function StoreClockProvider({ children }: { children: ReactNode }) {
  const stores = useLoad(() => api<{ items: Store[] }>('GET', '/api/stores'), [], RELOAD_MS);
  const registers = useLoad(() => api<{ items: FleetRegister[] }>('GET', '/api/registers'), [], RELOAD_MS);
  const zones = useMemo<Zones>(
    () => ({
      zoneOfStore: new Map((stores.data?.items ?? []).map((s) => [s.id, s.timezone])),
      storeOfRegister: new Map((registers.data?.items ?? []).map((r) => [r.id, r.storeId])),
    }),
    [stores.data, registers.data],
  );
  return <StoreZones.Provider value={zones}>{children}</StoreZones.Provider>;
}

/** Whose clock an instant is read on: its store, or the register it comes from. */
export interface Of {
  storeId?: string | null | undefined;
  registerId?: string | null | undefined;
}

export interface StoreClock {
  /** The zone of the store (of the register); with neither, the zone all the user's stores share, if one. */
  zoneOf(of?: Of): string | undefined;
  dateTime(iso: string | null | undefined, of?: Of): string;
  lastContact(iso: string | null | undefined, of?: Of): string | null;
}

export function useStoreClock(): StoreClock {
  const { lang } = useI18n();
  const { zoneOfStore, storeOfRegister } = useContext(StoreZones);
  return useMemo(() => {
    const shared = new Set(zoneOfStore.values());
    const zoneOf = (of: Of = {}) => {
      const storeId = of.storeId ?? (of.registerId ? storeOfRegister.get(of.registerId) : undefined);
      if (storeId) return zoneOfStore.get(storeId);
      return shared.size === 1 ? [...shared][0] : undefined;
    };
    return {
      zoneOf,
      dateTime: (iso, of) => dateTime(iso, lang, { zone: zoneOf(of) }),
      lastContact: (iso, of) => lastContact(iso, lang, { zone: zoneOf(of) }),
    };
  }, [lang, zoneOfStore, storeOfRegister]);
}
