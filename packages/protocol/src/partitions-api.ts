import { z } from 'zod';

// Monthly partitions of central's signed facts (PostgreSQL; docs/architecture.md §22): what is held
// per month, and the purge of the months whose NF525 archives verify at central.

/** A calendar month, 'YYYY-MM'. */
export const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM');

export const PartitionMonth = z.object({
  month: Month,
  records: z.number().int(),
  tickets: z.number().int(),
});
export type PartitionMonth = z.infer<typeof PartitionMonth>;

export const PartitionsResponse = z.object({
  /** PostgreSQL only: SQLite keeps one table per kind (partitioned: false, no months). */
  partitioned: z.boolean(),
  months: z.array(PartitionMonth),
  /** Rows no monthly partition holds (DEFAULT): a till's clock far off, a late record of a purged month, archive records kept by a purge. */
  defaultRecords: z.number().int(),
});
export type PartitionsResponse = z.infer<typeof PartitionsResponse>;

export const PurgeRequest = z.object({
  /** Every month strictly before this one is purged (it must be before the current month). */
  before: Month,
});
export type PurgeRequest = z.infer<typeof PurgeRequest>;

export const PurgeResponse = z.object({
  /** The months dropped (every partitioned table's partition of each), oldest first. */
  purged: z.array(Month),
  /** Records dropped, and the `archive` chain's records kept (moved to DEFAULT). */
  records: z.number().int(),
  tickets: z.number().int(),
  archiveRecordsKept: z.number().int(),
  /** The archives whose kept files (archive_files) verified for this purge. */
  verifiedArchives: z.array(z.object({ registerId: z.string(), number: z.number().int(), periodKey: z.string(), sha256: z.string() })),
});
export type PurgeResponse = z.infer<typeof PurgeResponse>;
