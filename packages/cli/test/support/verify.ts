import { spawn } from 'node:child_process';
import { COMPTOIR_BIN } from '@comptoir/testing';

/**
 * Runs the real `comptoir verify --data DIR` (or, without a DIR, `comptoir verify` with only
 * `args`; `args` follow `--data DIR` otherwise) and returns its exit code and output.
 */
export function runVerify(dataDir: string | undefined, args: string[] = []): Promise<{ code: number | null; output: string }> {
  return runComptoir(['verify', ...(dataDir === undefined ? [] : ['--data', dataDir]), ...args]);
}

/** Runs the real `comptoir ...args` to its end; returns its exit code and output. */
export function runComptoir(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const argv = [COMPTOIR_BIN, ...args];
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}
