import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCentralChains } from '@comptoir/central';
import { verifyRegisterChains } from '@comptoir/register';
import { verifyArchive, type ChainReport } from '@comptoir/domain';
import { ConfigError, VerifyConfig, parseConfig } from '../config';

/**
 * `comptoir verify`: re-checks every signed chain — numbers gapless from 1, each record's
 * prevSignature equal to the previous record's signature, each signature valid for the register's
 * public key. Reads the database read-only; exit code 1 when any chain breaks, 2 on bad usage.
 * With `--archive FILE`, checks one NF525 archive file on its own instead (no database).
 */
export async function runVerify(flags: Record<string, unknown>): Promise<void> {
  // Exactly one source on the command line; the COMPTOIR_DATA / COMPTOIR_DATABASE_URL variables
  // only fill in when none is given (they are defaults, not a choice).
  const given = (['data', 'databaseUrl', 'archive'] as const).filter((k) => flags[k] !== undefined);
  if (given.length > 1) throw new ConfigError('invalid options:\n  give only one of --data DIR, --database-url URL, --archive FILE');
  if (typeof flags.archive === 'string') return verifyArchiveFile(flags.archive);
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
    console.log(`${r.ok ? 'ok   ' : 'BROKEN'} register ${r.registerId} chain ${r.chain}: ${r.records} records${r.problem ? ` — ${r.problem}` : ''}`);
  }
  const broken = reports.filter((r) => !r.ok).length;
  console.log(broken === 0 ? `all ${reports.length} chains verify` : `${broken} chain(s) broken`);
  process.exit(broken === 0 ? 0 : 1);
}

/**
 * `comptoir verify --archive FILE`: one line per fact the file states (register, period, records
 * per range, key fingerprint — to compare with the key registered centrally), then the verdict.
 * Exit 0 when the file verifies, 1 when it does not, 2 when it cannot be read.
 */
function verifyArchiveFile(file: string): never {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    console.error(`cannot read ${file}: ${(e as Error).message}`);
    process.exit(2);
  }
  const check = verifyArchive(text);
  if (check.ok) {
    console.log(`register ${check.registerId}`);
    console.log(`period ${check.periodKey}`);
    for (const r of check.ranges) {
      const n = r.to - r.from + 1;
      console.log(`chain ${r.chain}: records ${r.from}..${r.to} (${n} record${n === 1 ? '' : 's'})`);
    }
    console.log(`records ${check.records}`);
    console.log(`key fingerprint ${check.keyFingerprint}`);
    console.log('ARCHIVE OK');
    process.exit(0);
  }
  if (check.keyFingerprint) console.log(`key fingerprint ${check.keyFingerprint}`);
  console.log(`ARCHIVE BROKEN: ${check.reason}`);
  process.exit(1);
}
