// Runs every *.test.ts under packages/*/test with Node's own test runner (through tsx).
// Node 20's --test does not expand globs, so the file list is built here.
// Usage: node scripts/run-tests.mjs [substring filter...]
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';

const filters = process.argv.slice(2);
const files = [];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p);
    else if (name.endsWith('.test.ts')) files.push(p);
  }
}
for (const pkg of readdirSync('packages')) {
  try { walk(join('packages', pkg, 'test')); } catch { /* package without tests */ }
}
const selected = files.filter((f) => filters.length === 0 || filters.some((s) => f.includes(s))).sort();
if (selected.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// The process tests run the bundled `comptoir` (as a till does), and the central server's signature
// worker is compiled JavaScript: rebuild both so they match the sources.
for (const script of ['packages/central/build.mjs', 'packages/cli/build.mjs']) {
  const built = spawnSync(process.execPath, [script], { stdio: 'inherit' });
  if (built.status !== 0) {
    console.error(`${script} failed`);
    process.exit(1);
  }
}
const concurrency = process.env.COMPTOIR_TEST_CONCURRENCY ?? '1';
// Spec output for people; a TAP copy to count the results into one plain closing line.
const tap = join(mkdtempSync(join(tmpdir(), 'comptoir-tests-')), 'results.tap');
const r = spawnSync(
  process.execPath,
  [
    '--import', 'tsx', '--test', `--test-concurrency=${concurrency}`,
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    '--test-reporter=tap', `--test-reporter-destination=${tap}`,
    ...selected,
  ],
  { stdio: 'inherit' },
);
const results = readFileSync(tap, 'utf8');
const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(results)?.[1] ?? 0);
console.log(`\n${count('pass')} passed, ${count('fail')} failed, ${count('skipped')} skipped`);
process.exit(r.status ?? 1);
