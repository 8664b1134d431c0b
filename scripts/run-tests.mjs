// Runs the test files with Node's own test runner (through tsx) and ends with one plain line:
// `N passed, N failed, N skipped` (docs/architecture.md §12).
//
// Usage: node scripts/run-tests.mjs [--unit] [substring...]
//   --unit       only the unit tier: *.unit.test.ts anywhere, and every test of domain and protocol
//                (pure: no build, no PostgreSQL, no browser)
//   substring    only the files whose path contains one of them
//
// Otherwise, before the files run: the bundled `comptoir` and central's worker are rebuilt (into a
// temporary folder renamed into place), ONE throwaway PostgreSQL is started for the whole run and
// its URL handed to every file (COMPTOIR_TEST_DATABASE_URL), and the browser is found once
// (COMPTOIR_CHROMIUM). A missing PostgreSQL fails the run unless COMPTOIR_TEST_NO_POSTGRES=1, and
// then its suites are counted as skipped. Files run COMPTOIR_TEST_CONCURRENCY at a time (default 1);
// a file whose first lines hold `test-runner: serial` runs alone
// after the others.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const filters = args.filter((a) => a !== '--unit');

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

const env = { ...process.env };
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
    const { register } = await import('tsx/esm/api');
    register();
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

  const concurrency = Number(process.env.COMPTOIR_TEST_CONCURRENCY ?? 1);
  const serial = selected.filter((f) => /test-runner: serial/.test(readFileSync(f, 'utf8').slice(0, 2000)));
  const parallel = selected.filter((f) => !serial.includes(f));
  const results = { pass: 0, fail: 0, cancelled: 0, skipped: 0 };
  for (const [batch, n] of [[parallel, concurrency], [serial, 1]]) {
    if (batch.length === 0) continue;
    const r = await runBatch(batch, n);
    for (const k of Object.keys(results)) results[k] += r.counts[k];
    if (r.code !== 0) status = 1;
  }
  if (results.fail > 0 || results.cancelled > 0) status = 1;
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

/** One `node --test` over `batch`, `n` files at a time; spec output for people, TAP to count. */
async function runBatch(batch, n) {
  const dir = mkdtempSync(join(tmpdir(), 'comptoir-tests-'));
  const tap = join(dir, 'results.tap');
  const child = spawn(
    process.execPath,
    [
      '--import', 'tsx', '--test', `--test-concurrency=${n}`,
      '--test-reporter=spec', '--test-reporter-destination=stdout',
      '--test-reporter=tap', `--test-reporter-destination=${tap}`,
      ...batch,
    ],
    { stdio: 'inherit', env },
  );
  const code = await new Promise((resolve) => child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  rmSync(dir, { recursive: true, force: true });
  const total = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  // A skipped suite (e.g. PostgreSQL opted out) is not in the runner's own `# skipped` total: count
  // every test or suite reported `# SKIP` instead.
  const skipped = (text.match(/^\s*ok \d+ - .* # SKIP\b/gm) ?? []).length;
  return { code, counts: { pass: total('pass'), fail: total('fail'), cancelled: total('cancelled'), skipped } };
}

function Failure(message) {
  this.message = message;
}
