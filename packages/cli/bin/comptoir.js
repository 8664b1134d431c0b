#!/usr/bin/env node
// The `comptoir` command. It runs the bundled JavaScript made by `npm run build` (packages/cli/dist):
// no TypeScript loader in a till's memory. Without a bundle, or with COMPTOIR_FROM_SOURCE=1, it runs
// the TypeScript sources through tsx's loader (development, tests).
// A bundle older than the sources it was built from is refused (it would run yesterday's code
// silently): dist/sources.json lists them and when the build started. Where the sources are not
// there at all (an installed bundle), there is nothing to compare and the bundle runs.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const bundle = new URL('../dist/comptoir.mjs', import.meta.url);
if (existsSync(bundle) && !process.env.COMPTOIR_FROM_SOURCE) {
  const changed = changedSince(new URL('../dist/sources.json', import.meta.url), new URL('../../../', import.meta.url));
  if (changed) {
    process.stderr.write(
      `comptoir: the bundled command (packages/cli/dist) is older than its sources (${changed}).\n` +
        'Rebuild it with `npm run build` (or `node packages/cli/build.mjs`), ' +
        'or run the sources with COMPTOIR_FROM_SOURCE=1.\n',
    );
    process.exit(1);
  }
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}

/** The first source changed (or gone) since the bundle was built, or null. */
function changedSince(manifestUrl, repoUrl) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestUrl, 'utf8'));
  } catch {
    return 'dist/sources.json is missing: the bundle predates this check';
  }
  let present = 0;
  let gone = null;
  for (const source of manifest.sources) {
    let mtime;
    try {
      mtime = statSync(fileURLToPath(new URL(source, repoUrl))).mtimeMs;
    } catch {
      gone ??= `${source} is gone`;
      continue;
    }
    present++;
    if (mtime > manifest.builtAt) return `${source} changed after the build`;
  }
  return present > 0 ? gone : null;
}
