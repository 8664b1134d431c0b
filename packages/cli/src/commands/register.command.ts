import { privateDirectory } from '@comptoir/db';
import { startRegisterAgent } from '@comptoir/register';
import { RegisterConfig, parseConfig, withEnv } from '../config';
import { createLogger } from '../logger';
import { stopOnSignals } from './signals';

export async function runRegister(flags: Record<string, unknown>): Promise<void> {
  const config = parseConfig(
    RegisterConfig,
    withEnv(flags, {
      data: 'COMPTOIR_DATA',
      central: 'COMPTOIR_CENTRAL_URL',
      port: 'COMPTOIR_PORT',
      host: 'COMPTOIR_HOST',
      enrol: 'COMPTOIR_ENROL_CODE',
      heartbeatMs: 'COMPTOIR_HEARTBEAT_MS',
      advertiseUrl: 'COMPTOIR_ADVERTISE_URL',
      printer: 'COMPTOIR_PRINTER',
      metricsToken: 'COMPTOIR_METRICS_TOKEN',
      requestTimeout: 'COMPTOIR_REQUEST_TIMEOUT',
      keyFile: 'COMPTOIR_KEY_FILE',
      logLevel: 'COMPTOIR_LOG_LEVEL',
    }),
  );
  privateDirectory(config.data);
  const logger = createLogger(config.logLevel, 'register');
  const agent = await startRegisterAgent({
    dataDir: config.data,
    port: config.port,
    host: config.host,
    centralUrl: config.central,
    enrolCode: config.enrol,
    heartbeatIntervalMs: config.heartbeatMs,
    ...(config.advertiseUrl ? { advertiseUrl: config.advertiseUrl } : {}),
    ...(config.printer ? { printer: config.printer } : {}),
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    clientRequestTimeoutMs: config.requestTimeout * 1000,
    ...(config.keyFile ? { keyFile: config.keyFile } : {}),
    logger,
  });
  logger.info({ url: agent.url }, 'register agent ready');
  stopOnSignals(logger, () => agent.close());
}
