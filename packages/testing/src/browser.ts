// The browser the screen tests drive (playwright-core), found in one place for every browser test.
//
// Order: COMPTOIR_CHROMIUM (an explicit executable); Debian's /usr/bin/chromium when present; else the
// Chromium shipped inside the `@sparticuz/chromium` npm package (a devDependency, so `npm ci` is all a
// fresh machine needs). COMPTOIR_TEST_BROWSER=package forces the packaged one even where Debian's is
// installed (how CI and a developer check that path without uninstalling anything).
//
// The package holds its browser compressed; it is inflated once per version into
// `<tmpdir>/comptoir-chromium-<version>` (built in a temporary folder and renamed into place, so two
// test files or two runs inflating at once each end with a complete copy).
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, LaunchOptions, Page } from 'playwright-core';

export const SYSTEM_CHROMIUM = '/usr/bin/chromium';

export interface ChromiumExecutable {
  path: string;
  /** Where it came from, for the test output. */
  source: 'COMPTOIR_CHROMIUM' | 'debian' | '@sparticuz/chromium';
}

let packaged: Promise<string> | null = null;

/** The Chromium executable the browser tests launch (see the order above). */
export async function chromiumExecutable(): Promise<ChromiumExecutable> {
  const explicit = process.env.COMPTOIR_CHROMIUM;
  if (explicit) return { path: explicit, source: 'COMPTOIR_CHROMIUM' };
  if (process.env.COMPTOIR_TEST_BROWSER !== 'package' && existsSync(SYSTEM_CHROMIUM)) return { path: SYSTEM_CHROMIUM, source: 'debian' };
  packaged ??= inflatePackagedChromium();
  return { path: await packaged, source: '@sparticuz/chromium' };
}

async function inflatePackagedChromium(): Promise<string> {
  const require = createRequire(import.meta.url);
  let version: string;
  try {
    version = JSON.parse(readFileSync(join(dirname(require.resolve('@sparticuz/chromium')), '..', 'package.json'), 'utf8')).version;
  } catch (e) {
    throw new Error(`no browser: ${SYSTEM_CHROMIUM} is absent and the @sparticuz/chromium package is not installed (run npm ci): ${String(e)}`);
  }
  const home = join(tmpdir(), `comptoir-chromium-${version}`);
  const executable = join(home, 'chromium');
  if (existsSync(executable)) return executable;

  // The package inflates into os.tmpdir(): point that at a private folder for the time of the call.
  const staging = `${home}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(staging, { recursive: true });
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = staging;
  try {
    const { default: Chromium } = await import('@sparticuz/chromium');
    const inflated = await Chromium.executablePath();
    if (inflated !== join(staging, 'chromium')) throw new Error(`@sparticuz/chromium inflated to ${inflated}, expected ${staging}/chromium`);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  try {
    renameSync(staging, home);
  } catch {
    rmSync(staging, { recursive: true, force: true }); // another process put its complete copy there first
  }
  if (!existsSync(executable)) throw new Error(`@sparticuz/chromium: ${executable} missing after inflating`);
  return executable;
}

/**
 * A headless Chromium for a test: the executable above, no sandbox (tests may run as root), no GPU,
 * nothing phoning home; playwright gives each launch a fresh profile.
 */
export async function launchChromium(options: LaunchOptions = {}): Promise<Browser> {
  // The system's fontconfig is used as is: pointing FONTCONFIG_PATH at the package's own fonts.conf
  // makes the headless shell abort on the first text it draws (SkFontMgr_FontConfigInterface).
  const { path } = await chromiumExecutable();
  // Loaded here, not at the top: playwright-core costs about half a second of CPU to load, paid by
  // every test process that imports @comptoir/testing, and most of them never launch a browser.
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    headless: true,
    ...options,
    executablePath: path,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', ...(options.args ?? [])],
  });
}

/**
 * The accessibility check of a screen as it is now (axe-core in the page): fails on any serious or
 * critical violation, naming each rule and the elements it found.
 */
export async function assertAccessible(page: Page, screenName: string): Promise<void> {
  const { default: AxeBuilder } = await import('@axe-core/playwright');
  const result = await new AxeBuilder({ page }).analyze();
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const text = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join('\n    ')}`).join('\n  ');
  if (bad.length > 0) throw new Error(`${screenName}: ${bad.length} serious or critical accessibility violation(s)\n  ${text}`);
}

/** The repository's docs/screens/, where the README's screenshots live. */
export const README_SCREENS_DIR = resolve(fileURLToPath(import.meta.url), '../../../../docs/screens');

/**
 * A screenshot the README shows (PNG: flat UI colours compress better than JPEG). It is rewritten in
 * docs/screens/ only when asked (COMPTOIR_UPDATE_SCREENS=1); an ordinary run writes it under
 * `artifactsDir`/screens, so a test run leaves the tree clean. Returns the file written.
 */
export async function readmeScreenshot(page: Page, name: string, artifactsDir: string): Promise<string> {
  const dir = process.env.COMPTOIR_UPDATE_SCREENS === '1' ? README_SCREENS_DIR : resolve(artifactsDir, 'screens');
  mkdirSync(dir, { recursive: true });
  const path = resolve(dir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}
