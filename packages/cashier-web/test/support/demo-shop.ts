import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually, http, spawnComptoir, tempDir, type ChildHandle } from '@comptoir/testing';

// A real shop for the cashier screen's tests: `comptoir demo` in its own process (central +
// registers on embedded SQLite, links that can be cut). No browser here: the API-only files
// (screen-api.test.ts) use it alone; the browser files through cashier-browser.ts.

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
