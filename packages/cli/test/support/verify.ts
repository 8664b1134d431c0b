import { spawn } from 'node:child_process';
import { COMPTOIR_BIN } from '@comptoir/testing';

/** Runs the real `comptoir verify --data DIR` and returns its exit code and output. */
export function runVerify(dataDir: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COMPTOIR_BIN, 'verify', '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}
