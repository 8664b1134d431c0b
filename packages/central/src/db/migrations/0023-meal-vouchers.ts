import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// Meal vouchers (issue 12, docs/architecture.md §24): the store's cap of titres-restaurant per
// ticket, in cents. 2500 = 25,00 €, the legal daily cap per person (Code du travail art. R3262-10,
// décret n° 2022-1247); a store setting so that a change of the law is a setting, not a release.

export function mealVouchersMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('stores').addColumn('meal_voucher_cap_cents', 'integer', (c) => c.notNull().defaultTo(2500)).execute();
    },
  };
}
