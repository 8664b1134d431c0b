import { privateDirectory } from '@comptoir/db';
import { parseAddressList, startCentralServer } from '@comptoir/central';
import { CentralConfig, ConfigError, parseConfig, withEnv } from '../config';
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
      metricsAllow: 'COMPTOIR_METRICS_ALLOW',
      trustProxy: 'COMPTOIR_TRUST_PROXY',
      minSosInterval: 'COMPTOIR_MIN_SOS_INTERVAL',
      requestTimeout: 'COMPTOIR_REQUEST_TIMEOUT',
      maxPushesInFlight: 'COMPTOIR_MAX_PUSHES_IN_FLIGHT',
      maxCopiesInFlight: 'COMPTOIR_MAX_COPIES_IN_FLIGHT',
      enrolCodeTtl: 'COMPTOIR_ENROL_CODE_TTL',
      presence: 'COMPTOIR_PRESENCE',
      logLevel: 'COMPTOIR_LOG_LEVEL',
    }),
  );
  const addresses = (flag: string, text: string) => {
    const { entries, invalid } = parseAddressList(text);
    if (invalid.length) throw new ConfigError(`invalid options:\n  --${flag}: not an IP address or CIDR block: ${invalid.join(', ')} (e.g. 127.0.0.1,10.0.0.0/8)`);
    return entries;
  };
  const metricsAllow = addresses('metrics-allow', config.metricsAllow);
  const trustProxy = addresses('trust-proxy', config.trustProxy);
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
    metricsAllow,
    trustProxy,
    clientRequestTimeoutMs: config.requestTimeout * 1000,
    admission: { pushes: config.maxPushesInFlight, copies: config.maxCopiesInFlight },
    ...(config.presence === 'off' ? { presence: false as const } : {}),
    logger,
  });
  logger.info({ url: central.url }, 'central server ready');
  stopOnSignals(logger, () => central.close());
}
