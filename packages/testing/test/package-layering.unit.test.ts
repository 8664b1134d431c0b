import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { filesUnder, repositoryRoot } from './support/repository-files';

// The layering rules of docs/architecture.md §7, checked on the sources themselves: every package
// declares the @comptoir packages it imports, shipped code never depends on the test kit, no circle
// between packages (by their dependencies) nor between files, and no relative import reaches into
// another package.

const root = repositoryRoot;
const packagesDir = join(root, 'packages');

interface Pkg {
  name: string;
  dir: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

const packages: Pkg[] = readdirSync(packagesDir)
  .filter((d) => existsSync(join(packagesDir, d, 'package.json')))
  .map((d) => {
    const json = JSON.parse(readFileSync(join(packagesDir, d, 'package.json'), 'utf8'));
    return { name: json.name, dir: join(packagesDir, d), dependencies: json.dependencies ?? {}, devDependencies: json.devDependencies ?? {} };
  });

const sourceFiles = (dir: string) => filesUnder(dir, /\.(ts|tsx|mjs|js)$/);

const isTestFile = (file: string) => /\.test\.tsx?$/.test(file) || file.includes(`${sep}test${sep}`);
const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm;

function importsOf(file: string): string[] {
  return [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => (m[1] ?? m[2] ?? m[3])!);
}

function resolveRelative(from: string, spec: string): string | null {
  const base = resolve(dirname(from), spec);
  for (const c of [base, `${base}.ts`, `${base}.tsx`, `${base}.mjs`, join(base, 'index.ts')]) {
    if (existsSync(c) && statSync(c).isFile()) return c;
  }
  return null;
}

const packageOfImport = (spec: string) => /^(@comptoir\/[a-z0-9-]+)/.exec(spec)?.[1];

/** The npm package a bare specifier names (`@scope/name/sub` → `@scope/name`); null for relative, `node:` and built-ins. */
function externalOf(spec: string): string | null {
  if (spec.startsWith('.') || spec.startsWith('node:')) return null;
  const name = spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
  return builtinModules.includes(name) ? null : name;
}

/** Files only the build or the tests run: they may import devDependencies. The test kit is such code as a whole. */
const isDevFile = (pkg: Pkg, file: string) =>
  pkg.name === '@comptoir/testing' || isTestFile(file) || /[\\/](build\.mjs|vite\.config\.ts)$/.test(file);

describe('package layering (docs/architecture.md §7)', () => {
  it('finds the workspace packages', () => {
    assert.ok(packages.length >= 10, `only ${packages.length} packages under ${packagesDir}`);
    assert.ok(packages.some((p) => p.name === '@comptoir/link-proxy'));
  });

  it('every package declares the @comptoir packages it imports (tests: dependencies or devDependencies)', () => {
    const missing: string[] = [];
    for (const pkg of packages) {
      for (const file of sourceFiles(pkg.dir)) {
        for (const spec of importsOf(file)) {
          const dep = packageOfImport(spec);
          if (!dep || dep === pkg.name) continue;
          const declared = dep in pkg.dependencies || (isTestFile(file) && dep in pkg.devDependencies);
          if (!declared) missing.push(`${relative(root, file)} imports ${dep}, not in ${pkg.name}'s ${isTestFile(file) ? 'dependencies/devDependencies' : 'dependencies'}`);
        }
      }
    }
    assert.deepEqual(missing, []);
  });

  it('every package declares the npm packages it imports (tests, build scripts and the test kit: dependencies or devDependencies)', () => {
    const missing: string[] = [];
    let seen = 0;
    for (const pkg of packages) {
      for (const file of sourceFiles(pkg.dir)) {
        for (const spec of importsOf(file)) {
          const dep = externalOf(spec);
          if (!dep || dep.startsWith('@comptoir/')) continue;
          seen++;
          const declared = dep in pkg.dependencies || (isDevFile(pkg, file) && dep in pkg.devDependencies);
          if (!declared) missing.push(`${relative(root, file)} imports ${dep}, not in ${pkg.name}'s ${isDevFile(pkg, file) ? 'dependencies/devDependencies' : 'dependencies'}`);
        }
      }
    }
    assert.ok(seen >= 50, `the imports of npm packages are found (${seen})`);
    assert.deepEqual(missing, []);
  });

  it('shipped packages never depend on the test kit', () => {
    const offenders = packages.filter((p) => p.name !== '@comptoir/testing' && '@comptoir/testing' in p.dependencies).map((p) => p.name);
    assert.deepEqual(offenders, []);
  });

  it('no circle between packages through their dependencies', () => {
    const byName = new Map(packages.map((p) => [p.name, p]));
    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const visit = (name: string, path: string[]) => {
      if (state.get(name) === 'done') return;
      if (state.get(name) === 'open') {
        circles.push([...path.slice(path.indexOf(name)), name].join(' → '));
        return;
      }
      state.set(name, 'open');
      for (const dep of Object.keys(byName.get(name)?.dependencies ?? {})) if (byName.has(dep)) visit(dep, [...path, name]);
      state.set(name, 'done');
    };
    for (const p of packages) visit(p.name, []);
    assert.deepEqual(circles, []);
  });

  it('no relative import reaches into another package, and no circle between files', () => {
    const edges = new Map<string, string[]>();
    const reaches: string[] = [];
    for (const pkg of packages) {
      for (const file of sourceFiles(pkg.dir)) {
        const targets: string[] = [];
        for (const spec of importsOf(file)) {
          if (!spec.startsWith('.')) continue;
          const target = resolveRelative(file, spec);
          if (!target) continue;
          if (target.startsWith(packagesDir + sep) && !target.startsWith(pkg.dir + sep)) {
            reaches.push(`${relative(root, file)} → ${relative(root, target)}`);
          }
          targets.push(target);
        }
        edges.set(file, targets);
      }
    }
    assert.deepEqual(reaches, [], 'import another package by its name, not by a relative path');

    const state = new Map<string, 'open' | 'done'>();
    const circles: string[] = [];
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const next of edges.get(file) ?? []) {
        if (state.get(next) === 'open') circles.push([...stack.slice(stack.indexOf(next)), next].map((f) => relative(root, f)).join(' → '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of edges.keys()) if (!state.has(file)) visit(file);
    assert.deepEqual(circles, []);
  });
});
