// esbuild settings shared by the packages that compile TypeScript for Node (packages/*/build.mjs):
// ESM for Node 20, `.mjs` files, source maps beside them.
export const NODE_BUNDLE = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  outExtension: { '.js': '.mjs' },
  sourcemap: true,
  logLevel: 'warning',
};
