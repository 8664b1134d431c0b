import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { DialectName } from '@comptoir/db';
import type { CentralDb } from './db/schema';
import type { FleetPresence } from './modules/fleet/presence';
import type { MonthPartitions } from './db/month-partitions';

/** Which stores a request may see and touch: the rule that sets it is modules/stores/store-scope.ts. */
export type StoreScope = { kind: 'all' } | { kind: 'store'; storeId: string } | { kind: 'none' };

/** Who is calling: a back-office user (session token) or an enrolled register (register token). */
export type Principal =
  | { kind: 'user'; userId: string; role: 'admin' | 'manager' | 'cashier'; storeId: string | null }
  | { kind: 'register'; registerId: string; storeId: string };

/** Passed first to every service call. `db` may be a transaction. */
export interface Ctx {
  db: Kysely<CentralDb>;
  dialect: DialectName;
  clock: () => Date;
  log: Pick<Logger, 'info' | 'warn' | 'error' | 'debug'>;
  user?: Principal;
  /** Which stores the caller sees (modules/stores/store-scope.ts); absent: internal work, every store. */
  scope?: StoreScope;
  /** What this instance remembers of the registers' heartbeats (modules/fleet/presence.ts); absent: every heartbeat reads and writes. */
  presence?: FleetPresence;
  /** PostgreSQL: the monthly partitions this instance knows (db/month-partitions.ts); absent: every push checks them. */
  monthPartitions?: MonthPartitions;
}

export function nowIso(ctx: Pick<Ctx, 'clock'>): string {
  return ctx.clock().toISOString();
}
