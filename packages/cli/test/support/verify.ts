import { runComptoir } from '@comptoir/testing';

export { runComptoir };

/**
 * Runs the real `comptoir verify --data DIR` (or, without a DIR, `comptoir verify` with only
 * `args`; `args` follow `--data DIR` otherwise) and returns its exit code and output.
 */
export function runVerify(dataDir: string | undefined, args: string[] = []): Promise<{ code: number | null; output: string }> {
  return runComptoir(['verify', ...(dataDir === undefined ? [] : ['--data', dataDir]), ...args]);
}
