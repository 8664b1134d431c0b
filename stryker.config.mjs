// npm run test:mutation — StrykerJS on the pure domain and the SOS copy checksum, against their fast
// unit tests (node:test through the tap runner, TypeScript through tsx). Report: docs/testing.md.
// Not part of `npm test` (too slow for every run); run before each release.
// MUTATE=packages/domain/src/archive.ts npm run test:mutation scopes a run to some files while
// iterating (comma-separated); its reports go to reports/mutation/<scope>.{html,json}.
const scope = process.env.MUTATE?.split(',').filter(Boolean);
const name = scope ? scope.map((f) => f.replace(/^.*\//, '').replace(/\.ts$/, '')).join('+') : 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'tap',
  tap: {
    testFiles: ['packages/domain/test/*.test.ts', 'packages/protocol/test/*.test.ts'],
    nodeArgs: ['--import', 'tsx'],
    forceBail: true,
  },
  mutate: scope ?? ['packages/domain/src/**/*.ts', '!packages/domain/src/index.ts', 'packages/protocol/src/copy-checksum.ts'],
  // The sandbox holds only what these tests load (node_modules is linked, not copied).
  ignorePatterns: ['/*', '!/package.json', '!/tsconfig.json', '!/packages', '/packages/*', '!/packages/domain', '!/packages/protocol', '/packages/*/node_modules', '/packages/*/dist'],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${name}.html` },
  jsonReporter: { fileName: `reports/mutation/${name}.json` },
  thresholds: { high: 90, low: 85, break: scope ? null : 85 },
  tempDirName: '.stryker-tmp',
};
