import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * A web app's `dist/` as the browser tests serve it, rebuilt (vite) when it is missing or older than
 * what it is built from: the app's own sources, index.html, vite config, and the browser-safe
 * packages it bundles (protocol, domain: the shared i18n catalogue, money, rules). `npm test` builds
 * every package first; this keeps a lone `node scripts/run-tests.mjs <file>` from testing a stale screen.
 */
export function ensureWebBuilt(packageDir: string): void {
  const built = join(packageDir, 'dist', 'index.html');
  if (existsSync(built) && statSync(built).mtimeMs >= newestSource(packageDir)) return;
  const vite = resolve(packageDir, '../../node_modules/vite/bin/vite.js');
  const r = spawnSync(process.execPath, [vite, 'build'], { cwd: packageDir, stdio: 'inherit' });
  if (r.status !== 0) throw new Error(`vite build of ${packageDir} failed`);
}

function newestSource(packageDir: string): number {
  const packages = resolve(packageDir, '..');
  const roots = [join(packageDir, 'src'), join(packageDir, 'index.html'), join(packageDir, 'vite.config.ts'), join(packages, 'protocol', 'src'), join(packages, 'domain', 'src')];
  let newest = 0;
  const visit = (p: string) => {
    if (!existsSync(p)) return;
    const s = statSync(p);
    if (s.isDirectory()) for (const name of readdirSync(p)) visit(join(p, name));
    else newest = Math.max(newest, s.mtimeMs);
  };
  roots.forEach(visit);
  return newest;
}
