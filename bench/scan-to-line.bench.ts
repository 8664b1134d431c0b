/// <reference lib="dom" />
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { eventually, http, startCentralProcess, startRegisterProcess, tempDir } from '@comptoir/testing';
import { benchBarcode, benchSku, growCatalog } from './catalog';
import { fmt, line } from './stats';

const CATALOG = Number(process.env.BENCH_CATALOG ?? 100_000);
const SCANS = Number(process.env.BENCH_SCANS ?? 500);
const WARMUP = 30;
const CASHIER_WEB_DIST = resolve(fileURLToPath(import.meta.url), '../../packages/cashier-web/dist/index.html');

declare global {
  interface Window {
    __scan: { expect(sku: string): void; done: boolean; dom: number[]; painted: number[] };
  }
}

function pct(samples: number[], q: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] ?? NaN;
}

/**
 * Scan to line on screen, measured in the browser: a real central server process grown to a
 * 100,000-product catalog, a real register process enrolled on it (full SOS copy), the built cashier
 * screen served by the register, Debian's Chromium. Each sample: the barcode is put in
 * `product-search`, Enter is pressed; the clock starts on that keydown (capture phase, in the page)
 * and stops when the cart line of that product is in the DOM ("in DOM"), then at the next animation
 * frame ("on screen": the frame that paints it). The cart is cleared every 50 scans.
 * Target (issue 4): ≤ 50 ms p95.
 */
export async function benchScanToLine(): Promise<{ p50: number; p95: number; p50Dom: number; p95Dom: number }> {
  if (!existsSync(CASHIER_WEB_DIST)) throw new Error('cashier screen not built: run `npm run build -w @comptoir/cashier-web` first');
  const dir = await tempDir('comptoir-bench-scan-');
  const central = await startCentralProcess({ dataDir: join(dir.path, 'central'), name: 'central-bench-scan' });
  const browser = await chromium.launch({
    executablePath: process.env.COMPTOIR_CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  let register: Awaited<ReturnType<typeof startRegisterProcess>> | undefined;
  try {
    const creds = central.credentials();
    await growCatalog(join(central.dataDir, 'central.sqlite'), creds.storeId, CATALOG);
    const admin = (await http(central.url, 'POST', '/api/auth/login', { body: creds.admin })).body.token;
    const created = (await http(central.url, 'POST', '/api/registers', { token: admin, body: { name: 'Bench scan' } })).body;
    register = await startRegisterProcess({ dataDir: join(dir.path, 'register'), centralUrl: central.url, enrolCode: created.enrolCode, name: 'register-bench-scan' });
    const url = register.url;
    await eventually('register copy with the grown catalog', async () => {
      const s = (await http(url, 'GET', '/api/status')).body;
      return s.lastSosCopyAt && s.mode === 'connected';
    }, 120_000);

    const page = await (await browser.newContext({ viewport: { width: 1024, height: 768 } })).newPage();
    await page.goto(url);
    await page.getByTestId('login-input').fill(creds.cashier.login);
    await page.getByTestId('pin-input').fill(creds.cashier.pin);
    await page.getByTestId('pin-input').press('Enter');
    const search = page.getByTestId('product-search');
    await search.waitFor();
    await page.evaluate(() => {
      let expected = '';
      let start = 0;
      const state = {
        done: true,
        dom: [] as number[],
        painted: [] as number[],
        starts: [] as number[],
        expect(sku: string) {
          expected = sku;
          state.done = false;
        },
      };
      window.__scan = state;
      const input = document.querySelector('[data-testid="product-search"]')!;
      input.addEventListener('keydown', (e) => {
        if ((e as KeyboardEvent).key === 'Enter') state.starts.push((start = performance.now()));
      }, true);
      new MutationObserver(() => {
        if (state.done || !expected) return;
        if (!document.querySelector(`[data-testid="cart-line"][data-sku="${expected}"]`)) return;
        const inDom = performance.now() - start;
        expected = '';
        requestAnimationFrame(() => {
          state.dom.push(inDom);
          state.painted.push(performance.now() - start);
          state.done = true;
        });
      }).observe(document.body, { childList: true, subtree: true });
    });

    for (let k = 0; k < WARMUP + SCANS; k++) {
      if (k % 50 === 0) {
        const clear = page.getByTestId('cart-clear');
        if (await clear.isEnabled()) await clear.click();
      }
      const i = (k * 7919 + 11) % CATALOG;
      await page.evaluate((sku) => window.__scan.expect(sku), benchSku(i));
      await search.fill(benchBarcode(i));
      await search.press('Enter');
      await page.waitForFunction(() => window.__scan.done, undefined, { polling: 'raf' });
    }
    const { dom, painted } = await page.evaluate((skip) => ({ dom: window.__scan.dom.slice(skip), painted: window.__scan.painted.slice(skip) }), WARMUP);
    const r = { p50: pct(painted, 0.5), p95: pct(painted, 0.95), p50Dom: pct(dom, 0.5), p95Dom: pct(dom, 0.95) };
    if (process.env.BENCH_DEBUG) {
      const parts = await page.evaluate(() => {
        const es = performance.getEntriesByType('resource').filter((e) => e.name.includes('by-code')) as PerformanceResourceTiming[];
        const st = (window.__scan as unknown as { starts: number[] }).starts;
        return es.map((e, k) => [e.startTime - st[k]!, e.duration, window.__scan.dom[k]! - (e.responseEnd - st[k]!)]);
      });
      for (const [name, k] of [['enter→fetch start', 0], ['fetch', 1], ['response→DOM', 2]] as const) {
        console.log(name, 'p50', pct(parts.map((p) => p[k]!), 0.5).toFixed(1), 'p95', pct(parts.map((p) => p[k]!), 0.95).toFixed(1));
      }
    }
    line(`scan → line in DOM (${SCANS} scans, ${CATALOG} products)`, `p50 ${fmt(r.p50Dom)}  p95 ${fmt(r.p95Dom)}`);
    line(`scan → line on screen (next frame; target p95 ≤ 50 ms)`, `p50 ${fmt(r.p50)}  p95 ${fmt(r.p95)}`);
    return r;
  } finally {
    await browser.close();
    await register?.handle.stop();
    await central.handle.stop();
    await dir.cleanup();
  }
}
