import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { filesUnder, repositoryRoot as root } from './support/repository-files';

// scripts/run-tests.mjs runs a file marked `test-runner: heavy` beside light files only, never beside
// another heavy one (docs/testing.md "Suite time"). A browser file without the marker would run beside
// another browser or the chaos run: this keeps the marker where the runner needs it.

test('every test file that launches Chromium says `test-runner: heavy` in its first line', () => {
  const files = readdirSync(join(root, 'packages')).flatMap((pkg) => filesUnder(join(root, 'packages', pkg), /\.test\.ts$/));
  const browserFiles = files.filter((f) => /\blaunchChromium\(/.test(readFileSync(f, 'utf8')));
  assert.ok(browserFiles.length >= 5, `browser test files found: ${browserFiles.length}`);
  const unmarked = browserFiles
    .filter((f) => !/^\/\/ test-runner: (heavy|serial)\b/.test(readFileSync(f, 'utf8')))
    .map((f) => relative(root, f));
  assert.deepEqual(unmarked, []);
});
