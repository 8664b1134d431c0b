import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Stock counts (inventaire, issue 12 item 8, docs/architecture.md §21): a count sheet per store and
// category, its expected quantities frozen at start, then posted as ONE adjustment document.
// - `stock_counts`: at most one open count per store and category (partial unique index); once
//   `posted`, the row and its lines refuse UPDATE and DELETE (triggers), whoever writes SQL.
// - `stock_adjustments` + `stock_adjustment_lines`: the posted document (author, time, count id,
//   every line with expected, counted and delta), append-only like the signed facts of §6. Its
//   movements are ordinary `stock_movements` rows of reason `adjustment` (line → movement_id).

export function stockCountsMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('stock_counts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open', 'posted')`))
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('started_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('posted_at', 'text')
        .addColumn('posted_by', 'text', (c) => c.references('users.id'))
        .execute();
      await sql`CREATE UNIQUE INDEX stock_counts_one_open ON stock_counts (store_id, category) WHERE status = 'open'`.execute(db);
      await db.schema.createIndex('stock_counts_store_idx').on('stock_counts').columns(['store_id', 'started_at']).execute();

      await db.schema
        .createTable('stock_count_lines')
        .addColumn('count_id', 'text', (c) => c.notNull().references('stock_counts.id'))
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('frozen_quantity', 'bigint', (c) => c.notNull())
        .addColumn('counted', 'bigint')
        .addColumn('counted_at', 'text')
        .addColumn('counted_by', 'text', (c) => c.references('users.id'))
        .addPrimaryKeyConstraint('stock_count_lines_pk', ['count_id', 'sku'])
        .execute();

      await db.schema
        .createTable('stock_adjustments')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addColumn('count_id', 'text', (c) => c.notNull().unique().references('stock_counts.id'))
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('posted_by', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('posted_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('stock_adjustment_lines')
        .addColumn('adjustment_id', 'text', (c) => c.notNull().references('stock_adjustments.id'))
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('expected', 'bigint', (c) => c.notNull())
        .addColumn('counted', 'bigint', (c) => c.notNull())
        .addColumn('delta', 'bigint', (c) => c.notNull())
        /** The stock movement of a non-zero delta (null when counted = expected). */
        .addColumn('movement_id', 'text')
        .addPrimaryKeyConstraint('stock_adjustment_lines_pk', ['adjustment_id', 'sku'])
        .execute();

      if (dialect === 'sqlite') {
        for (const table of ['stock_adjustments', 'stock_adjustment_lines']) {
          await sql`CREATE TRIGGER ${sql.raw(`${table}_no_update`)} BEFORE UPDATE ON ${sql.raw(table)} BEGIN SELECT RAISE(ABORT, ${sql.raw(`'${table} is append-only'`)}); END`.execute(db);
          await sql`CREATE TRIGGER ${sql.raw(`${table}_no_delete`)} BEFORE DELETE ON ${sql.raw(table)} BEGIN SELECT RAISE(ABORT, ${sql.raw(`'${table} is append-only'`)}); END`.execute(db);
        }
        await sql`CREATE TRIGGER stock_counts_posted_no_update BEFORE UPDATE ON stock_counts WHEN OLD.status = 'posted'
          BEGIN SELECT RAISE(ABORT, 'a posted stock count cannot change'); END`.execute(db);
        await sql`CREATE TRIGGER stock_counts_posted_no_delete BEFORE DELETE ON stock_counts WHEN OLD.status = 'posted'
          BEGIN SELECT RAISE(ABORT, 'a posted stock count cannot change'); END`.execute(db);
        for (const op of ['INSERT', 'UPDATE', 'DELETE'] as const) {
          const row = op === 'INSERT' ? 'NEW' : 'OLD';
          await sql`CREATE TRIGGER ${sql.raw(`stock_count_lines_posted_no_${op.toLowerCase()}`)} BEFORE ${sql.raw(op)} ON stock_count_lines
            WHEN (SELECT status FROM stock_counts WHERE id = ${sql.raw(row)}.count_id) = 'posted'
            BEGIN SELECT RAISE(ABORT, 'a posted stock count cannot change'); END`.execute(db);
        }
      } else {
        // comptoir_append_only() is migration 0001's.
        for (const table of ['stock_adjustments', 'stock_adjustment_lines']) {
          await sql`CREATE TRIGGER ${sql.raw(`${table}_append_only`)} BEFORE UPDATE OR DELETE ON ${sql.raw(table)} FOR EACH ROW EXECUTE FUNCTION comptoir_append_only()`.execute(db);
        }
        // Two functions: a PL/pgSQL expression naming a column of the other table fails at run time.
        await sql`CREATE FUNCTION comptoir_stock_count_posted() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            IF OLD.status = 'posted' THEN RAISE EXCEPTION 'a posted stock count cannot change (% refused)', TG_OP; END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
          END $$`.execute(db);
        await sql`CREATE FUNCTION comptoir_stock_count_line_posted() RETURNS trigger LANGUAGE plpgsql AS $$
          DECLARE target text;
          BEGIN
            IF TG_OP = 'INSERT' THEN target := NEW.count_id; ELSE target := OLD.count_id; END IF;
            IF EXISTS (SELECT 1 FROM stock_counts c WHERE c.id = target AND c.status = 'posted') THEN
              RAISE EXCEPTION 'a posted stock count cannot change (% of a line refused)', TG_OP;
            END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
          END $$`.execute(db);
        await sql`CREATE TRIGGER stock_counts_posted BEFORE UPDATE OR DELETE ON stock_counts FOR EACH ROW EXECUTE FUNCTION comptoir_stock_count_posted()`.execute(db);
        await sql`CREATE TRIGGER stock_count_lines_posted BEFORE INSERT OR UPDATE OR DELETE ON stock_count_lines FOR EACH ROW EXECUTE FUNCTION comptoir_stock_count_line_posted()`.execute(db);
      }
    },
  };
}
