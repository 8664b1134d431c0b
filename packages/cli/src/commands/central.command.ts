import { privateDirectory } from '@comptoir/db';
import { startCentralServer } from '@comptoir/central';
import { CentralConfig, parseConfig, withEnv } from '../config';
import { createLogger } from '../logger';
import { stopOnSignals } from './signals';

export async function runCentral(flags: Record<string, unknown>): Promise<void> {
  const config = parseConfig(
    CentralConfig,
    withEnv(flags, {
      data: 'COMPTOIR_DATA',
      port: 'COMPTOIR_PORT',
      host: 'COMPTOIR_HOST',
      databaseUrl: 'COMPTOIR_DATABASE_URL',
      seed: 'COMPTOIR_SEED',
      metricsToken: 'COMPTOIR_METRICS_TOKEN',
      minSosInterval: 'COMPTOIR_MIN_SOS_INTERVAL',
      requestTimeout: 'COMPTOIR_REQUEST_TIMEOUT',
      maxPushesInFlight: 'COMPTOIR_MAX_PUSHES_IN_FLIGHT',
      maxCopiesInFlight: 'COMPTOIR_MAX_COPIES_IN_FLIGHT',
      enrolCodeTtl: 'COMPTOIR_ENROL_CODE_TTL',
      logLevel: 'COMPTOIR_LOG_LEVEL',
    }),
  );
  privateDirectory(config.data);
  const logger = createLogger(config.logLevel, 'central');
  const central = await startCentralServer({
    dataDir: config.data,
    port: config.port,
    host: config.host,
    databaseUrl: config.databaseUrl,
    seed: config.seed,
    minSosIntervalSeconds: config.minSosInterval,
    enrolCodeTtlSeconds: config.enrolCodeTtl,
    ...(config.metricsToken ? { metricsToken: config.metricsToken } : {}),
    clientRequestTimeoutMs: config.requestTimeout * 1000,
    admission: { pushes: config.maxPushesInFlight, copies: config.maxCopiesInFlight },
    logger,
  });
  logger.info({ url: central.url }, 'central server ready');
  stopOnSignals(logger, () => central.close());
}
