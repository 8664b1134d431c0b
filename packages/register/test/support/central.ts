// The REAL central server for the register tests: `comptoir central` in its own process, on a
// throwaway SQLite file, seeded with the demo shop. The register under test stays in-process (built
// by its own factory) so the tests can still look inside it; everything on the central side is real.
//
// What the tests observe of central goes through its HTTP API (tickets, stock, fleet, tamper alerts,
// products). The two things no API exposes — a register's non-ticket records (the event chain) and
// the public key central registered — are read from central's SQLite file, read-only.
// The faults central cannot be asked for over HTTP are made the way they happen in a shop: an older
// backup of central's database restored (CHAIN_GAP), a chain head edited behind central's back
// (TAMPER_ALERT), a product deactivated in the database (there is no API for it).
import assert from 'node:assert/strict';
import { after } from 'node:test';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DEMO_MANAGER_AT_TILL, http, startCentralProcess, tempDir, type CentralProcess, type Credentials, type TempDir } from '@comptoir/testing';
import type { CentralTicket, FleetRegister, Product, Store, TamperAlert } from '@comptoir/protocol';
import type { RunningRegister } from '../../src/index';

/** Products of the demo seed (packages/central/src/seed/demo-catalog.ts) the tests sell. */
export const DEMO_SKUS = {
  /** "Café moulu 250 g", 5.5 % VAT, one barcode. */
  coffee: 'EPI-005',
  /** "Vin rouge Côtes-du-Rhône", 20 % VAT. */
  wine: 'BOI-005',
  /** "Pâtes fusilli 500 g", 5.5 % VAT. */
  pasta: 'EPI-001',
} as const;

/** A customer of the demo store, the only one whose name contains "laurent". */
export const DEMO_CUSTOMER = { id: 'demo-customer-01', search: 'laurent' } as const;

/** A copy schedule that never fires during a test run (1 January, 03:00): no scheduled copy interferes. */
export const FAR_SCHEDULE = ['0 0 3 1 1 *'];

/** A record as central stored it (records table), in chain then number order. */
export interface CentralRecord {
  chain: string;
  number: number;
  signature: string;
  payload: { type?: string; event?: string } & Record<string, unknown>;
  integratedAt: string;
}

export class TestCentral {
  private constructor(
    readonly process: CentralProcess,
    readonly adminToken: string,
    readonly credentials: Credentials,
    private readonly dir: TempDir,
  ) {}

  /** Starts central (≈2 s: a process, migrations, the demo seed) and logs in as its admin; `env`: central's extra settings. */
  static async start(env?: Record<string, string>): Promise<TestCentral> {
    const dir = await tempDir('comptoir-register-central-');
    let proc: CentralProcess | undefined;
    try {
      proc = await startCentralProcess({ dataDir: join(dir.path, 'central'), name: 'central', ...(env ? { env } : {}) });
      const credentials = proc.credentials();
      const login = await http(proc.url, 'POST', '/api/auth/login', { body: credentials.admin });
      if (login.status !== 200) throw new Error(`admin login failed: ${JSON.stringify(login.body)}`);
      return new TestCentral(proc, login.body.token as string, credentials, dir);
    } catch (e) {
      await proc?.handle.stop();
      await dir.cleanup();
      throw e;
    }
  }

  get url(): string {
    return this.process.url;
  }

  get port(): number {
    return this.process.port;
  }

  get storeId(): string {
    return this.credentials.storeId;
  }

  get cashier(): { login: string; pin: string } {
    return this.credentials.cashier;
  }

  /** The demo manager at the registers (login `gerant`, PIN `9999`: docs/architecture.md §8): approves at the till. */
  get manager(): { login: string; pin: string } {
    return DEMO_MANAGER_AT_TILL;
  }

  /** central's SQLite file. */
  get file(): string {
    return join(this.process.dataDir, 'central.sqlite');
  }

