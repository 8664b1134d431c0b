import type { Kysely, Migration } from 'kysely';
import { migrateToLatest, type DialectName } from '@comptoir/db';
import { initialMigration } from './0001-initial';
import { backofficeMigration } from './0002-backoffice';
import { sosCopyMigration } from './0003-sos-copy';
import { ingestIndexesMigration } from './0004-ingest-indexes';
import { closuresMigration } from './0005-closures';
import { archivesMigration } from './0006-archives';
import { storeCalendarMigration } from './0007-store-calendar';
import { accountingMigration } from './0008-accounting';
import { registerKeysMigration } from './0009-register-keys';
import { fleetVersionsMigration } from './0010-fleet-versions';
import { trustMigration } from './0011-trust';
import { eventsMigration } from './0012-events';
import { changeNotifyMigration } from './0013-change-notify';
import { returnReservationsMigration } from './0014-return-reservations';
import { keyValidityMigration } from './0015-key-validity';
import { creditNotesMigration } from './0016-credit-notes';
import { ticketReferencesMigration } from './0017-ticket-references';
import { invoicesMigration } from './0018-invoices';
import { tillCustomersMigration } from './0019-till-customers';
import { archiveFilesMigration } from './0020-archive-files';
import { stockCountsMigration } from './0021-stock-counts';
import { monthPartitionsMigration } from './0022-month-partitions';
import { mealVouchersMigration } from './0023-meal-vouchers';
import { openPriceMigration } from './0024-open-price';
import { giftCardsMigration } from './0025-gift-cards';
import { mealVoucherEligibleMigration } from './0026-meal-voucher-eligible';
import { pendingCustomersMigration } from './0027-pending-customers';
import { storedValueReleasesMigration } from './0028-stored-value-releases';
import { returnReleasesMigration } from './0029-return-releases';

/** Every migration of the central database, by name (applied in name order). */
export function centralMigrations(dialect: DialectName): Record<string, Migration> {
  return {
    '0001-initial': initialMigration(dialect),
    '0002-backoffice': backofficeMigration(dialect),
    '0003-sos-copy': sosCopyMigration(dialect),
    '0004-ingest-indexes': ingestIndexesMigration(dialect),
    '0005-closures': closuresMigration(dialect),
    '0006-archives': archivesMigration(dialect),
    '0007-store-calendar': storeCalendarMigration(dialect),
    '0008-accounting': accountingMigration(dialect),
    '0009-register-keys': registerKeysMigration(dialect),
    '0010-fleet-versions': fleetVersionsMigration(dialect),
    '0011-trust': trustMigration(dialect),
    '0012-events': eventsMigration(dialect),
    '0013-change-notify': changeNotifyMigration(dialect),
    '0014-return-reservations': returnReservationsMigration(dialect),
    '0015-key-validity': keyValidityMigration(dialect),
    '0016-credit-notes': creditNotesMigration(dialect),
    '0017-ticket-references': ticketReferencesMigration(dialect),
    '0018-invoices': invoicesMigration(dialect),
    '0019-till-customers': tillCustomersMigration(dialect),
    '0020-archive-files': archiveFilesMigration(dialect),
    '0021-stock-counts': stockCountsMigration(dialect),
    '0022-month-partitions': monthPartitionsMigration(dialect),
    '0023-meal-vouchers': mealVouchersMigration(dialect),
    '0024-open-price': openPriceMigration(dialect),
    '0025-gift-cards': giftCardsMigration(dialect),
    '0026-meal-voucher-eligible': mealVoucherEligibleMigration(dialect),
    '0027-pending-customers': pendingCustomersMigration(dialect),
    '0028-stored-value-releases': storedValueReleasesMigration(dialect),
    '0029-return-releases': returnReleasesMigration(dialect),
  };
}

export function migrateCentral(db: Kysely<any>, dialect: DialectName): Promise<string[]> {
  return migrateToLatest(db, centralMigrations(dialect));
}
