import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Initial schema, one definition for SQLite and PostgreSQL (Kysely schema builder).
// Amounts and counters are bigint (SQLite: INTEGER affinity; PostgreSQL: int8 read as numbers).

export function initialMigration(dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('counters')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'bigint', (c) => c.notNull())
        .execute();
      await db.insertInto('counters').values({ name: 'change_version', value: 0 }).execute();

      await db.schema
        .createTable('stores')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('address', 'text', (c) => c.notNull())
        .addColumn('siret', 'text', (c) => c.notNull())
        .addColumn('vat_number', 'text', (c) => c.notNull())
        .addColumn('timezone', 'text', (c) => c.notNull())
        .addColumn('change_version', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('registers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('enrol_code_hash', 'text', (c) => c.unique())
        .addColumn('enrolled_at', 'text')
        .addColumn('public_key_pem', 'text')
        .addColumn('token_hash', 'text', (c) => c.unique())
        .addColumn('mode', 'text')
        .addColumn('last_seen_at', 'text')
        .addColumn('autonomous_since', 'text')
        .addColumn('pending_records', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_sos_copy_at', 'text')
        .addColumn('last_sos_copy_kind', 'text')
        .addColumn('sos_checksum', 'text')
        .addColumn('change_version_seen', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('sos_schedule', 'text', (c) => c.notNull().defaultTo('["0 0 6 * * *","0 0 13 * * *"]'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('registers_store_idx').on('registers').column('store_id').execute();

      await db.schema
        .createTable('users')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('username', 'text', (c) => c.notNull().unique())
        .addColumn('display_name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'manager', 'cashier')`))
        .addColumn('password_hash', 'text')
        .addColumn('pin_hash', 'text')
        .addColumn('store_id', 'text', (c) => c.references('stores.id'))
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('change_version', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('users_change_idx').on('users').column('change_version').execute();

      await db.schema
        .createTable('sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('products')
        .addColumn('sku', 'text', (c) => c.primaryKey())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('price_cents', 'bigint', (c) => c.notNull())
        .addColumn('vat_rate', 'integer', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('change_version', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('products_change_idx').on('products').column('change_version').execute();

      await db.schema
        .createTable('barcodes')
        .addColumn('code', 'text', (c) => c.primaryKey())
        .addColumn('sku', 'text', (c) => c.notNull().references('products.sku'))
        .execute();
      await db.schema.createIndex('barcodes_sku_idx').on('barcodes').column('sku').execute();

      await db.schema
        .createTable('customers')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('email', 'text')
        .addColumn('phone', 'text')
        .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('change_version', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('customers_store_idx').on('customers').columns(['store_id', 'change_version']).execute();

      // Stock and everything a register pushes carry no foreign key to the catalog: a signed ticket
      // is a legal fact and is integrated even when it names an unknown product (flagged instead).
      await db.schema
        .createTable('stock_levels')
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('quantity', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('stock_levels_pk', ['store_id', 'sku'])
        .execute();

      await db.schema
        .createTable('stock_movements')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('delta', 'bigint', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('sale', 'return', 'reception', 'adjustment')`))
        .addColumn('register_id', 'text')
        .addColumn('ticket_number', 'bigint')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('stock_movements_sku_idx').on('stock_movements').columns(['store_id', 'sku']).execute();

      await db.schema
        .createTable('records')
        .addColumn('register_id', 'text', (c) => c.notNull())
        .addColumn('chain', 'text', (c) => c.notNull())
        .addColumn('number', 'bigint', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('prev_signature', 'text', (c) => c.notNull())
        .addColumn('signature', 'text', (c) => c.notNull())
        .addColumn('integrated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('records_pk', ['register_id', 'chain', 'number'])
        .execute();

      await db.schema
        .createTable('chain_heads')
        .addColumn('register_id', 'text', (c) => c.notNull())
        .addColumn('chain', 'text', (c) => c.notNull())
        .addColumn('last_number', 'bigint', (c) => c.notNull())
        .addColumn('last_signature', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('chain_heads_pk', ['register_id', 'chain'])
        .execute();

      await db.schema
        .createTable('tickets')
        .addColumn('register_id', 'text', (c) => c.notNull())
        .addColumn('number', 'bigint', (c) => c.notNull())
        .addColumn('store_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('sale', 'return')`))
        .addColumn('total_cents', 'bigint', (c) => c.notNull())
        .addColumn('sold_at', 'text', (c) => c.notNull())
        .addColumn('sold_offline', 'integer', (c) => c.notNull())
        .addColumn('integrated_at', 'text', (c) => c.notNull())
        .addColumn('customer_id', 'text')
        .addColumn('cashier_id', 'text', (c) => c.notNull())
        .addColumn('original_register_id', 'text')
        .addColumn('original_number', 'bigint')
        .addColumn('anomalies', 'text', (c) => c.notNull().defaultTo('[]'))
        .addColumn('signature', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('tickets_pk', ['register_id', 'number'])
        .execute();
      await db.schema.createIndex('tickets_store_idx').on('tickets').columns(['store_id', 'sold_at']).execute();

      await db.schema
        .createTable('ticket_lines')
        .addColumn('register_id', 'text', (c) => c.notNull())
        .addColumn('number', 'bigint', (c) => c.notNull())
        .addColumn('line_no', 'integer', (c) => c.notNull())
        .addColumn('sku', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('quantity', 'integer', (c) => c.notNull())
        .addColumn('unit_price_cents', 'bigint', (c) => c.notNull())
        .addColumn('vat_rate', 'integer', (c) => c.notNull())
        .addColumn('discount_cents', 'bigint', (c) => c.notNull())
        .addColumn('total_cents', 'bigint', (c) => c.notNull())
        .execute();
      // No unique key on line_no / rate: an odd (duplicated) line must not block the queue.
      await db.schema.createIndex('ticket_lines_ticket_idx').on('ticket_lines').columns(['register_id', 'number']).execute();

      await db.schema
        .createTable('ticket_payments')
        .addColumn('register_id', 'text', (c) => c.notNull())
        .addColumn('number', 'bigint', (c) => c.notNull())
        .addColumn('seq', 'integer', (c) => c.notNull())
        .addColumn('method', 'text', (c) => c.notNull())
        .addColumn('amount_cents', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('ticket_payments_pk', ['register_id', 'number', 'seq'])
        .execute();

      await db.schema
        .createTable('ticket_vat')
        .addColumn('register_id', 'text', (c) => c.notNull())
        .addColumn('number', 'bigint', (c) => c.notNull())
        .addColumn('rate', 'integer', (c) => c.notNull())
        .addColumn('base_cents', 'bigint', (c) => c.notNull())
        .addColumn('vat_cents', 'bigint', (c) => c.notNull())
        .addColumn('total_cents', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('ticket_vat_ticket_idx').on('ticket_vat').columns(['register_id', 'number']).execute();

      await db.schema
        .createTable('tamper_alerts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('register_id', 'text', (c) => c.notNull())
        .addColumn('chain', 'text', (c) => c.notNull())
        .addColumn('number', 'bigint', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('tamper_alerts_register_idx').on('tamper_alerts').column('register_id').execute();

      await appendOnlyTriggers(db, dialect);
    },
  };
}

/** Signed facts are append-only (docs/architecture.md §6): the database itself refuses UPDATE/DELETE. */
const FULLY_APPEND_ONLY = ['records', 'ticket_lines', 'ticket_payments', 'ticket_vat'] as const;
/** Of a ticket, everything but the review flags (`anomalies`) is a signed, immutable fact. */
const TICKET_SIGNED_COLUMNS = [
  'register_id', 'number', 'store_id', 'kind', 'total_cents', 'sold_at', 'sold_offline',
  'integrated_at', 'customer_id', 'cashier_id', 'original_register_id', 'original_number', 'signature',
];

async function appendOnlyTriggers(db: Kysely<any>, dialect: DialectName): Promise<void> {
  const cols = sql.raw(TICKET_SIGNED_COLUMNS.join(', '));
  if (dialect === 'sqlite') {
    for (const table of FULLY_APPEND_ONLY) {
      const t = sql.raw(table);
      await sql`CREATE TRIGGER ${sql.raw(`${table}_no_update`)} BEFORE UPDATE ON ${t}
        BEGIN SELECT RAISE(ABORT, ${sql.raw(`'${table} is append-only'`)}); END`.execute(db);
      await sql`CREATE TRIGGER ${sql.raw(`${table}_no_delete`)} BEFORE DELETE ON ${t}
        BEGIN SELECT RAISE(ABORT, ${sql.raw(`'${table} is append-only'`)}); END`.execute(db);
    }
    await sql`CREATE TRIGGER tickets_no_update BEFORE UPDATE OF ${cols} ON tickets
      BEGIN SELECT RAISE(ABORT, 'tickets are append-only'); END`.execute(db);
    await sql`CREATE TRIGGER tickets_no_delete BEFORE DELETE ON tickets
      BEGIN SELECT RAISE(ABORT, 'tickets are append-only'); END`.execute(db);
    return;
  }
  await sql`CREATE FUNCTION comptoir_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION '% is append-only (% refused)', TG_TABLE_NAME, TG_OP;
    END
    $$`.execute(db);
  for (const table of FULLY_APPEND_ONLY) {
    await sql`CREATE TRIGGER ${sql.raw(`${table}_append_only`)} BEFORE UPDATE OR DELETE ON ${sql.raw(table)}
      FOR EACH ROW EXECUTE FUNCTION comptoir_append_only()`.execute(db);
  }
  await sql`CREATE TRIGGER tickets_append_only BEFORE UPDATE OF ${cols} OR DELETE ON tickets
    FOR EACH ROW EXECUTE FUNCTION comptoir_append_only()`.execute(db);
}
