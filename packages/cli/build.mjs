// Bundles the `comptoir` command into plain JavaScript (packages/cli/dist) so a till runs without a
// TypeScript loader: tsx's loader thread alone costs a register ≈ 35 MB of its 150 MB budget.
// The workspace packages (@comptoir/*) are compiled into the bundle; every other package stays an
// import resolved from node_modules at run time (native better-sqlite3, pg, fastify…). Each command
// is its own chunk, loaded only when that command runs.
import { build } from 'esbuild';
import { NODE_BUNDLE } from '../../scripts/node-bundle.mjs';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const outdir = here('./dist');
rmSync(outdir, { recursive: true, force: true });

await build({
  entryPoints: { comptoir: here('./src/main.ts') },
  outdir,
  ...NODE_BUNDLE,
  splitting: true,
  plugins: [
    {
      name: 'node-modules-stay-external',
      setup(b) {
        // A package the bundle can find from dist/ stays a bare import; one installed only under its
        // workspace (node_modules nested by npm for a version conflict) is imported by relative path.
        const fromDist = createRequire(join(outdir, 'comptoir.mjs'));
        b.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('@comptoir/') || args.path.startsWith('node:')) return undefined;
          try {
            fromDist.resolve(args.path);
            return { path: args.path, external: true };
          } catch {
            const file = createRequire(join(args.resolveDir, 'importer.js')).resolve(args.path);
            return { path: './' + relative(outdir, file).split(sep).join('/'), external: true };
          }
        });
      },
    },
  ],
});