  private async get<T>(path: string): Promise<T> {
    const res = await http<T>(this.url, 'GET', path, { token: this.adminToken });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /** A new register of the demo store, as the back office creates it: its id and one-time enrol code. */
  async createRegister(name: string): Promise<{ id: string; enrolCode: string }> {
    const res = await http(this.url, 'POST', '/api/registers', { token: this.adminToken, body: { name } });
    if (res.status !== 201) throw new Error(`register creation failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as { id: string; enrolCode: string };
  }

  product(sku: string): Promise<Product> {
    return this.get(`/api/products/${encodeURIComponent(sku)}`);
  }

  async productTotal(): Promise<number> {
    return (await this.get<{ total: number }>('/api/products?limit=1')).total;
  }

  async store(): Promise<Store> {
    const { items } = await this.get<{ items: Store[] }>('/api/stores');
    const store = items.find((s) => s.id === this.storeId);
    if (!store) throw new Error(`store ${this.storeId} not listed`);
    return store;
  }

  /** Every ticket of the register central holds, in number order. */
  async tickets(registerId: string): Promise<CentralTicket[]> {
    const items: CentralTicket[] = [];
    for (;;) {
      const page = await this.get<{ items: CentralTicket[]; total: number }>(
        `/api/tickets?registerId=${encodeURIComponent(registerId)}&limit=1000&offset=${items.length}`,
      );
      items.push(...page.items);
      if (items.length >= page.total || page.items.length === 0) return items;
    }
  }

  async stock(sku: string): Promise<number> {
    return (await this.get<{ quantity: number }>(`/api/stock/${encodeURIComponent(sku)}`)).quantity;
  }

  async stocks(skus: readonly string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (const sku of skus) out.set(sku, await this.stock(sku));
    return out;
  }

  /** The register's row of the fleet status (what it last told central in a heartbeat). */
  async fleetRow(registerId: string): Promise<FleetRegister> {
    const { items } = await this.get<{ items: FleetRegister[] }>('/api/registers');
    const row = items.find((r) => r.id === registerId);
    if (!row) throw new Error(`register ${registerId} not in the fleet`);
    return row;
  }

  async tamperAlerts(registerId: string): Promise<TamperAlert[]> {
    return (await this.get<{ items: TamperAlert[] }>(`/api/tamper-alerts?registerId=${encodeURIComponent(registerId)}`)).items;
  }

  async setSosSchedule(registerId: string, cron: string[]): Promise<void> {
    const res = await http(this.url, 'PUT', `/api/registers/${encodeURIComponent(registerId)}/sos-schedule`, { token: this.adminToken, body: { cron } });
    if (res.status !== 200) throw new Error(`schedule refused: ${res.status} ${JSON.stringify(res.body)}`);
  }

  async setPrice(sku: string, priceCents: number): Promise<void> {
    const res = await http(this.url, 'PATCH', `/api/products/${encodeURIComponent(sku)}`, { token: this.adminToken, body: { priceCents } });
    if (res.status !== 200) throw new Error(`price change refused: ${res.status} ${JSON.stringify(res.body)}`);
  }

  // ---- central's SQLite file (read-only unless said otherwise) ----

  private read<T>(fn: (db: Database.Database) => T): T {
    const db = new Database(this.file, { readonly: true, fileMustExist: true });
    try {
      return fn(db);
    } finally {
      db.close();
    }
  }

  /** Every record of the register central stored, by chain then number (no API lists events). */
  records(registerId: string): CentralRecord[] {
    const rows = this.read((db) =>
      db
        .prepare('SELECT chain, number, signature, payload, integrated_at FROM records WHERE register_id = ? ORDER BY chain, number')
        .all(registerId),
    ) as { chain: string; number: number; signature: string; payload: string; integrated_at: string }[];
    return rows.map((r) => ({ chain: r.chain, number: Number(r.number), signature: r.signature, payload: JSON.parse(r.payload), integratedAt: r.integrated_at }));
  }

  /** The event names of the register's `event` chain central stored, in chain order. */
  events(registerId: string): string[] {
    return this.records(registerId)
      .filter((r) => r.chain === 'event')
      .map((r) => String(r.payload.event));
  }

  /** The public key central registered for the register at enrolment (it verifies every push with it). */
  publicKeyOf(registerId: string): string {
    const row = this.read((db) => db.prepare('SELECT public_key_pem FROM registers WHERE id = ?').get(registerId)) as { public_key_pem: string | null } | undefined;
    if (!row?.public_key_pem) throw new Error(`central holds no public key for ${registerId}`);
    return row.public_key_pem;
  }

  /** An online backup of central's database (SQLite backup API: consistent while central runs). */
  async backup(name: string): Promise<string> {
    const dest = join(this.dir.path, `${name}.sqlite`);
    const db = new Database(this.file, { readonly: true, fileMustExist: true });
    try {
      await db.backup(dest);
    } finally {
      db.close();
    }
    return dest;
  }

  /** Tickets of a register held in a database file (a backup), read straight from it. */
  ticketsInFile(file: string, registerId: string): number {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      return (db.prepare('SELECT count(*) AS n FROM tickets WHERE register_id = ?').get(registerId) as { n: number }).n;
    } finally {
      db.close();
    }
  }

  /**
   * Restores an older backup as after a lost server: central dies (kill -9: whatever it held is
   * thrown away anyway, and a graceful stop may wait seconds for connections a black hole left
   * half-open), the backup takes the place of its database (the WAL of the newer one dropped: it
   * must not be replayed onto the backup), central starts again on the same port.
   */
  async restore(backupFile: string): Promise<void> {
    await this.process.handle.kill9();
    for (const suffix of ['-wal', '-shm']) rmSync(this.file + suffix, { force: true });
    copyFileSync(backupFile, this.file);
    await this.process.restart();
  }

  /**
   * Someone edits the chain head central holds for a register's chain (the signature the next record
   * must link to): the register's next record of that chain no longer links, a tamper alert.
   */
  forgeChainHead(registerId: string, chain: string): void {
    const db = new Database(this.file, { fileMustExist: true });
    try {
      const changed = db
        .prepare("UPDATE chain_heads SET last_signature = 'forged-' || last_signature WHERE register_id = ? AND chain = ?")
        .run(registerId, chain).changes;
      if (changed !== 1) throw new Error(`no ${chain} chain head for ${registerId}`);
    } finally {
      db.close();
    }
  }

  /**
   * Deactivates a product under a new change version, as the catalog service would (central has no
   * API for it): registers learn it through their incremental refresh.
   */
  deactivateProduct(sku: string): void {
    const db = new Database(this.file, { fileMustExist: true });
    try {
      db.transaction(() => {
        const { value } = db.prepare("UPDATE counters SET value = value + 1 WHERE name = 'change_version' RETURNING value").get() as { value: number };
        const changed = db.prepare('UPDATE products SET active = 0, change_version = ?, updated_at = ? WHERE sku = ?').run(value, new Date().toISOString(), sku).changes;
        if (changed !== 1) throw new Error(`no product ${sku}`);
      })();
    } finally {
      db.close();
    }
  }

  async stop(): Promise<void> {
    await this.process.handle.stop();
    await this.dir.cleanup();
  }
}

/**
 * One central server per test file, started on first use (files without a test needing it start
 * none) and stopped after the file's last test, with `env` as its extra settings (COMPTOIR_…).
 * Call at the top level of the test file.
 */
export function centralPerFile(env?: Record<string, string>): () => Promise<TestCentral> {
  let started: Promise<TestCentral> | undefined;
  after(async () => {
    const central = await started?.catch(() => undefined);
    await central?.stop();
  });
  return () => (started ??= TestCentral.start(env));
}

/**
 * Everything the register recorded reached central exactly once, in chain order — as central shows
 * it: it holds the very same records (chain, number, signature), gapless from 1 and integrated in
 * number order; its ticket list has each local ticket once with the same total, signature and
 * soldOffline; and its stock moved exactly by the register's own stock movements since
 * `initialStock` (a ticket applied twice would move it twice). Call once the outbox is drained.
 */
export async function assertIntegratedExactlyOnce(central: TestCentral, reg: RunningRegister, initialStock: Map<string, number>): Promise<void> {
  const registerId = reg.ctx.identity!.registerId;
  const local = reg.ctx.sqlite.prepare('SELECT chain, number, signature FROM records ORDER BY chain, number').all() as { chain: string; number: number; signature: string }[];
  const held = central.records(registerId);
  const key = (r: { chain: string; number: number; signature: string }) => `${r.chain} #${r.number} ${r.signature}`;
  assert.deepEqual(held.map(key), local.map(key), 'central holds exactly the records of the register');
  const byChain = new Map<string, CentralRecord[]>();
  for (const r of held) byChain.set(r.chain, [...(byChain.get(r.chain) ?? []), r]);
  for (const [chain, records] of byChain) {
    assert.deepEqual(records.map((r) => r.number), records.map((_, i) => i + 1), `${chain} chain gapless from 1`);
    records.forEach((r, i) => {
      if (i > 0) assert.ok(r.integratedAt >= records[i - 1]!.integratedAt, `${chain} #${r.number} integrated after #${r.number - 1}`);
    });
  }

  const localTickets = reg.ctx.sqlite
    .prepare("SELECT t.number, t.total_cents, t.sold_offline, r.signature FROM tickets t JOIN records r ON r.chain = 'ticket' AND r.number = t.number ORDER BY t.number")
    .all() as { number: number; total_cents: number; sold_offline: number; signature: string }[];
  const tickets = await central.tickets(registerId);
  assert.deepEqual(
    tickets.map((t) => ({ number: t.number, totalCents: t.totalCents, soldOffline: t.soldOffline, signature: t.signature })),
    localTickets.map((t) => ({ number: t.number, totalCents: t.total_cents, soldOffline: t.sold_offline === 1, signature: t.signature })),
    'central lists every ticket once',
  );
  for (const t of tickets) assert.ok(t.integratedAt, `ticket ${t.number} has integratedAt`);

  const moved = reg.ctx.sqlite.prepare('SELECT sku, sum(delta) AS delta FROM stock_movements GROUP BY sku').all() as { sku: string; delta: number }[];
  for (const { sku, delta } of moved) {
    const initial = initialStock.get(sku);
    assert.ok(initial !== undefined, `no initial central stock recorded for ${sku}`);
    assert.equal(await central.stock(sku), initial + delta, `central stock of ${sku} moved once per ticket line`);
  }
}
