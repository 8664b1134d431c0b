import { randomUUID } from 'node:crypto';
import type { CreateCustomerRequest, Customer } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { nextChangeVersion } from '../../db/change-version';
import type { CustomerRow } from '../../db/schema';
import { resolveStoreId } from '../stores/store.service';
import { assertStoreNamed, whereStoreIn } from '../stores/store-scope';

function toCustomer(r: CustomerRow): Customer {
  return { id: r.id, storeId: r.store_id, name: r.name, email: r.email, phone: r.phone };
}

export async function listCustomers(
  ctx: Ctx,
  query: { limit: number; offset: number; q?: string | undefined; storeId?: string | undefined },
): Promise<{ items: Customer[]; total: number }> {
  if (query.storeId) assertStoreNamed(ctx, query.storeId);
  const base = () => {
    let q = whereStoreIn(ctx, ctx.db.selectFrom('customers').where('active', '=', 1), 'store_id');
    if (query.storeId) q = q.where('store_id', '=', query.storeId);
    if (query.q) {
      const pattern = `%${query.q.toLowerCase().replace(/[\\%_]/g, '')}%`;
      q = q.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['name']), 'like', pattern),
          eb(eb.fn('lower', ['email']), 'like', pattern),
          eb('phone', 'like', pattern),
        ]),
      );
    }
    return q;
  };
  const [rows, count] = await Promise.all([
    base().selectAll().orderBy('name').orderBy('id').limit(query.limit).offset(query.offset).execute(),
    base().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { items: rows.map(toCustomer), total: Number(count.n) };
}

/** New customer of a store, under a new change version (the store's registers pull it). */
export async function createCustomer(ctx: Ctx, req: CreateCustomerRequest): Promise<Customer> {
  const storeId = await resolveStoreId(ctx, req.storeId);
  return ctx.db.transaction().execute(async (trx) => {
    const version = await nextChangeVersion(trx);
    const row: CustomerRow = {
      id: randomUUID(),
      store_id: storeId,
      name: req.name,
      email: req.email ?? null,
      phone: req.phone ?? null,
      active: 1,
      change_version: version,
    };
    await trx.insertInto('customers').values(row).execute();
    return toCustomer(row);
  });
}
