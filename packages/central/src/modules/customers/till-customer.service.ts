import type { Kysely } from 'kysely';
import { ComptoirError, type CopyCustomer, type TillCustomer, type TillCustomersAnswer } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { nextChangeVersion } from '../../db/change-version';
import type { CentralDb, CustomerRow } from '../../db/schema';

// Customers created at a till (issue 12 §4, docs/architecture.md §16), pushed by their register on
// `POST /api/sync/customers`. One push is ONE transaction; on PostgreSQL the store's row is locked
// first, so two registers of a store pushing the same person at once are decided one after the
// other. Per customer, in order:
//  1. its id already integrated (till_customers) → the same answer again (idempotent replay);
//  2. an active customer of the store with the same normalised e-mail, else the same normalised
//     phone (the oldest such customer) → linked: the till's id maps to that customer, nothing new;
//  3. otherwise a new customer of the store under the till's id, with a new change version: the
//     back office lists it and every register of the store pulls it with its next changes.
// An id that belongs to another store (a customer or a till customer) is refused, 403
// FOREIGN_RECORD, and the whole push with it (nothing stored).

type Db = Kysely<CentralDb>;
type Answer = TillCustomersAnswer['customers'][number];

/** E-mail key: trimmed, lower case. */
export function emailKey(email: string | null): string | null {
  const e = email?.trim().toLowerCase();
  return e ? e : null;
}

/**
 * Phone key: its digits, a `00` or `+` international prefix kept as `+`, and the French `+33`
 * written as the national `0` (`+33 6 12 34 56 78` = `06.12.34.56.78`); fewer than 6 digits: no key.
 */
export function phoneKey(phone: string | null): string | null {
  if (!phone) return null;
  const trimmed = phone.trim();
  let digits = trimmed.replace(/\D/g, '');
  let international = trimmed.startsWith('+');
  if (!international && digits.startsWith('00')) {
    international = true;
    digits = digits.slice(2);
  }
  if (digits.length < 6) return null;
  if (international && digits.startsWith('33') && digits.length === 11) return `0${digits.slice(2)}`;
  return international ? `+${digits}` : digits;
}

function toCopyCustomer(r: CustomerRow): CopyCustomer {
  return { id: r.id, name: r.name, email: r.email, phone: r.phone, active: r.active === 1 };
}

export async function integrateTillCustomers(
  ctx: Ctx,
  register: { registerId: string; storeId: string },
  customers: readonly TillCustomer[],
): Promise<TillCustomersAnswer> {
  const receivedAt = ctx.clock().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    if (ctx.dialect === 'postgres') await trx.selectFrom('stores').select('id').where('id', '=', register.storeId).forUpdate().execute();
    const answers: Answer[] = [];
    for (const c of customers) answers.push(await integrateOne(trx, register, c, receivedAt));
    return { customers: answers };
  });
}

async function integrateOne(trx: Db, register: { registerId: string; storeId: string }, c: TillCustomer, receivedAt: string): Promise<Answer> {
  const known = await trx.selectFrom('till_customers').selectAll().where('id', '=', c.id).executeTakeFirst();
  if (known) {
    if (known.store_id !== register.storeId) throw foreign(c.id);
    const held = await trx.selectFrom('customers').selectAll().where('id', '=', known.customer_id).executeTakeFirstOrThrow();
    return { id: c.id, customerId: held.id, linked: held.id !== c.id, customer: toCopyCustomer(held) };
  }
  const link = { id: c.id, store_id: register.storeId, register_id: register.registerId, created_at: c.createdAt, received_at: receivedAt };
  const sameId = await trx.selectFrom('customers').selectAll().where('id', '=', c.id).executeTakeFirst();
  if (sameId) {
    // Already a customer under that id (never made by a till, but harmless when of the same store): that one.
    if (sameId.store_id !== register.storeId) throw foreign(c.id);
    await trx.insertInto('till_customers').values({ ...link, customer_id: c.id }).execute();
    return { id: c.id, customerId: c.id, linked: false, customer: toCopyCustomer(sameId) };
  }
  const existing = await sameCustomer(trx, register.storeId, c);
  if (existing) {
    await trx.insertInto('till_customers').values({ ...link, customer_id: existing.id }).execute();
    return { id: c.id, customerId: existing.id, linked: true, customer: toCopyCustomer(existing) };
  }
  const row: CustomerRow = {
    id: c.id,
    store_id: register.storeId,
    name: c.name,
    email: c.email,
    phone: c.phone,
    active: 1,
    change_version: await nextChangeVersion(trx),
  };
  await trx.insertInto('customers').values(row).execute();
  await trx.insertInto('till_customers').values({ ...link, customer_id: c.id }).execute();
  return { id: c.id, customerId: c.id, linked: false, customer: toCopyCustomer(row) };
}

/** The store's active customer with the same e-mail key, else the same phone key (oldest first). */
async function sameCustomer(trx: Db, storeId: string, c: TillCustomer): Promise<CustomerRow | undefined> {
  const email = emailKey(c.email);
  const phone = phoneKey(c.phone);
  if (!email && !phone) return undefined;
  const candidates = await trx
    .selectFrom('customers')
    .selectAll()
    .where('store_id', '=', storeId)
    .where('active', '=', 1)
    .where((eb) => eb.or([eb('email', 'is not', null), eb('phone', 'is not', null)]))
    .orderBy('change_version')
    .orderBy('id')
    .execute();
  return (email ? candidates.find((r) => emailKey(r.email) === email) : undefined) ?? (phone ? candidates.find((r) => phoneKey(r.phone) === phone) : undefined);
}

function foreign(id: string): ComptoirError {
  return new ComptoirError('FOREIGN_RECORD', `Customer ${id} belongs to another store`, { customerId: id });
}
