import { sql } from 'kysely';
import type { LocalCustomer, LocalProduct } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { toLocalProduct } from './local-product';

// Lookups in the SOS copy (work the same connected or autonomous).

type Search = { q?: string | undefined; limit: number; offset: number };

/** Case-insensitive substring test (instr: no LIKE wildcards to escape). */
function contains(column: string, q: string) {
  return sql<boolean>`instr(lower(${sql.ref(column)}), ${q.toLowerCase()}) > 0`;
}

/** Active products whose SKU, label or a barcode matches `q` (exact SKU/barcode first), by label. */
export async function searchProducts(ctx: RegisterContext, s: Search): Promise<{ items: LocalProduct[]; total: number }> {
  let query = ctx.db.selectFrom('products as p').leftJoin('stock_levels as s', 's.sku', 'p.sku').where('p.active', '=', 1);
  const q = s.q?.trim();
  if (q) {
    query = query.where((eb) =>
      eb.or([
        eb('p.sku', '=', q),
        eb.exists(eb.selectFrom('barcodes as b').select('b.code').whereRef('b.sku', '=', 'p.sku').where('b.code', '=', q)),
        contains('p.label', q),
        contains('p.sku', q),
      ]),
    );
  }
  const rows = await query
    .select(['p.sku', 'p.label', 'p.price_cents', 'p.vat_rate', 'p.category', 'p.barcodes', 's.quantity'])
    .orderBy('p.label')
    .orderBy('p.sku')
    .limit(s.limit)
    .offset(s.offset)
    .execute();
  const { n } = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return {
    items: rows.map(toLocalProduct),
    total: Number(n),
  };
}

export async function searchCustomers(ctx: RegisterContext, s: Search): Promise<{ items: LocalCustomer[]; total: number }> {
  let query = ctx.db.selectFrom('customers').where('active', '=', 1);
  const q = s.q?.trim();
  if (q) {
    query = query.where((eb) =>
      eb.or([eb('id', '=', q), contains('name', q), contains('email', q), contains('phone', q)]),
    );
  }
  const rows = await query.select(['id', 'name', 'email', 'phone']).orderBy('name').limit(s.limit).offset(s.offset).execute();
  const { n } = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { items: rows, total: Number(n) };
}
