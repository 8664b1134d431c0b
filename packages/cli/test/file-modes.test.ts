import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, spawnComptoir, tempDir } from '@comptoir/testing';

/**
 * The data directory is the service user's only, whatever the umask (docs/security.md): a real
 * `comptoir demo` started with umask 000 (inherited by its process), over a data directory left
 * 0777 with a loose credentials file by an earlier run; while it runs, directories are 0700 and the
 * databases (with their -wal and -shm), the signing key, credentials.json and demo.json 0600.
 */
const mode = (path: string) => statSync(path).mode & 0o777;
const octal = (m: number) => `0${m.toString(8)}`;

test('comptoir demo under umask 000: data directories 0700, databases, keys and credentials 0600', async () => {
  const dir = await tempDir('comptoir-modes-');
  const data = join(dir.path, 'demo');
  // Left loose by an older release: tightened at start.
  mkdirSync(join(data, 'central'), { recursive: true, mode: 0o777 });
  chmodSync(data, 0o777);
  chmodSync(join(data, 'central'), 0o777);
  const previous = umaskOf(0o000);
  let demo: ReturnType<typeof spawnComptoir> | undefined;
  try {
    demo = spawnComptoir(['demo', '--data', data, '--registers', '1', '--port', '0'], { name: 'demo', env: { COMPTOIR_LOG_LEVEL: 'warn' } });
  } finally {
    process.umask(previous);
  }
  try {
    const demoFile = join(data, 'demo.json');
    await eventually('demo.json written', async () => existsSync(demoFile) && readFileSync(demoFile, 'utf8').includes('registers'), 60_000);
    const register = join(data, 'register-1');
    const files = [
      demoFile,
      join(data, 'central', 'credentials.json'),
      join(data, 'central', 'central.sqlite'),
      join(data, 'central', 'central.sqlite-wal'),
      join(data, 'central', 'central.sqlite-shm'),
      join(register, 'register.sqlite'),
      join(register, 'register.sqlite-wal'),
      join(register, 'register.sqlite-shm'),
      join(register, 'signing-key.pem'),
    ];
    for (const d of [data, join(data, 'central'), register]) assert.equal(octal(mode(d)), '0700', `${d} is 0700`);
    for (const f of files) {
      assert.ok(existsSync(f), `${f} exists (the test checks what is really there)`);
      assert.equal(octal(mode(f)), '0600', `${f} is 0600`);
    }
    // The umask really was 000 for the process: a file it did not make private is world-writable.
    // (Checked through a file the test itself creates the same way a careless writer would.)
    const probe = join(dir.path, 'probe');
    const old = umaskOf(0o000);
    try {
      writeFileSync(probe, 'x');
    } finally {
      process.umask(old);
    }
    assert.equal(octal(mode(probe)), '0666', 'umask 000 leaves a plain file 0666');
  } finally {
    await demo?.stop();
    await dir.cleanup();
  }
});

function umaskOf(next: number): number {
  return process.umask(next);
}
