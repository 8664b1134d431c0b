import { chmodSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { verifyCentralChains } from '@comptoir/central';
import { verifyRegisterChains } from '@comptoir/register';
import { chainReportLine, type ChainReport } from '@comptoir/domain';
import { BackupConfig, RestoreConfig, parseConfig } from '../config';

// `comptoir backup` / `comptoir restore` for the SQLite databases of central and registers.
//
// backup: SQLite's online backup API (better-sqlite3 `backup()`) copies the database page by page
// while central or the register keeps running (a consistent snapshot, WAL included; never a file
// copy). The copy is written beside FILE, then verified — `PRAGMA integrity_check` and every signed
// chain (`comptoir verify`) — and only then renamed to FILE, mode 0600 (it holds PIN and password
// hashes). Exit 0 verified, 1 when the copy does not verify (no FILE is left), 2 on bad usage.
//
// restore: the server must be stopped. The backup is verified the same way, the current database
// (and its -wal/-shm) is moved aside to `<name>.before-restore-<time>`, and the backup takes its place.
// A central restored from an older backup gets back what it lacks from the registers (they re-push
// from the heads central answers: exactly once, no tamper alert).

const KINDS = ['central', 'register'] as const;
type Kind = (typeof KINDS)[number];

function databaseIn(dir: string): { kind: Kind; file: string } | null {
  for (const kind of KINDS) {
    const file = join(dir, `${kind}.sqlite`);
    if (existsSync(file)) return { kind, file };
  }
  return null;
}

/** What a database file is: central's (a `registers` table) or a register's (`register_meta`). */
function kindOf(file: string): Kind | null {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const has = (t: string) => db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(t) !== undefined;
    return has('register_meta') ? 'register' : has('registers') ? 'central' : null;
  } finally {
    db.close();
  }
}

/** integrity_check, then every chain; prints one line per chain, returns the problems. */
async function verifyCopy(file: string, kind: Kind): Promise<string[]> {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  let integrity: string;
  try {
    integrity = (db.pragma('integrity_check', { simple: true }) as string) ?? 'no answer';
  } finally {
    db.close();
  }
  if (integrity !== 'ok') return [`integrity_check: ${integrity}`];
  const reports: ChainReport[] = kind === 'register' ? await verifyRegisterChains(file) : await verifyCentralChains(file);
  for (const r of reports) console.log(chainReportLine(r));
  return reports.filter((r) => !r.ok).map((r) => `chain ${r.chain} of ${r.registerId}: ${r.problem}`);
}

export async function runBackup(flags: Record<string, unknown>): Promise<void> {
  const config = parseConfig(BackupConfig, { data: flags.data ?? process.env.COMPTOIR_DATA, out: flags.out });
  const source = databaseIn(config.data);
  if (!source) {
    console.error(`no central.sqlite nor register.sqlite in ${config.data} (PostgreSQL: see docs/operations.md, pg_basebackup / pg_dump)`);
    process.exit(2);
  }
  if (existsSync(config.out) && statSync(config.out).isDirectory()) {
    console.error(`--out must be a file, ${config.out} is a directory`);
    process.exit(2);
  }
  mkdirSync(dirname(config.out), { recursive: true });
  const partial = join(dirname(config.out), `.${basename(config.out)}.partial`);
  rmSync(partial, { force: true });
  // The running server's own connection keeps writing; the backup restarts over pages it changes.
  const db = new Database(source.file, { readonly: true, fileMustExist: true });
  try {
    const progress = await db.backup(partial);
    console.log(`copied ${progress.totalPages} pages of ${source.file}`);
  } finally {
    db.close();
  }
  chmodSync(partial, 0o600);
  const problems = await verifyCopy(partial, source.kind);
  if (problems.length > 0) {
    rmSync(partial, { force: true });
    console.log(`BACKUP NOT VERIFIED: ${problems.join('; ')}`);
    process.exit(1);
  }
  renameSync(partial, config.out);
  console.log(`BACKUP OK ${source.kind} ${config.out}`);
  process.exit(0);
}

export async function runRestore(flags: Record<string, unknown>): Promise<void> {
  const config = parseConfig(RestoreConfig, { from: flags.from, data: flags.data ?? process.env.COMPTOIR_DATA });
  if (!existsSync(config.from)) {
    console.error(`no backup file ${config.from}`);
    process.exit(2);
  }
  const kind = kindOf(config.from);
  if (!kind) {
    console.error(`${config.from} is neither a central nor a register database`);
    process.exit(2);
  }
  const present = databaseIn(config.data);
  if (present && present.kind !== kind) {
    console.error(`${config.data} holds a ${present.kind} database; ${config.from} is a ${kind} backup`);
    process.exit(2);
  }
  const problems = await verifyCopy(config.from, kind);
  if (problems.length > 0) {
    console.log(`RESTORE REFUSED, the backup does not verify: ${problems.join('; ')}`);
    process.exit(1);
  }
  mkdirSync(config.data, { recursive: true, mode: 0o700 });
  const target = join(config.data, `${kind}.sqlite`);
  const staged = `${target}.restoring`;
  const db = new Database(config.from, { readonly: true, fileMustExist: true });
  try {
    await db.backup(staged);
  } finally {
    db.close();
  }
  chmodSync(staged, 0o600);
  if (existsSync(target)) {
    const aside = `${target}.before-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, aside);
    for (const suffix of ['-wal', '-shm']) if (existsSync(target + suffix)) renameSync(target + suffix, aside + suffix);
    console.log(`the previous database is kept as ${aside}`);
  }
  renameSync(staged, target);
  console.log(`RESTORE OK ${kind} ${target}`);
  process.exit(0);
}
