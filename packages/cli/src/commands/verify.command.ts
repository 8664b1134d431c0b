import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { verifyCentralChains } from '@comptoir/central';
import { verifyRegisterChains } from '@comptoir/register';
import type { ChainReport } from '@comptoir/domain';
import { VerifyConfig, parseConfig } from '../config';

/**
 * `comptoir verify`: re-checks every signed chain — numbers gapless from 1, each record's
 * prevSignature equal to the previous record's signature, each signature valid for the register's
 * public key. Reads the database read-only; exit code 1 when any chain breaks, 2 on bad usage.
 */
export async function runVerify(flags: Record<string, unknown>): Promise<void> {
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
