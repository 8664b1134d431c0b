import type { Store } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import type { StoreRow } from '../../db/schema';
import { whereStoreIn } from './store-scope';

/** A store row as the API and the SOS copy show it (identity, time zone, NF525 calendar settings). */
export function toStore(s: StoreRow): Store {
  return {
    id: s.id,
    name: s.name,
    address: s.address,
    siret: s.siret,
    vatNumber: s.vat_number,
    timezone: s.timezone,
    businessDayCutoff: s.business_day_cutoff,
    fiscalYearStartMonth: s.fiscal_year_start_month,
    code: s.code,
    mealVoucherCapCents: Number(s.meal_voucher_cap_cents),
    giftCardMaxCents: Number(s.gift_card_max_cents),
  };
}

export async function listStores(ctx: Ctx): Promise<{ items: Store[]; total: number }> {
  const rows = await whereStoreIn(ctx, ctx.db.selectFrom('stores').selectAll(), 'id').orderBy('name').orderBy('id').execute();
  const items = rows.map(toStore);
  return { items, total: items.length };
}
