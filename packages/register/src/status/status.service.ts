import type { RegisterStatus } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { businessDay } from '@comptoir/domain';
import { trainingEnabled } from '../training/training.service';
import { waitingTillCustomerCount } from '../customers/till-customer.service';

/** What the link side knows (absent when the register is not enrolled: no link at all). */
export interface LinkState {
  mode: RegisterStatus['mode'];
  autonomousSince: string | null;
  lastContactAt: string | null;
  reintegration: RegisterStatus['reintegration'];
  blockedChains: RegisterStatus['blockedChains'];
  centralRefusal?: RegisterStatus['centralRefusal'];
}

type MetaRow = {
  change_version: number;
  last_copy_at: string | null;
  last_copy_kind: RegisterStatus['lastSosCopyKind'];
  last_copy_checksum: string | null;
  sos_schedule: string;
};

export function readStatus(ctx: RegisterContext, link: LinkState | null): RegisterStatus {
  const meta = ctx.sqlite
    .prepare('SELECT change_version, last_copy_at, last_copy_kind, last_copy_checksum, sos_schedule FROM register_meta WHERE id = 1')
    .get() as MetaRow;
  const store = ctx.sqlite.prepare('SELECT timezone, business_day_cutoff FROM copy_store LIMIT 1').get() as
    | { timezone: string; business_day_cutoff: string }
    | undefined;
  const id = ctx.identity;
  return {
    registerId: id?.registerId ?? null,
    registerName: id?.registerName ?? null,
    storeId: id?.storeId ?? null,
    enrolled: id !== null,
    mode: link?.mode ?? 'autonomous',
    autonomousSince: link?.autonomousSince ?? null,
    pendingRecords: ctx.q.outboxCount.get()!.n,
    pendingCustomers: waitingTillCustomerCount(ctx),
    reintegration: link?.reintegration ?? null,
    lastSosCopyAt: meta.last_copy_at,
    lastSosCopyKind: meta.last_copy_kind,
    sosChecksum: meta.last_copy_checksum,
    sosSchedule: JSON.parse(meta.sos_schedule) as string[],
    changeVersion: meta.change_version,
    blockedChains: link?.blockedChains ?? [],
    lastContactAt: link?.lastContactAt ?? null,
    storeTimezone: store?.timezone || null,
    // The day the next Z closes: before the store's cutoff (04:00 by default) it is still yesterday.
    businessDay: currentDay(ctx, store),
    centralRefusal: link?.centralRefusal ?? null,
    training: trainingEnabled(ctx),
  };
}

/** Today's business day, or null before the first copy (or with a calendar the domain refuses: the status never fails). */
function currentDay(ctx: RegisterContext, store: { timezone: string; business_day_cutoff: string } | undefined): string | null {
  if (!store?.timezone) return null;
  try {
    return businessDay(ctx.now(), store.timezone, store.business_day_cutoff);
  } catch {
    return null;
  }
}
