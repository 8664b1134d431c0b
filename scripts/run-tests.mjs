// Runs the test files with Node's own test runner (through tsx) and ends with one plain line:
// `N passed, N failed, N skipped` (docs/architecture.md §12).
//
// Usage: node scripts/run-tests.mjs [--unit] [--typecheck] [substring...]
//   --unit       only the unit tier: *.unit.test.ts anywhere, and every test of domain and protocol
//                (pure: no build, no PostgreSQL, no browser)
//   --typecheck  also run `npm run typecheck` (tsc over the three projects), as one more job of the
//                pool beside the files (it is one core's work for ~40 s: the other slot runs files
//                meanwhile); a type error fails the run. `npm test` passes it.
//   substring    only the files whose path contains one of them
//
// Otherwise, before the files run: the bundled `comptoir` and central's worker are rebuilt (into a
// temporary folder renamed into place), ONE throwaway PostgreSQL is started for the whole run and
// its URL handed to every file (COMPTOIR_TEST_DATABASE_URL), and the browser is found once
// (COMPTOIR_CHROMIUM). A missing PostgreSQL fails the run unless COMPTOIR_TEST_NO_POSTGRES=1, and
// then its suites are counted as skipped. Each file runs in its own process, COMPTOIR_TEST_CONCURRENCY
// at a time (default DEFAULT_CONCURRENCY below), slowest first; its output is printed in one block
// when it ends, headed by its duration, and the run ends with the slowest files. A file whose first
// lines hold `test-runner: serial` runs alone after the others; one that holds `test-runner: heavy`
// (a browser, the chaos run) runs side by side with the others but never beside another heavy one.
// A file that runs longer than COMPTOIR_TEST_FILE_TIMEOUT_S (default 900) is killed with its process
// group and fails the run. Each file gets its own range of TCP ports (COMPTOIR_TEST_PORT_BASE and
// COMPTOIR_TEST_PORT_COUNT, claimed from PortRanges of packages/testing/src/ports.ts for as long as it
// runs; the runner keeps one for its PostgreSQL): freePort() hands them out, so no two files, nor two
// runners side by side, are ever handed the same port.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, sep } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

// Files side by side (COMPTOIR_TEST_CONCURRENCY overrides): measured in docs/testing.md.
const DEFAULT_CONCURRENCY = 3;

// A file still running after this long has hung (the slowest, the chaos run, takes ~4 min on a loaded
// machine): it is killed with its process group and fails the run. COMPTOIR_TEST_FILE_TIMEOUT_S overrides.
const FILE_TIMEOUT_MS = 1000 * (Number(process.env.COMPTOIR_TEST_FILE_TIMEOUT_S) || 900);
/** Process groups of the files running now: ended with the runner if it is interrupted. */
const running = new Set();
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const pid of running) killGroup(pid);
    process.exit(130);
  });
}

// Files start slowest first (by their last measured duration; unknown ones first of all), so the
// long end-to-end files do not start last and leave the other slot idle at the end of the run.
// The durations are kept in node_modules/.cache (per tree, never committed); a fresh clone (CI) has
// none yet and orders by BASELINE, durations of one full run committed beside this script (only an
// ordering hint: a stale figure costs a few seconds of idle slot, never a result).
const DURATIONS = join('node_modules', '.cache', 'comptoir-tests', 'durations.json');
const BASELINE = join('scripts', 'test-durations.json');
const TYPECHECK = 'typecheck (npm run typecheck)';
// USER_HZ of /proc/self/stat: 100 on every Linux architecture Node supports.
const CLOCK_TICKS = 100;

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const typecheck = args.includes('--typecheck');
const filters = args.filter((a) => a !== '--unit' && a !== '--typecheck');

const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('dist') || name.startsWith('.dist')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(p);
  }
}
for (const pkg of readdirSync('packages')) {
  for (const dir of ['test', 'src']) if (existsSync(join('packages', pkg, dir))) walk(join('packages', pkg, dir));
}
const isUnit = (f) => f.endsWith('.unit.test.ts') || f.startsWith(join('packages', 'domain') + sep) || f.startsWith(join('packages', 'protocol') + sep);
const selected = files
  .filter((f) => !unitOnly || isUnit(f))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const needsWorld = selected.some((f) => !isUnit(f));

