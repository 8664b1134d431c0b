import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

// The repository's own files, for the tests that check the sources themselves (layering, markers).

/** The repository root (the folder that holds `packages/`). */
export const repositoryRoot = resolve(dirname(createRequire(import.meta.url).resolve('@comptoir/testing/package.json')), '../..');

/** Every file under `dir` whose name matches `name`, skipping node_modules and build output. */
export function filesUnder(dir: string, name: RegExp): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry.startsWith('dist')) continue;
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p, name));
    else if (name.test(entry)) out.push(p);
  }
  return out;
}
