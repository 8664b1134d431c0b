import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCentralChains } from '@comptoir/central';
import { verifyRegisterChains } from '@comptoir/register';
import { recomputeClosures, verifyArchive, verifyArchiveSequence, type ArchiveCheck, chainReportLine, type ChainReport } from '@comptoir/domain';
import { ConfigError, VerifyConfig, parseConfig } from '../config';

/**
 * `comptoir verify`: re-checks every signed chain — numbers gapless from 1, each record's
 * prevSignature equal to the previous record's signature, each signature valid for the register's
 * public key. Reads the database read-only; exit code 1 when any chain breaks, 2 on bad usage.
 * With `--archive FILE` (repeatable) and `--key-id HEX`, checks NF525 archive files on their own
 * instead (no database; exit codes below).
 */
export async function runVerify(flags: Record<string, unknown>): Promise<void> {
  // Exactly one source on the command line; the COMPTOIR_DATA / COMPTOIR_DATABASE_URL variables
  // only fill in when none is given (they are defaults, not a choice).
  const archives = (flags.archive as string[] | undefined) ?? [];
  const keyIds = (flags.keyId as string[] | undefined) ?? [];
  const given = [...(['data', 'databaseUrl'] as const).filter((k) => flags[k] !== undefined), ...(archives.length > 0 ? ['archive'] : [])];
  if (given.length > 1) throw new ConfigError('invalid options:\n  give only one of --data DIR, --database-url URL, --archive FILE');
  if (archives.length > 0) return verifyArchiveFiles(archives, keyIds);
  if (keyIds.length > 0) throw new ConfigError('invalid options:\n  --key-id goes with --archive FILE');
  if (given.length === 0 && !process.env.COMPTOIR_DATA && !process.env.COMPTOIR_DATABASE_URL) {
    throw new ConfigError('invalid options:\n  give one of --data DIR, --database-url URL, --archive FILE');
  }
  const config = parseConfig(VerifyConfig, {
    data: flags.data ?? process.env.COMPTOIR_DATA,
    databaseUrl: flags.databaseUrl ?? process.env.COMPTOIR_DATABASE_URL,
  });
  let reports: ChainReport[];
  if (config.databaseUrl) {
    reports = await verifyCentralChains(config.databaseUrl);
  } else if (existsSync(join(config.data!, 'register.sqlite'))) {
    reports = await verifyRegisterChains(join(config.data!, 'register.sqlite'));
  } else if (existsSync(join(config.data!, 'central.sqlite'))) {
    reports = await verifyCentralChains(join(config.data!, 'central.sqlite'));
  } else {
    console.error(`no register.sqlite nor central.sqlite in ${config.data}`);
    process.exit(2);
  }
  for (const r of reports) {
    console.log(chainReportLine(r));
  }
  const broken = reports.filter((r) => !r.ok).length;
  console.log(broken === 0 ? `all ${reports.length} chains verify` : `${broken} chain(s) broken`);
  process.exit(broken === 0 ? 0 : 1);
}

/** Exit codes of `comptoir verify --archive` (docs/architecture.md §8): 3 = every signature valid, but under no key given to authenticate it. */
const ARCHIVE_OK = 0;
const ARCHIVE_BROKEN = 1;
const ARCHIVE_UNREADABLE = 2;
const ARCHIVE_KEY_NOT_AUTHENTICATED = 3;

/**
 * `comptoir verify --archive FILE [--archive FILE2 …] [--key-id HEX …]`: per file, one line per fact
 * it states (register, period, records per range, key ids), its verdict, then the continuity of
 * consecutive files. A file carries its own public key, so its signatures prove nothing until that
 * key is the one registered centrally: exit 0 only when every file verifies, follows the previous
 * one and is signed under a `--key-id` given; 1 when one is broken, out of sequence or signed by
 * another key; 3 when all verify but no `--key-id` was given; 2 when a file cannot be read.
 */
function verifyArchiveFiles(files: readonly string[], keyIdFlags: readonly string[]): never {
  const badKeyId = keyIdFlags.find((k) => !/^[0-9a-f]{64}$/i.test(k));
  if (badKeyId !== undefined) throw new ConfigError(`invalid options:\n  --key-id ${badKeyId}: 64 hexadecimal digits (SHA-256 of the key, GET /api/registers/:id/keys)`);
  const registered = new Set(keyIdFlags.map((k) => k.toLowerCase()));
  const checks: Extract<ArchiveCheck, { ok: true }>[] = [];
  let otherKey = false;
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      console.error(`cannot read ${file}: ${(e as Error).message}`);
      process.exit(ARCHIVE_UNREADABLE);
    }
    const check = verifyArchive(text);
    if (files.length > 1) console.log(`file ${file}`);
    if (!check.ok) {
      if (check.keyFingerprint) console.log(`key id ${check.keyFingerprint}`);
      console.log(`ARCHIVE BROKEN: ${check.reason}`);
      process.exit(ARCHIVE_BROKEN);
    }
    console.log(`register ${check.registerId}`);
    console.log(`period ${check.periodKey} (${check.kind === 'year' ? 'fiscal year' : 'month'})`);
    const who = check.identity;
    if (who.siret !== undefined) console.log(`siret ${who.siret}`);
    if (who.storeId !== undefined) console.log(`store ${who.storeId}${who.storeName ? ` (${who.storeName})` : ''}`);
    if (who.softwareVersion !== undefined) console.log(`software ${who.softwareVersion}`);
    for (const r of check.ranges) {
      const n = r.to - r.from + 1;
      console.log(`chain ${r.chain}: records ${r.from}..${r.to} (${n} record${n === 1 ? '' : 's'})`);
    }
    console.log(`records ${check.records}`);
    for (const id of check.keyIds) console.log(`key id ${id}${registered.size === 0 ? '' : registered.has(id) ? ' (registered)' : ' (NOT the registered key)'}`);
    if (registered.size > 0 && !check.keyIds.every((id) => registered.has(id))) otherKey = true;
    checks.push(check);
  }
  const sequence = verifyArchiveSequence(checks);
  if (!sequence.ok) {
    console.log(`ARCHIVES NOT CONSECUTIVE: ${sequence.reason}`);
    process.exit(ARCHIVE_BROKEN);
  }
  if (checks.length > 1) console.log(`${checks.length} archives consecutive`);
  // Every Z recomputed from the archived tickets it covers (never taken at its word).
  // A fiscal-year archive and the month archives of its year hold the same records: each counts once.
  const unique = new Map(checks.flatMap((c) => c.signed).map((r) => [`${r.chain}:${r.number}`, r]));
  const closures = recomputeClosures([...unique.values()]);
  if (!closures.ok) {
    console.log(`ARCHIVE BROKEN: ${closures.reason}`);
    process.exit(ARCHIVE_BROKEN);
  }
  console.log(`closures recomputed from their tickets: ${closures.recomputed}`);
  for (const n of closures.notRecomputed) console.log(`closure ${n.number} (${n.periodKey}) not fully recomputed: ${n.reason}`);
  if (otherKey) {
    console.log('ARCHIVE REFUSED: signed by another key than the one given with --key-id');
    process.exit(ARCHIVE_BROKEN);
  }
  if (registered.size === 0) {
    console.log('SIGNATURES VALID, KEY NOT AUTHENTICATED: give the key id registered centrally with --key-id');
    process.exit(ARCHIVE_KEY_NOT_AUTHENTICATED);
  }
  console.log('ARCHIVE OK');
  process.exit(ARCHIVE_OK);
}
