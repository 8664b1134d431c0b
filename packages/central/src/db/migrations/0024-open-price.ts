import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Open-price items (issue 12, docs/architecture.md §16): a product whose price the cashier types at
// the till, at most its cap. One nullable column: the cap, null for a product sold at its catalog
// price (every existing product). No default to backfill.

export function openPriceMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('products').addColumn('open_price_max_cents', 'bigint').execute();
    },
  };
}
