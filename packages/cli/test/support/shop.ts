import { http, eventually, startCentralProcess, startPostgres, startRegisterProcess, startFaultProxy, tempDir, type CentralProcess, type PostgresServer, type RegisterProcess, type FaultProxy } from '@comptoir/testing';
import { join } from 'node:path';
import Database from 'better-sqlite3';

/**
 * A real shop for end-to-end tests: a central server process, and registers in their own
 * processes, each reaching the central server through its own TCP fault proxy.
 */
export interface Shop {
  central: CentralProcess;
  adminToken: string;
  storeId: string;
  registers: ShopRegister[];
  cleanup(): Promise<void>;
}

export interface ShopRegister {
  id: string;
  process: RegisterProcess;
  link: FaultProxy;
  cashierToken: string;
}

export async function openShop(
  opts: {
    registers?: number;
    heartbeatMs?: number;
    databaseUrl?: string;
    /** environment of every process */
    env?: Record<string, string>;
    /** environment of the registers only, over `env` (e.g. a FakeClock's) */
    registerEnv?: Record<string, string>;
  } = {},
): Promise<Shop> {
  const dir = await tempDir('comptoir-e2e-');
  const central = await startCentralProcess({ dataDir: join(dir.path, 'central'), databaseUrl: opts.databaseUrl, ...(opts.env ? { env: opts.env } : {}) });
  const creds = central.credentials();
  const login = await http(central.url, 'POST', '/api/auth/login', { body: creds.admin });
  if (login.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(login.body)}`);
  const adminToken = login.body.token as string;
  const registers: ShopRegister[] = [];
  for (let i = 0; i < (opts.registers ?? 1); i++) {
    const created = await http(central.url, 'POST', '/api/registers', { token: adminToken, body: { name: `Caisse ${i + 1}` } });
    if (created.status !== 201) throw new Error(`register creation failed: ${JSON.stringify(created.body)}`);
    const link = await startFaultProxy({ target: { host: '127.0.0.1', port: central.port } });
    const process = await startRegisterProcess({
      dataDir: join(dir.path, `register-${i + 1}`),
      centralUrl: link.url,
      enrolCode: created.body.enrolCode,
      heartbeatMs: opts.heartbeatMs ?? 250,
      name: `register-${i + 1}`,
      ...(opts.env || opts.registerEnv ? { env: { ...opts.env, ...opts.registerEnv } } : {}),
    });
    await eventually('register enrolled and connected', async () => {
      const s = await http(process.url, 'GET', '/api/status');
      return s.body.enrolled && s.body.mode === 'connected';
    });
    const cashierToken = await cashierLogin(process.url, creds.cashier);
    registers.push({ id: created.body.id, process, link, cashierToken });
  }
  return {
    central,
    adminToken,
    storeId: creds.storeId,
    registers,
    async cleanup() {
      for (const r of registers) {
        await r.process.handle.stop();
        await r.link.close();
      }
      await central.handle.stop();
      await dir.cleanup();
    },
  };
}

export async function cashierLogin(registerUrl: string, cashier: { login: string; pin: string }): Promise<string> {
  const res = await http(registerUrl, 'POST', '/api/auth/login', { body: cashier });
  if (res.status !== 200) throw new Error(`cashier login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

export interface CatalogItem { sku: string; label: string; priceCents: number; vatRate: number }

export async function someProducts(shop: Shop, n: number): Promise<CatalogItem[]> {
  const res = await http(shop.central.url, 'GET', `/api/products?limit=${n}`, { token: shop.adminToken });
  return (res.body.items as CatalogItem[]).slice(0, n);
}

export async function centralStock(shop: Shop, sku: string): Promise<number> {
  const res = await http(shop.central.url, 'GET', `/api/stock/${encodeURIComponent(sku)}`, { token: shop.adminToken });
  if (res.status !== 200) throw new Error(`stock of ${sku}: ${res.status}`);
  return res.body.quantity as number;
}

export async function centralTickets(shop: Shop, registerId: string): Promise<any[]> {
  const items: any[] = [];
  for (let offset = 0; ; offset += 1000) {
    const res = await http(shop.central.url, 'GET', `/api/tickets?registerId=${registerId}&limit=1000&offset=${offset}`, { token: shop.adminToken });
    items.push(...res.body.items);
    if (items.length >= res.body.total || res.body.items.length === 0) return items;
  }
}

export async function registerStatus(reg: ShopRegister): Promise<any> {
  return (await http(reg.process.url, 'GET', '/api/status', { timeoutMs: 2000 })).body;
}

export async function waitForMode(reg: ShopRegister, mode: string, timeoutMs = 10_000): Promise<any> {
  return eventually(`register mode ${mode}`, async () => {
    const s = await registerStatus(reg);
    return s.mode === mode ? s : null;
  }, timeoutMs);
}

export async function waitForDrained(reg: ShopRegister, timeoutMs = 30_000): Promise<any> {
  return eventually('register connected with an empty outbox', async () => {
    const s = await registerStatus(reg);
    return s.mode === 'connected' && s.pendingRecords === 0 ? s : null;
  }, timeoutMs);
}

/** A sale paid by card for the exact amount; returns the HTTP outcome and how long it took. */
export async function sell(reg: ShopRegister, items: { sku: string; priceCents: number; quantity: number }[]) {
  const total = items.reduce((s, i) => s + i.priceCents * i.quantity, 0);
  const started = performance.now();
  const res = await http(reg.process.url, 'POST', '/api/sales', {
    token: reg.cashierToken,
    body: {
      lines: items.map((i) => ({ sku: i.sku, quantity: i.quantity })),
      payments: total > 0 ? [{ method: 'card', amountCents: total }] : [],
    },
  });
  return { ...res, ms: performance.now() - started };
}

/** Reads the register's own file (read-only), then closes it. */
export function readRegisterFile<T>(reg: ShopRegister, read: (db: Database.Database) => T): T {
  const db = new Database(join(reg.process.dataDir, 'register.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return read(db);
  } finally {
    db.close();
  }
}

/** The events of the register's own signed event chain, read from its file (read-only), in order. */
export function registerEvents(reg: ShopRegister): string[] {
  return readRegisterFile(reg, (db) => (db.prepare("SELECT payload FROM records WHERE chain = 'event' ORDER BY number").all() as { payload: string }[]).map((r) => JSON.parse(r.payload).event));
}

/** True once `reg` lists `other` (with its URL) among the store's registers (its own file, read-only). */
export function knowsRegister(reg: ShopRegister, other: ShopRegister): boolean {
  return readRegisterFile(reg, (db) => db.prepare('SELECT 1 FROM store_registers WHERE register_id = ? AND url IS NOT NULL').get(other.id) !== undefined);
}

// The file's one PostgreSQL server for the store-wide tests (started on first use, see below).
let postgres: PostgresServer | null = null;

/**
 * The two-register shop of the store-wide tests (gift cards, credit notes, the FEC): central on
 * `dialect` — PostgreSQL: a database of its own named `database` (plus the process id) on the file's
 * one server, started on first use; stop it with `stopShopPostgres` after the file — and registers
 * A and B, heartbeats every 250 ms.
 */
export async function openTwoRegisterShop(dialect: 'sqlite' | 'postgres', database: string): Promise<Shop & { registers: [ShopRegister, ShopRegister] }> {
  const databaseUrl = dialect === 'postgres' ? await (postgres ??= await startPostgres()).createDatabase(`${database}_${process.pid}`) : undefined;
  const shop = await openShop({ registers: 2, heartbeatMs: 250, ...(databaseUrl ? { databaseUrl } : {}) });
  return shop as Shop & { registers: [ShopRegister, ShopRegister] };
}

/** Stops the PostgreSQL server `openTwoRegisterShop` started, if it did. */
export async function stopShopPostgres(): Promise<void> {
  await postgres?.stop();
  postgres = null;
}
