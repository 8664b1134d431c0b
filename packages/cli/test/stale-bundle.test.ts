import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { COMPTOIR_BIN, tempDir, type TempDir } from '@comptoir/testing';

/**
 * bin/comptoir.js refuses a bundle older than its sources. The real bin script runs in its own
 * process inside a throwaway copy of the repository's layout (packages/cli/bin, packages/cli/dist
 * with a stand-in bundle, one listed source), so moving a source's time never touches the real tree.
 */
let dir: TempDir;
let bin: string;
let source: string;
const builtAt = Date.parse('2026-01-01T12:00:00Z');

before(async () => {
  dir = await tempDir('comptoir-stale-');
  await mkdir(join(dir.path, 'packages/cli/bin'), { recursive: true });
  await mkdir(join(dir.path, 'packages/cli/dist'), { recursive: true });
  await mkdir(join(dir.path, 'packages/domain/src'), { recursive: true });
  bin = join(dir.path, 'packages/cli/bin/comptoir.js');
  await copyFile(COMPTOIR_BIN, bin);
  await writeFile(join(dir.path, 'packages/cli/dist/comptoir.mjs'), "console.log('bundle ran');\n");
  source = join(dir.path, 'packages/domain/src/money.ts');
  await writeFile(source, 'export {};\n');
  await writeFile(join(dir.path, 'packages/cli/dist/sources.json'), JSON.stringify({ builtAt, sources: ['packages/domain/src/money.ts'] }));
});
after(async () => dir?.cleanup());

const run = () => {
  const env = { ...process.env };
  delete env.COMPTOIR_FROM_SOURCE;
  return spawnSync(process.execPath, [bin], { encoding: 'utf8', env });
};
const at = (ms: number) => utimes(source, new Date(ms), new Date(ms));

test('a bundle built after its sources runs', async () => {
  await at(builtAt - 60_000);
  const r = run();
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'bundle ran');
});

test('a source changed after the build: refused, with how to rebuild', async () => {
  await at(builtAt + 60_000);
  const r = run();
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '', 'the stale bundle must not run');
  assert.match(r.stderr, /older than its sources \(packages\/domain\/src\/money\.ts changed after the build\)/);
  assert.match(r.stderr, /npm run build/);
});

test('a bundle without its sources beside it (an installed bundle) runs', async () => {
  await rm(source);
  const r = run();
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), 'bundle ran');
});
