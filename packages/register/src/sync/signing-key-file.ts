import { closeSync, fsyncSync, openSync, renameSync, statSync, chmodSync, readFileSync, writeSync, unlinkSync } from 'node:fs';
import { dirname } from 'node:path';

// The register's private signing key lives in its own file, never in register.sqlite (nor its WAL,
// nor any copy of it): whoever can read the database cannot sign records again. The file is
// written atomically (a temporary file made 0600 from its creation, fsynced, renamed into place,
// directory fsynced) and is readable by its owner only; a key file that others can read is put
// back to 0600 when read. The key is never logged.

/** Where the next key waits until its rotation is committed (key-rotation.service.ts). */
export const nextKeyFileOf = (keyFile: string): string => `${keyFile}.next`;

/** Writes the key file atomically, mode 0600. */
export function writeKeyFile(path: string, pem: string): void {
  const tmp = `${path}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, pem);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(tmp, path);
  } catch (e) {
    unlinkSync(tmp);
    throw e;
  }
  fsyncDirectory(path);
}

/** Moves a key file over another (a committed key rotation), atomically. */
export function moveKeyFile(from: string, to: string): void {
  renameSync(from, to);
  fsyncDirectory(to);
}

function fsyncDirectory(path: string): void {
  const dir = openSync(dirname(path), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}

/** Reads the key file (null when absent); tightens its mode to 0600 when others could read it. */
export function readKeyFile(path: string): string | null {
  let mode: number;
  try {
    mode = statSync(path).mode;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  if ((mode & 0o077) !== 0) chmodSync(path, 0o600);
  return readFileSync(path, 'utf8');
}
