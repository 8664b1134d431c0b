import { DEFAULT_GIFT_CARD_MAX_CENTS, DEFAULT_MEAL_VOUCHER_CAP_CENTS } from '@comptoir/domain';
import { ComptoirError, type ReceiptStore } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import type { CopyStoreTable } from '../db/schema';
import { REGISTER_SOFTWARE } from '../software-version';

/** The software name and version printed on every receipt (NF525 mention). */
export const SOFTWARE = REGISTER_SOFTWARE;


/** The store's legal identity from the SOS copy (so receipts print the same offline). */
export function readStoreIdentity(ctx: RegisterContext): ReceiptStore {
  const identity = ctx.identity!;
  const row = storeRow(ctx);
  return {
    storeId: row.id,
    name: row.name,
    address: row.address,
    siret: row.siret,
    vatNumber: row.vat_number,
    timezone: row.timezone,
    registerId: identity.registerId,
    registerName: identity.registerName,
    softwareName: SOFTWARE.name,
    softwareVersion: SOFTWARE.version,
    mealVoucherCapCents: row.meal_voucher_cap_cents ?? DEFAULT_MEAL_VOUCHER_CAP_CENTS,
    giftCardMaxCents: row.gift_card_max_cents ?? DEFAULT_GIFT_CARD_MAX_CENTS,
  };
}

function storeRow(ctx: RegisterContext): CopyStoreTable {
  const identity = ctx.identity;
  if (!identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const row = ctx.sqlite.prepare('SELECT * FROM copy_store WHERE id = ?').get(identity.storeId) as CopyStoreTable | undefined;
  if (!row) throw new ComptoirError('NOT_FOUND', 'The store identity is not in the local copy yet (no SOS copy made)');
  return row;
}

/** The store's NF525 calendar (SOS copy): time zone, business day cutoff, fiscal year's first month. */
export interface StoreCalendar {
  timezone: string;
  cutoff: string;
  fiscalYearStartMonth: number;
}

export function readStoreCalendar(ctx: RegisterContext): StoreCalendar {
  const row = storeRow(ctx);
  return { timezone: row.timezone, cutoff: row.business_day_cutoff, fiscalYearStartMonth: row.fiscal_year_start_month };
}
