/// <reference lib="dom" />
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { eventually, http, spawnComptoir, tempDir, type ChildHandle } from '@comptoir/testing';

// A real shop and a real browser for the cashier screen's tests: `comptoir demo` in its own
// process (central + registers on embedded SQLite, links that can be cut), a real Chromium
// (Debian's, or the one npm installed: @comptoir/testing's launchChromium) driven by playwright-core.

const PACKAGE_DIR = resolve(fileURLToPath(import.meta.url), '../../..');
export const ARTIFACTS_DIR = resolve(PACKAGE_DIR, '../../test-artifacts/cashier-web');

/** Builds the screen when dist/ is missing (CI builds it first; this keeps a lone test run honest). */
export function ensureBuilt(): void {
  if (existsSync(join(PACKAGE_DIR, 'dist', 'index.html'))) return;
  const r = spawnSync('npx', ['vite', 'build'], { cwd: PACKAGE_DIR, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build of @comptoir/cashier-web failed');
}

export interface DemoShop {
  centralUrl: string;
  adminToken: string;
  cashier: { login: string; pin: string };
  registers: { id: string; name: string; url: string }[];
  dataDir: string;
  stop(): Promise<void>;
}

export async function startDemo(registers = 1): Promise<DemoShop> {
  const dir = await tempDir('comptoir-cashier-web-');
  let demo: ChildHandle | undefined;
  try {
    demo = spawnComptoir(['demo', '--data', dir.path, '--port', '0', '--registers', String(registers)], {
      name: 'demo',
      env: { COMPTOIR_LOG_LEVEL: 'warn' },
    });
    const file = join(dir.path, 'demo.json');
    const info = await eventually('demo.json written', async () => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null), 60_000);
    const login = await http(info.centralUrl, 'POST', '/api/auth/login', { body: info.admin });
    if (login.status !== 200) throw new Error(`admin login: ${JSON.stringify(login.body)}`);
    const handle = demo;
    return {
      centralUrl: info.centralUrl,
      adminToken: login.body.token,
      cashier: info.cashier,
      registers: info.registers,
      dataDir: dir.path,
      async stop() {
        await handle.stop();
        await dir.cleanup();
      },
    };
  } catch (e) {
    await demo?.stop();
    await dir.cleanup();
    throw e;
  }
}

/** Cuts (up=false) or restores the demo link of a register, through the central API. */
export async function setLink(shop: DemoShop, registerId: string, up: boolean): Promise<void> {
  const r = await http(shop.centralUrl, 'POST', `/api/demo/links/${registerId}`, { token: shop.adminToken, body: { up } });
  if (r.status !== 200) throw new Error(`link ${up ? 'restore' : 'cut'}: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Waits until the element's text matches `re` (a condition, not a duration: fails with the last text). */
export async function waitForText(page: Page, testId: string, re: RegExp, timeoutMs = 20_000): Promise<string> {
  try {
    await page.waitForFunction(
      ({ id, source, flags }) => new RegExp(source, flags).test(document.querySelector(`[data-testid="${id}"]`)?.textContent ?? ''),
      { id: testId, source: re.source, flags: re.flags },
      { timeout: timeoutMs, polling: 50 },
    );
  } catch (e) {
    const last = await page.locator(`[data-testid="${testId}"]`).first().textContent().catch(() => null);
    throw new Error(`[data-testid=${testId}] never matched ${re} (last text: ${JSON.stringify(last)})`, { cause: e });
  }
  return (await page.getByTestId(testId).first().textContent()) ?? '';
}

/** Types a manager's login and PIN in the approval dialog (approval.dialog.tsx) and confirms. */
export async function approve(page: Page, who: { login: string; pin: string }): Promise<void> {
  await page.getByTestId('approval-dialog').waitFor();
  await page.getByTestId('approval-login').fill(who.login);
  await page.getByTestId('approval-pin').fill(who.pin);
  await page.getByTestId('approval-confirm').click();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

// The accessibility check is @comptoir/testing's, shared with the back office's browser tests.
export { assertAccessible } from '@comptoir/testing';
