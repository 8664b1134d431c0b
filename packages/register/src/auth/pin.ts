import { scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// PIN hashes come from central in the format `scrypt$N$r$p$saltB64$hashB64` (the same format central's
// verifySecret reads; register and central never import each other, so the check is written here).

function scryptAsync(secret: string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** True iff `pin` matches `stored`. A malformed hash never matches (and never throws). */
export async function verifyPin(pin: string, stored: string | null): Promise<boolean> {
  if (!stored) return false;
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((x) => Number.isSafeInteger(x) && x > 0)) return false;
  const salt = Buffer.from(parts[4]!, 'base64');
  const expected = Buffer.from(parts[5]!, 'base64');
  if (expected.length === 0 || salt.length === 0) return false;
  try {
    const actual = await scryptAsync(pin, salt, expected.length, { N, r, p, maxmem: 256 * N * r + 1024 * 1024 });
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  } catch {
    return false;
  }
}
