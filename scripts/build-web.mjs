// `npm run build` of a web app (run in its package folder): vite builds into a temporary folder that
// is then renamed to dist/ (scripts/build-into-place.mjs), so a server never serves a half build.
import { build } from 'vite';
import { resolve } from 'node:path';
import { buildIntoPlace } from './build-into-place.mjs';

const root = process.cwd();
await buildIntoPlace(resolve(root, 'dist'), (outDir) => build({ root, build: { outDir, emptyOutDir: true } }));
