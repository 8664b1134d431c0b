import type { Store } from '@comptoir/protocol';
import type { Ctx } from '../../context';

export async function listStores(ctx: Ctx): Promise<{ items: Store[]; total: number }> {
  const rows = await ctx.db.selectFrom('stores').selectAll().orderBy('name').orderBy('id').execute();
  const items = rows.map((s) => ({ id: s.id, name: s.name, address: s.address, siret: s.siret, vatNumber: s.vat_number, timezone: s.timezone }));
  return { items, total: items.length };
}
