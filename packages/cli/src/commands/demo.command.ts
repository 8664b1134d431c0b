import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { centralEndpoints, createApiClient } from '@comptoir/protocol';
import { privateDirectory, tightenFile } from '@comptoir/db';
import { join, resolve } from 'node:path';
import { startCentralServer } from '@comptoir/central';
import { startRegisterAgent } from '@comptoir/register';
import { DemoConfig, parseConfig, withEnv } from '../config';
import { createLogger } from '../logger';
import { stopOnSignals } from './signals';
import { DemoLinks } from '../demo/demo-links';
import { DemoFile, type DemoRegister } from '../demo/demo-file';

/**
 * `comptoir demo`: a whole shop on one machine. Phases:
 *  1. central server on --port, seeded with the demo store (idempotent across restarts);
 *  2. each register created and enrolled once (kept in DIR/demo.json and DIR/register-N/);
 *  3. each register reaches the central server through its own link, which the back office
 *     (or POST /api/demo/links/:registerId {up}) cuts and restores: a cut link drops packets
 *     silently, like a pulled cable, the hardest case for the register to detect.
 */
export async function runDemo(flags: Record<string, unknown>): Promise<void> {
  const config = parseConfig(
    DemoConfig,
    withEnv(flags, { data: 'COMPTOIR_DATA', registers: 'COMPTOIR_DEMO_REGISTERS', port: 'COMPTOIR_PORT', host: 'COMPTOIR_HOST', minSosInterval: 'COMPTOIR_MIN_SOS_INTERVAL', logLevel: 'COMPTOIR_LOG_LEVEL' }),
  );
  const dataDir = resolve(config.data);
  privateDirectory(dataDir);
  const logger = createLogger(config.logLevel, 'demo');
  const links = new DemoLinks();

  const central = await startCentralServer({
    dataDir: join(dataDir, 'central'),
    port: config.port,
    host: config.host,
    seed: 'demo',
    minSosIntervalSeconds: config.minSosInterval,
    logger: logger.child({ part: 'central' }),
    demoLinks: links,
  });
  const credentials = JSON.parse(readFileSync(join(dataDir, 'central', 'credentials.json'), 'utf8'));
  const { token } = await createApiClient({ baseUrl: central.url }).call(centralEndpoints.login, { body: credentials.admin });
  const admin = createApiClient({ baseUrl: central.url, token });

  const demoFilePath = join(dataDir, 'demo.json');
  const previous = existsSync(demoFilePath) ? DemoFile.parse(JSON.parse(readFileSync(demoFilePath, 'utf8'))) : null;
  const registers: DemoRegister[] = [];
  const agents: { close(): Promise<void> }[] = [];

  for (let i = 0; i < config.registers; i++) {
    const name = `Caisse ${i + 1}`;
    const registerDir = join(dataDir, `register-${i + 1}`);
    const known = previous?.registers[i];
    let registerId = known?.id;
    let enrolCode: string | undefined;
    if (!registerId || !existsSync(join(registerDir, 'register.sqlite'))) {
      const created = await admin.call(centralEndpoints.createRegister, { body: { name } });
      registerId = created.id;
      enrolCode = created.enrolCode;
    }
    const link = await links.open(registerId, new URL(central.url));
    privateDirectory(registerDir);
    const port = config.port === 0 ? 0 : config.port + i + 1;
    const agent = await startRegisterAgent({
      dataDir: registerDir,
      port,
      host: config.host,
      centralUrl: link.url,
      enrolCode,
      logger: logger.child({ part: name }),
    });
    agents.push(agent);
    registers.push({ id: registerId, name, url: agent.url });
  }

  const demo: DemoFile = { ...credentials, centralUrl: central.url, registers };
  // It holds the admin password: the user's only.
  writeFileSync(demoFilePath, JSON.stringify(demo, null, 2), { mode: 0o600 });
  tightenFile(demoFilePath);
  printWelcome(demo, demoFilePath);

  stopOnSignals(logger, async () => {
    for (const a of agents) await a.close();
    await links.close();
    await central.close();
  });
}

function printWelcome(demo: DemoFile, file: string): void {
  const lines = [
    '',
    'Comptoir demo is running.',
    `  Central server : ${demo.centralUrl}   (admin: ${demo.admin.username} / ${demo.admin.password})`,
    ...demo.registers.map((r) => `  ${r.name.padEnd(14)} : ${r.url}   (cashier: ${demo.cashier.login} / PIN ${demo.cashier.pin})`),
    '',
    'Cut a register\'s link to the central server and watch it switch to autonomous mode:',
    `  curl -X POST ${demo.centralUrl}/api/demo/links/<registerId> -H 'authorization: Bearer <token>' \\`,
    `       -H 'content-type: application/json' -d '{"up":false}'`,
    `Everything above is in ${file}. Ctrl-C stops the demo; data stays for the next start.`,
    '',
  ];
  process.stdout.write(lines.join('\n') + '\n');
}
