import type Database from 'better-sqlite3';

// Staging tables of a full SOS copy, and the swap that makes them live.
//
// Invariants:
// - the live copy tables are never written by a full copy before the swap; staging tables are
//   `next_<table>`, created with the live table's own schema (read from sqlite_master, so a
//   migration that changes a copy table is followed automatically);
// - the swap is ONE short transaction of renames (live → old_<table>, next_<table> → live): a crash
//   before its commit leaves the previous copy intact, after it the new one complete;
// - leftovers (next_* of an interrupted copy, old_* of an interrupted cleanup) are dropped before the
//   next copy, in chunks, never in a transaction that matters to a sale.

/** Every table a full copy replaces. */
export const COPY_TABLES = [
  'copy_store',
  'copy_payment_methods',
  'products',
  'barcodes',
  'customers',
  'cashiers',
  'stock_levels',
  'customer_documents',
] as const;
export type CopyTable = (typeof COPY_TABLES)[number];

export const stagingName = (t: string) => `next_${t}`;
export const oldName = (t: string) => `old_${t}`;

type MasterRow = { type: string; name: string; tbl_name: string; sql: string | null };

/** Creates empty `next_*` tables shaped like the live ones, with their indexes (names made unique by `gen`). */
export function createStaging(db: Database.Database, gen: string): void {
  const stmt = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master WHERE tbl_name = ? AND sql IS NOT NULL');
  const master = (t: string) => stmt.all(t) as MasterRow[];
  db.transaction(() => {
    for (const t of COPY_TABLES) {
      const rows = master(t);
      const table = rows.find((r) => r.type === 'table');
      if (!table?.sql) throw new Error(`copy table ${t} is missing`);
      db.exec(replaceName(table.sql, /^(CREATE TABLE\s+)("?)[A-Za-z_0-9]+\2/i, stagingName(t)));
      for (const ix of rows.filter((r) => r.type === 'index')) {
        const base = ix.name.replace(/__g[0-9a-z]+$/, '');
        const renamed = replaceName(ix.sql!, /^(CREATE (?:UNIQUE )?INDEX\s+)("?)[A-Za-z_0-9]+\2/i, `${base}__g${gen}`);
        db.exec(renamed.replace(new RegExp(`(\\sON\\s+)("?)${t}\\2(\\s*\\()`, 'i'), `$1${stagingName(t)}$3`));
      }
    }
  })();
}

function replaceName(sqlText: string, re: RegExp, name: string): string {
  if (!re.test(sqlText)) throw new Error(`unexpected schema SQL: ${sqlText.slice(0, 80)}`);
  return sqlText.replace(re, `$1${name}`);
}

/** Names of leftover staging/old tables. */
function leftovers(db: Database.Database): string[] {
  const names = new Set(COPY_TABLES.flatMap((t) => [stagingName(t), oldName(t)]));
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[])
    .map((r) => r.name)
    .filter((n) => names.has(n));
}

/**
 * Drops leftover `next_*` / `old_*` tables: rows deleted in chunks of `chunk` with a yield between
 * chunks (a DROP of a 100k-row table in one go would hold the connection), then the empty table.
 */
export async function dropLeftovers(db: Database.Database, chunk = 5000): Promise<void> {
  for (const name of leftovers(db)) {
    const del = db.prepare(`DELETE FROM "${name}" WHERE rowid IN (SELECT rowid FROM "${name}" LIMIT ${chunk})`);
    while (del.run().changes > 0) await new Promise((r) => setImmediate(r));
    db.exec(`DROP TABLE "${name}"`);
    await new Promise((r) => setImmediate(r));
  }
}

export function countRows(db: Database.Database, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n;
}

/** The swap (caller holds the transaction): live → old_*, next_* → live. Renames only: milliseconds. */
export function swapStagingIn(db: Database.Database): void {
  for (const t of COPY_TABLES) {
    db.exec(`ALTER TABLE "${t}" RENAME TO "${oldName(t)}"`);
    db.exec(`ALTER TABLE "${stagingName(t)}" RENAME TO "${t}"`);
  }
}
