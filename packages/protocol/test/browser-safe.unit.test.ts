// `@comptoir/protocol`'s main entry is what the two web apps import (schemas, the HTTP client, the
// euro formatter): it must bundle for a browser, i.e. reach no Node built-in. What needs one lives
// behind `@comptoir/protocol/node`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const entry = (p: string) => fileURLToPath(new URL(p, import.meta.url));

async function bundleForBrowser(file: string) {
  return build({ entryPoints: [file], bundle: true, write: false, platform: 'browser', format: 'esm', logLevel: 'silent', metafile: true });
}

describe('protocol entry points', () => {
  it('the main entry bundles for a browser: no node: import anywhere it reaches', async () => {
    const out = await bundleForBrowser(entry('../src/index.ts'));
    assert.equal(out.errors.length, 0);
    const inputs = Object.keys(out.metafile.inputs);
    assert.ok(inputs.some((i) => i.endsWith('protocol/src/common.ts')), 'the schemas are in the bundle');
    assert.equal(inputs.some((i) => i.startsWith('node:')), false);
  });

  it('the /node entry is the one that needs Node (so the check above can fail)', async () => {
    await assert.rejects(bundleForBrowser(entry('../src/node.ts')), /node:crypto/);
  });
});
