import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Accounting (issue 11): each store's chart of accounts, as far as it departs from the French
// defaults (domain `defaultAccount`): one row per account key the store set. One definition for
// SQLite and PostgreSQL.

export function accountingMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema
        .createTable('store_accounts')
        .addColumn('store_id', 'text', (c) => c.notNull().references('stores.id'))
        .addColumn('account_key', 'text', (c) => c.notNull())
        .addColumn('account_num', 'text', (c) => c.notNull())
        .addColumn('account_label', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('updated_by', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('store_accounts_pk', ['store_id', 'account_key'])
        .execute();
    },
  };
}
