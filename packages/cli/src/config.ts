import { z } from 'zod';

/**
 * The one configuration schema. Each command's options come from its flags, else from `COMPTOIR_*`
 * environment variables, else defaults; they are parsed once, in `main`, and passed down.
 */
const Port = z.coerce.number().int().min(0).max(65535);
/** Bearer token of `GET /metrics` (Prometheus scraper); unset = metrics disabled. */
const MetricsToken = z.string().min(16, 'the metrics token needs at least 16 characters').regex(/^\S+$/, 'no spaces in the metrics token').optional();
/** Floor of a copy schedule: seconds between two firings of one expression (a full copy is heavy). */
const MinSosInterval = z.coerce.number().int().min(1, 'at least 1 second').max(7 * 24 * 3600).default(900);
/** Seconds a client has to send a whole request (headers and body): a trickled body is cut after it. */
const RequestTimeout = z.coerce.number().int().min(1).max(600).default(30);
/**
 * A comma-separated list of IP addresses and CIDR blocks (`127.0.0.1,10.0.0.0/8,fd00::/8`), for
 * --trust-proxy and --metrics-allow; absent = none. Each entry is checked by the central command
 * (central's address-list.ts: the one reading of an address).
 */
const AddressList = z.string().default('');
const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');

export const CentralConfig = z.object({
  data: z.string().min(1, 'a data directory is required (--data or COMPTOIR_DATA)'),
  port: Port.default(4000),
  host: z.string().default('127.0.0.1'),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  seed: z.enum(['demo']).optional(),
  metricsToken: MetricsToken,
  /** Addresses that may scrape /metrics without the token (a Prometheus on the LAN). */
  metricsAllow: AddressList,
  /** Reverse proxies whose X-Forwarded-For gives the client's address (throttling, advertisedUrl, metricsAllow). */
  trustProxy: AddressList,
  minSosInterval: MinSosInterval,
  requestTimeout: RequestTimeout,
  /** Admission control (busy is not down): in-flight bounds of the push and copy paths. */
  maxPushesInFlight: z.coerce.number().int().min(1).max(10_000).default(32),
  maxCopiesInFlight: z.coerce.number().int().min(1).max(10_000).default(16),
  /** Lifetime of a one-time enrolment code, seconds (default 24 h). */
  enrolCodeTtl: z.coerce.number().int().min(60, 'at least 60 seconds').max(90 * 24 * 3600).default(24 * 3600),
  /**
   * Cheap liveness (central's modules/fleet/presence.ts): on by default; `off` makes every heartbeat
   * read and write the database (to diagnose, and the fleet benchmark's baseline).
   */
  presence: z.enum(['on', 'off']).default('on'),
  logLevel: LogLevel,
});
export type CentralConfig = z.infer<typeof CentralConfig>;

export const RegisterConfig = z.object({
  data: z.string().min(1, 'a data directory is required (--data or COMPTOIR_DATA)'),
  central: z.url({ message: 'the central server URL is required (--central or COMPTOIR_CENTRAL_URL)' }),
  port: Port.default(4101),
  host: z.string().default('127.0.0.1'),
  enrol: z.string().optional(),
  heartbeatMs: z.coerce.number().int().min(50).max(60000).default(1000),
  /** URL central uses to reach this register (prepare-outage); default: the listen URL. */
  advertiseUrl: z.url({ message: 'must be a URL, e.g. http://10.0.0.12:4101' }).optional(),
  /** ESC/POS receipt printer on the network; default: none (no paper, receipts stay reprintable). */
  printer: z.string().regex(/^tcp:\/\/(\[[^\]]+\]|[^:/\s]+)(:\d{1,5})?\/?$/, 'must be tcp://HOST:PORT, e.g. tcp://192.168.1.50:9100').optional(),
  metricsToken: MetricsToken,
  /** The private signing key's file (0600, never in the database); default DATA/signing-key.pem. */
  keyFile: z.string().min(1).optional(),
  requestTimeout: RequestTimeout,
  logLevel: LogLevel,
});
export type RegisterConfig = z.infer<typeof RegisterConfig>;

export const DemoConfig = z.object({
  data: z.string().default('.data/demo'),
  registers: z.coerce.number().int().min(1).max(20).default(2),
  port: Port.default(4000),
  host: z.string().default('127.0.0.1'),
  minSosInterval: MinSosInterval,
  logLevel: LogLevel,
});
export type DemoConfig = z.infer<typeof DemoConfig>;

export const VerifyConfig = z.object({
  data: z.string().min(1).optional(),
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
}).refine((c) => c.data || c.databaseUrl, 'give --data DIR or --database-url');
export type VerifyConfig = z.infer<typeof VerifyConfig>;

export const SosCopyConfig = z.object({
  register: z.url({ message: 'the register URL is required (--register or COMPTOIR_REGISTER_URL)' }),
  login: z.string().min(1, 'a login is required (--login or COMPTOIR_LOGIN)'),
  pin: z.string().regex(/^[0-9]{4,8}$/, 'the PIN is 4 to 8 digits (--pin or COMPTOIR_PIN)'),
  timeoutMs: z.coerce.number().int().min(1000).default(300_000),
});
export type SosCopyConfig = z.infer<typeof SosCopyConfig>;

export const BackupConfig = z.object({
  data: z.string().min(1, 'a data directory is required (--data or COMPTOIR_DATA)'),
  out: z.string().min(1, 'the backup file is required (--out FILE)'),
});
export const RestoreConfig = z.object({
  from: z.string().min(1, 'the backup file is required (--from FILE)'),
  data: z.string().min(1, 'a data directory is required (--data or COMPTOIR_DATA)'),
});

export const ServiceConfig = z.object({
  role: z.enum(['register', 'central'], { message: 'the role is register or central (--role)' }),
  platform: z.enum(['linux', 'windows'], { message: 'the platform is linux or windows (--platform)' }).optional(),
  prefix: z.string().min(1).optional(),
  winsw: z.string().min(1).optional(),
  logDir: z.string().min(1).optional(),
  data: z.string().min(1).optional(),
  central: z.url({ message: 'must be a URL, e.g. https://central.example.com' }).optional(),
  port: Port.optional(),
  host: z.string().min(1).optional(),
  printer: z.string().optional(),
  user: z.string().regex(/^[a-z_][a-z0-9_-]{0,31}$/, 'a system user name such as comptoir-register').optional(),
  node: z.string().min(1).optional(),
  bin: z.string().min(1).optional(),
  envFile: z.string().min(1).optional(),
  dryRun: z.boolean().default(false),
  out: z.string().min(1).optional(),
});

/** Flags win over `COMPTOIR_<NAME>` variables; undefined values are left to the schema defaults. */
export function withEnv(flags: Record<string, unknown>, names: Record<string, string>, env = process.env) {
  const merged: Record<string, unknown> = {};
  for (const [key, envName] of Object.entries(names)) {
    merged[key] = flags[key] ?? env[envName] ?? undefined;
  }
  return merged;
}

export function parseConfig<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  --${i.path.join('.') || 'options'}: ${i.message}`);
    throw new ConfigError(`invalid options:\n${lines.join('\n')}`);
  }
  return r.data;
}

export class ConfigError extends Error {}
