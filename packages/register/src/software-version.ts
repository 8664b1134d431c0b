import { createRequire } from 'node:module';

/** The software name and version (its package version): printed on receipts, sent in heartbeats. */
export const REGISTER_SOFTWARE = (() => {
  const pkg = createRequire(import.meta.url)('@comptoir/register/package.json') as { version: string };
  return { name: 'Comptoir', version: pkg.version };
})();
