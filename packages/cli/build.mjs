// Bundles the `comptoir` command into plain JavaScript (packages/cli/dist) so a till runs without a
// TypeScript loader: tsx's loader thread alone costs a register ≈ 35 MB of its 150 MB budget.
// The workspace packages (@comptoir/*) are compiled into the bundle; every other package stays an
// import resolved from node_modules at run time (native better-sqlite3, pg, fastify…). Each command
// is its own chunk, loaded only when that command runs. dist/sources.json lists the sources compiled
// in and when the build started, so bin/comptoir.js refuses a bundle older than its sources.
import { build } from 'esbuild';
import { NODE_BUNDLE } from '../../scripts/node-bundle.mjs';
import { buildIntoPlace } from '../../scripts/build-into-place.mjs';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const finalDir = here('./dist');
const repo = here('../..');
const startedAt = Date.now();

await buildIntoPlace(finalDir, async (outdir) => {
  const result = await build({
    entryPoints: { comptoir: here('./src/main.ts') },
    outdir,
    ...NODE_BUNDLE,
    splitting: true,
    metafile: true,
    plugins: [
      {
        name: 'node-modules-stay-external',
        setup(b) {
          // A package the bundle can find from dist/ stays a bare import; one installed only under its
          // workspace (node_modules nested by npm for a version conflict) is imported by relative path
          // (computed from the final dist/, which sits where the temporary folder does).
          const fromDist = createRequire(join(finalDir, 'comptoir.mjs'));
          b.onResolve({ filter: /^[^./]/ }, (args) => {
            if (args.path.startsWith('@comptoir/') || args.path.startsWith('node:')) return undefined;
            try {
              fromDist.resolve(args.path);
              return { path: args.path, external: true };
            } catch {
              const file = createRequire(join(args.resolveDir, 'importer.js')).resolve(args.path);
              return { path: './' + relative(finalDir, file).split(sep).join('/'), external: true };
            }
          });
        },
      },
    ],
  });
  // esbuild names inputs relative to the working directory; store them relative to the repository.
  const sources = Object.keys(result.metafile.inputs)
    .filter((p) => !p.includes('node_modules/'))
    .map((p) => relative(repo, join(process.cwd(), p)).split(sep).join('/'))
    .sort();
  writeFileSync(join(outdir, 'sources.json'), JSON.stringify({ builtAt: startedAt, sources }, null, 1) + '\n');
});
