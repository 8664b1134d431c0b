import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { filesUnder, repositoryRoot as root } from './support/repository-files';

// scripts/run-tests.mjs runs a file marked `test-runner: heavy` beside light files only, never beside
// another heavy one (docs/testing.md "Suite time"). A browser file without the marker would run beside
// another browser or the chaos run, and one marked `serial` would run alone after the pool with the
// other slot idle: this keeps the marker where the runner needs it.

const launches = /\blaunchChromium\(/;

/** The test support modules (`./support/…`) a file imports, as paths. */
function supportImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/from '(\.\.?\/(?:[\w.-]+\/)*support\/[\w.-]+)'/g)]
    .map((m) => resolve(dirname(file), `${m[1]}.ts`))
    .filter((p) => existsSync(p));
}

/** A file launches Chromium itself, or through a test support module that does (e.g. backoffice-browser.ts). */
const launchesChromium = (file: string) => launches.test(readFileSync(file, 'utf8')) || supportImports(file).some((s) => launches.test(readFileSync(s, 'utf8')));

test('every test file that launches Chromium, itself or through a support module, says `test-runner: heavy` (not serial) in its first line', () => {
  const files = readdirSync(join(root, 'packages')).flatMap((pkg) => filesUnder(join(root, 'packages', pkg), /\.test\.ts$/));
  const browserFiles = files.filter(launchesChromium);
  assert.ok(browserFiles.length >= 5, `browser test files found: ${browserFiles.length}`);
  // The back office's browser files launch it through their shared set-up: they are found too.
  const throughSupport = browserFiles.filter((f) => !launches.test(readFileSync(f, 'utf8'))).map((f) => relative(root, f));
  assert.ok(throughSupport.some((f) => f.includes('backoffice-web')), `browser files found through a support module: ${throughSupport.join(', ')}`);
  const unmarked = browserFiles
    .filter((f) => !/^\/\/ test-runner: heavy\b/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(root, f));
  assert.deepEqual(unmarked, []);
});
