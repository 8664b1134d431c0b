import { chmodSync, closeSync, mkdirSync, openSync } from 'node:fs';

// A data directory holds what a thief of the machine's other accounts must not read: the
// register's token and PIN hashes (register.sqlite and its -wal/-shm), the signing key, the demo
// admin password (credentials.json, demo.json). Directories are 0700 and those files 0600 whatever
// the process's umask: created so (a mode is only ever narrowed by the umask) and chmod-ed on every
// start, which also tightens files left loose by an older release (docs/security.md).

/** Creates `dir` (and its missing parents) and makes it 0700. */
export function privateDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** Makes `file` 0600, creating it empty when missing. */
export function privateFile(file: string): void {
  closeSync(openSync(file, 'a', 0o600));
  chmodSync(file, 0o600);
}

/** Makes `file` 0600 when it exists. */
export function tightenFile(file: string): void {
  try {
    chmodSync(file, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
}