const { register } = await import('tsx/esm/api');
register();
const { PortRanges } = await import('../packages/testing/src/ports.ts');
const portRanges = new PortRanges();
const env = { ...process.env };
// The runner's own range (its PostgreSQL's port); every file gets another one in runFile.
Object.assign(process.env, (await portRanges.claim()).env);
// The files (and the TypeScript processes they spawn) load kysely's CommonJS build, not its ESM one:
// same release, same code, but one file instead of ~260, each of which would otherwise cross tsx's
// loader thread (≈0.15 s of CPU per file; measured in docs/testing.md). scripts/tsconfig.tests.json
// is the root tsconfig plus that one path; TSX_TSCONFIG_PATH set by the caller wins.
env.TSX_TSCONFIG_PATH ??= fileURLToPath(new URL('./tsconfig.tests.json', import.meta.url));
// V8's code cache on disk for every process of the run (Node 22.1+; Node 20 ignores it): the test
// files, tsx, the bundles of central and the register, started again and again, are compiled once
// instead of once per process (measured in docs/testing.md). COMPTOIR_TEST_COMPILE_CACHE=0 turns it off.
if (process.env.COMPTOIR_TEST_COMPILE_CACHE !== '0') env.NODE_COMPILE_CACHE ??= resolve(dirname(DURATIONS), 'compile-cache');
const notes = [];
let postgres = null;
let status = 0;
try {
  if (needsWorld) {
    // The process tests run the bundled `comptoir` (as a till does), and central's signature worker
    // is compiled JavaScript: rebuild both so they match the sources.
    for (const script of ['packages/central/build.mjs', 'packages/cli/build.mjs']) {
      const built = spawnSync(process.execPath, [script], { stdio: 'inherit' });
      if (built.status !== 0) throw new Failure(`${script} failed`);
    }
    const testing = await import('@comptoir/testing');
    if (testing.postgresOptedOut()) {
      notes.push(`PostgreSQL: none (${testing.NO_POSTGRES_VAR}=1): its suites are reported skipped`);
    } else if (env.COMPTOIR_TEST_DATABASE_URL) {
      notes.push('PostgreSQL: the server of COMPTOIR_TEST_DATABASE_URL');
    } else {
      try {
        postgres = await testing.startPostgres({ throwaway: true });
      } catch (e) {
        throw new Failure(`PostgreSQL could not be started: ${e.message}`);
      }
      env.COMPTOIR_TEST_DATABASE_URL = postgres.url;
      notes.push(`PostgreSQL: one server for the run, from ${testing.postgresBinDir()}`);
    }
    try {
      const browser = await testing.chromiumExecutable();
      env.COMPTOIR_CHROMIUM = browser.path;
      notes.push(`browser: ${browser.path} (${browser.source})`);
    } catch (e) {
      throw new Failure(`no browser for the screen tests: ${e.message}`);
    }
    for (const note of notes) console.log(`tests: ${note}`);
  }

  const concurrency = Math.max(1, Number(process.env.COMPTOIR_TEST_CONCURRENCY ?? DEFAULT_CONCURRENCY) || 1);
  const marker = (f) => /test-runner: (serial|heavy)/.exec(readFileSync(f, 'utf8').slice(0, 2000))?.[1];
  const serial = selected.filter((f) => marker(f) === 'serial');
  const heavy = new Set(selected.filter((f) => marker(f) === 'heavy'));
  const parallel = [...selected.filter((f) => !serial.includes(f)), ...(typecheck ? [TYPECHECK] : [])];
  const known = readDurations();
  const startedAt = Date.now();
  const cpuAtStart = childrenCpuSeconds();
  const runs = [...(await runPool(slowestFirst(parallel, known), concurrency, false, heavy)), ...(await runPool(slowestFirst(serial, known), 1, true))];
  saveDurations(known, runs);

  const results = { pass: 0, fail: 0, cancelled: 0, skipped: 0 };
  for (const r of runs) for (const k of Object.keys(results)) results[k] += r.counts[k];
  const failedFiles = runs.filter((r) => r.failed);
  if (failedFiles.length > 0) status = 1;
  const wall = (Date.now() - startedAt) / 1000;
  const cpu = childrenCpuSeconds() - cpuAtStart;
  // The files' CPU (with the servers and browsers they ran and waited for) against the wall time: near
  // the number of cores, the machine was busy all along and more files side by side cannot help.
  const busy = Number.isFinite(cpu) ? `, ${cpu.toFixed(0)} s of CPU (${(cpu / wall).toFixed(2)} cores on average)` : '';
  console.log(`\ntests: ${runs.length} jobs in ${wall.toFixed(0)} s${busy} (${parallel.length} side by side, ${concurrency} at a time, ${heavy.size} of them heavy, one heavy at a time; ${serial.length} alone after them); slowest:`);
  for (const r of [...runs].sort((a, b) => b.ms - a.ms).slice(0, 12)) console.log(`  ${seconds(r.ms).padStart(6)}  ${r.file}${r.serial ? ' (serial)' : ''}${outsideTests(r)}`);
  for (const r of failedFiles) console.log(`✖ ${r.file}${r.crashed ? ` (exit ${r.code}: crashed or timed out)` : ''}`);
  if (results.cancelled > 0) console.log(`\n${results.cancelled} cancelled (a file crashed or timed out)`);
  console.log(`\n${results.pass} passed, ${results.fail + results.cancelled} failed, ${results.skipped} skipped`);
} catch (e) {
  if (!(e instanceof Failure)) throw e;
  console.error(`\ntests: ${e.message}`);
  console.log('\n0 passed, 1 failed, 0 skipped');
  status = 1;
} finally {
  await postgres?.stop();
}
process.exit(status);

