import { createRequire } from 'node:module';

/** Central's software version (its package version), read once; shown in the fleet view. */
export const CENTRAL_SOFTWARE_VERSION = (createRequire(import.meta.url)('@comptoir/central/package.json') as { version: string }).version;
