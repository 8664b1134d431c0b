#!/usr/bin/env node
// The `comptoir` command. It runs the bundled JavaScript made by `npm run build` (packages/cli/dist):
// no TypeScript loader in a till's memory. Without a bundle, or with COMPTOIR_FROM_SOURCE=1, it runs
// the TypeScript sources through tsx's loader (development, tests).
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/comptoir.mjs', import.meta.url);
if (existsSync(bundle) && !process.env.COMPTOIR_FROM_SOURCE) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