/**
 * Runs `batch` `n` files at a time, each in its own process; answers one result per file. A worker
 * takes the first file of the queue (slowest first) it may start: a file of `heavy` only while no
 * other heavy file runs. When only heavy files are left and one runs, the free worker waits for the
 * next file to end (one heavy file beside light ones is the most the 2 cores carry without the
 * browser and chaos tests' timings suffering).
 */
async function runPool(batch, n, serial, heavy = new Set()) {
  const queue = [...batch];
  const runs = [];
  let heavyRunning = false;
  // Workers waiting for a file to end (only heavy files left while one runs): all woken at each end.
  const waiting = [];
  const next = () => {
    const i = queue.findIndex((f) => !(heavyRunning && heavy.has(f)));
    return i < 0 ? undefined : queue.splice(i, 1)[0];
  };
  const worker = async () => {
    while (queue.length > 0) {
      const file = next();
      if (file === undefined) {
        await new Promise((resolve) => waiting.push(resolve));
        continue;
      }
      if (heavy.has(file)) heavyRunning = true;
      runs.push(await runFile(file, serial));
      if (heavy.has(file)) heavyRunning = false;
      for (const wake of waiting.splice(0)) wake();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, batch.length) }, worker));
  return runs;
}

/**
 * One test file in its own Node process (as `node --test` would run it): spec output for people,
 * printed in one block when the file ends (so files running side by side never interleave), TAP to
 * count. A file that exits non-zero without a failing test crashed (or hung and was killed).
 */
