import type { Kysely, Migration } from 'kysely';
import type { DialectName } from '@comptoir/db';

// NF525 calendar of a store (issue 10): the business day cutoff ("HH:MM" store time, default 04:00)
// and the fiscal year's first month (default January). Both travel in the SOS copy's store line.

export function storeCalendarMigration(_dialect: DialectName): Migration {
  return {
    async up(db: Kysely<any>) {
      await db.schema.alterTable('stores').addColumn('business_day_cutoff', 'text', (c) => c.notNull().defaultTo('04:00')).execute();
      await db.schema.alterTable('stores').addColumn('fiscal_year_start_month', 'integer', (c) => c.notNull().defaultTo(1)).execute();
    },
  };
}
