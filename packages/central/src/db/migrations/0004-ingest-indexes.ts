import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Reintegration throughput: every integrated ticket line appends a stock movement, so each index on
// stock_movements is paid on every line. stock_movements_sku_idx (store_id, sku) is a prefix of
// stock_movements_created_idx (store_id, sku, created_at) (0002), which serves every query the first
// one served: the first is dropped. One definition for both dialects.

export function ingestIndexesMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.dropIndex('stock_movements_sku_idx').execute();
    },
  };
}