async function runFile(file, serial) {
  if (file === TYPECHECK) return runTypecheck();
  const dir = mkdtempSync(join(tmpdir(), 'comptoir-tests-'));
  const tap = join(dir, 'results.tap');
  const ports = await portRanges.claim();
  const started = Date.now();
  // Its own process group (detached), so that a file that hangs is ended with every process it
  // started (servers, browsers) after FILE_TIMEOUT_MS, and counted as failed instead of hanging the run.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, file],
    { stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, ...ports.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' }, detached: true },
  );
  running.add(child.pid);
  let timedOut = false;
  const watchdog = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, FILE_TIMEOUT_MS);
  const { code, output } = await finished(child);
  clearTimeout(watchdog);
  running.delete(child.pid);
  // Whatever the file left behind in its group (a server its exit hooks did not stop) goes with it.
  killGroup(child.pid);
  await ports.release();
  if (timedOut) output.push(Buffer.from(`\n${file}: ended after ${seconds(FILE_TIMEOUT_MS)} (COMPTOIR_TEST_FILE_TIMEOUT_S), with every process it started\n`));
  const ms = Date.now() - started;
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  rmSync(dir, { recursive: true, force: true });
  const total = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  // A skipped suite (e.g. PostgreSQL opted out) is not in the runner's own `# skipped` total: count
  // every test or suite reported `# SKIP` instead.
  const skipped = (text.match(/^\s*ok \d+ - .* # SKIP\b/gm) ?? []).length;
  const counts = { pass: total('pass'), fail: total('fail'), cancelled: total('cancelled'), skipped };
  // The runner's own measure of the tests; the rest of the file's time is loading it and whatever
  // kept its process alive after the last test (an open socket or timer shows up here).
  const testMs = Number(/^# duration_ms ([\d.]+)$/m.exec(text)?.[1] ?? NaN);
  const crashed = code !== 0 && counts.fail === 0 && counts.cancelled === 0;
  if (crashed) counts.cancelled += 1;
  const failed = code !== 0 || counts.fail > 0 || counts.cancelled > 0;
  process.stdout.write(`\n${failed ? '✖' : '✔'} ${file} (${seconds(ms)}${serial ? ', serial' : ''})\n`);
  process.stdout.write(Buffer.concat(output));
  return { file, ms, testMs, code, counts, failed, crashed, serial };
}

/** SIGKILL to a file's process group (nothing left to kill is fine). */
function killGroup(pid) {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

/** A child's exit code (1 when killed by a signal) and everything it wrote, both streams in order. */
async function finished(child) {
  const output = [];
  child.stdout.on('data', (b) => output.push(b));
  child.stderr.on('data', (b) => output.push(b));
  const code = await new Promise((resolve) => child.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  return { code, output };
}

/** `npm run typecheck` as one job: counted as one failure when tsc finds an error, as nothing otherwise. */
async function runTypecheck() {
  const started = Date.now();
  const { code, output } = await finished(spawn('npm', ['run', '--silent', 'typecheck'], { stdio: ['ignore', 'pipe', 'pipe'], env }));
  const ms = Date.now() - started;
  const failed = code !== 0;
  process.stdout.write(`\n${failed ? '✖' : '✔'} ${TYPECHECK} (${seconds(ms)})\n`);
  process.stdout.write(Buffer.concat(output));
  const counts = { pass: 0, fail: failed ? 1 : 0, cancelled: 0, skipped: 0 };
  return { file: TYPECHECK, ms, testMs: ms, code, counts, failed, crashed: false, serial: false };
}

/** Flags a file whose process lived well beyond its tests (load + lingering handles over 3 s). */
function outsideTests(r) {
  const outside = r.ms - r.testMs;
  return Number.isFinite(outside) && outside > 3000 ? ` (${seconds(outside)} outside its tests)` : '';
}

/**
 * CPU seconds (user + system) of the processes this one has waited for (and of those they waited
 * for): the test files, their servers and browsers, the typecheck. Linux only (/proc); NaN elsewhere.
 */
function childrenCpuSeconds() {
  try {
    // Fields after the command name: cutime and cstime are the 14th and 15th (see proc(5)).
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /s, '').split(' ');
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** The baseline's durations, overridden by this tree's own last measures. */
function readDurations() {
  const read = (path) => {
    try {
      return JSON.parse(readFileSync(path, 'utf8'));
    } catch {
      return {};
    }
  };
  return { ...read(BASELINE), ...read(DURATIONS) };
}

function slowestFirst(batch, known) {
  return [...batch].sort((a, b) => (known[b] ?? Infinity) - (known[a] ?? Infinity) || a.localeCompare(b));
}

function saveDurations(known, runs) {
  const next = { ...known };
  for (const r of runs) if (!r.crashed) next[r.file] = r.ms;
  try {
    mkdirSync(dirname(DURATIONS), { recursive: true });
    const temp = `${DURATIONS}.${process.pid}`;
    writeFileSync(temp, JSON.stringify(next, null, 1));
    renameSync(temp, DURATIONS);
  } catch {
    // only an ordering hint
  }
}

function Failure(message) {
  this.message = message;
}
