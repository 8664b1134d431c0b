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
    .select(['p.sku', 'p.label', 'p.price_cents', 'p.vat_rate', 'p.category', 'p.barcodes', 's.quantity', 'p.open_price_max_cents', 'p.meal_voucher_eligible'])
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

/**
 * Customers of the copy matching `q` (name, e-mail, phone, id), by name. With no `q`: the store's
 * customers seen most recently first — by their latest ticket on this register or in the copy's
 * recent documents (any register of the store), or their creation at this till —, then the others by name: an empty search at the
 * till shows who just came in, offline too.
 */
export async function searchCustomers(ctx: RegisterContext, s: Search): Promise<{ items: LocalCustomer[]; total: number }> {
  const q = s.q?.trim();
  if (!q) return recentCustomers(ctx, s);
  let query = ctx.db.selectFrom('customers').where('active', '=', 1);
  if (q) {
    query = query.where((eb) =>
      eb.or([eb('id', '=', q), contains('name', q), contains('email', q), contains('phone', q)]),
    );
  }
  const rows = await query.select(['id', 'name', 'email', 'phone']).orderBy('name').limit(s.limit).offset(s.offset).execute();
  const { n } = await query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { items: rows, total: Number(n) };
}

function recentCustomers(ctx: RegisterContext, s: Search): { items: LocalCustomer[]; total: number } {
  const items = ctx.sqlite
    .prepare(
      `SELECT c.id, c.name, c.email, c.phone FROM customers c
       LEFT JOIN (SELECT customer_id, max(sold_at) AS last FROM (
           SELECT customer_id, sold_at FROM tickets WHERE customer_id IS NOT NULL
           UNION ALL SELECT customer_id, sold_at FROM customer_documents
           UNION ALL SELECT coalesce(central_id, id), created_at FROM till_customers
         ) GROUP BY customer_id) seen ON seen.customer_id = c.id
       WHERE c.active = 1
       ORDER BY seen.last IS NULL, seen.last DESC, c.name COLLATE NOCASE, c.id
       LIMIT ? OFFSET ?`,
    )
    .all(s.limit, s.offset) as LocalCustomer[];
  const { n } = ctx.sqlite.prepare('SELECT count(*) AS n FROM customers WHERE active = 1').get() as { n: number };
  return { items, total: n };
}
