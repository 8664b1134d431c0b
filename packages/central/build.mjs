// Builds the central server's worker threads into plain JavaScript (packages/central/dist): a worker
// thread does not inherit tsx's loader on Node 20, so the TypeScript worker is compiled, with what it
// imports (@comptoir/domain, canonicalize) bundled in. Found at run time through the package, from
// the TypeScript sources and from the bundled `comptoir` alike (signature-pool.ts).
import { build } from 'esbuild';
import { NODE_BUNDLE } from '../../scripts/node-bundle.mjs';
import { buildIntoPlace } from '../../scripts/build-into-place.mjs';
import { fileURLToPath } from 'node:url';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));

await buildIntoPlace(here('./dist'), (outdir) =>
  build({
    entryPoints: { 'signature.worker': here('./src/modules/sync/signature-check.worker.ts') },
    outdir,
    ...NODE_BUNDLE,
  }),
);
