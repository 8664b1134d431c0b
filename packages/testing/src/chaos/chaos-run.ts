// The chaos run: a central server and R registers in their own processes, each register behind its
// own TCP fault proxy, several concurrent sellers per register, and a seeded nemesis drawing faults.
// At the end every fault is healed, the run waits for quiet, and the checker (chaos-checker.ts)
// verifies the recorded history against the final state of both ends.
//
// Phases: setup (processes, logins, initial stock, first backup) → workload + nemesis for `minutes`
// → stop the nemesis and the sellers (a sale in doubt keeps being retried with its clientSaleId
// until it has an answer) → heal (links up, clocks back, disk freed, every process running) → quiet
// (every register connected with an empty outbox) → read the final state → check → tear down.
// Invariant: every process, mount and proxy started here is stopped/unmounted in teardown, also on
// failure; the work directory is kept when a violation was found (or with `keep`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, createWriteStream, statfsSync } from 'node:fs';
import { copyFile, rm, unlink, open } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { http, eventually, startCentralProcess, startRegisterProcess, runComptoir, DEMO_MANAGER_AT_TILL, type CentralProcess, type RegisterProcess } from '../comptoir';
import type { FaultProxy, FaultMode } from '@comptoir/link-proxy';
import { startFaultProxy } from '../fault-proxy';
import { tempDir } from '../tmp';
import { FAKETIME_LIB, fakeClock, type FakeClock } from '../faketime';
import { SeededRandom } from './seeded-random';
import { checkRun, type AckedTicket, type FinalState, type RegisterFinalState, type TicketView, type ClosureView } from './chaos-checker';

export const FAULT_KINDS = [
  'link-cut',
  'link-reset-mid-response',
  'link-blackhole',
  'link-latency',
  'central-kill-during-ingest',
  'register-kill-mid-sale',
  'register-kill-mid-copy',
  'central-restore-older-backup',
  'register-clock-step',
  'central-disk-full',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface ChaosOptions {
  minutes: number;
  seed: number;
  registers: number;
  /** Concurrent sellers per register (default 3). */
  sellers?: number;
  /** Mean pause between two actions of one seller, ms (default 15). */
  thinkMs?: number;
  /** Keep the work directory even when the run passes. */
  keep?: boolean;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface ChaosReport {
  seed: number;
  minutes: number;
  registers: number;
  sellers: number;
  startedAt: string;
  durationMs: number;
  acknowledged: { sales: number; returns: number; repeatedSalesMatched: number; closures: number; duplicates: number; copies: number; cashMovements: number };
  inDoubtResolved: number;
  refusals: Record<string, number>;
  serverErrors: Record<string, number>;
  faults: Partial<Record<FaultKind, number>>;
  skippedFaultKinds: { kind: FaultKind; why: string }[];
  /** Faults the harness failed to inject (e.g. a tool that failed); the run goes on. */
  harnessErrors: string[];
  healMs: number;
  ticketsAtCentral: number;
  violations: string[];
  workDir: string | null;
  reproduce: string;
}

/**
 * The fault kinds this machine cannot inject, known before a run: central's disk full needs root
 * (the run mounts a size-limited tmpfs), a clock step needs libfaketime. A tmpfs mount that fails
 * as root is found only when the run tries (then it is in the report's `skippedFaultKinds` too).
 */
export function faultKindsUnavailable(): { kind: FaultKind; why: string }[] {
  const out: { kind: FaultKind; why: string }[] = [];
  if (process.getuid?.() !== 0) out.push({ kind: 'central-disk-full', why: 'not root: cannot mount a size-limited filesystem' });
  if (!FAKETIME_LIB) out.push({ kind: 'register-clock-step', why: 'libfaketime not installed (apt-get install faketime)' });
  return out;
}
const FAULT_WEIGHTS: Record<FaultKind, number> = {
  'link-cut': 3,
  'link-reset-mid-response': 3,
  'link-blackhole': 2,
  'link-latency': 2,
  'central-kill-during-ingest': 2,
  'register-kill-mid-sale': 2,
  'register-kill-mid-copy': 1,
  'central-restore-older-backup': 1,
  'register-clock-step': 1,
  'central-disk-full': 1,
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Till {
  index: number;
  name: string;
  id: string;
  process: RegisterProcess;
  link: FaultProxy;
  /** The till's clock (libfaketime), null when it is not installed. */
  clock: FakeClock | null;
  token: string;
  /** Set while a fault has the process down: sellers wait instead of counting network errors. */
  down: boolean;
}

interface Product { sku: string; priceCents: number }

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const log = opts.log ?? (() => undefined);
  const sellersPer = opts.sellers ?? 3;
  const thinkMs = opts.thinkMs ?? 15;
  const started = Date.now();
  const dir = await tempDir('comptoir-chaos-');
  const history = createWriteStream(join(dir.path, 'history.ndjson'));
  const note = (entry: Record<string, unknown>) => history.write(`${JSON.stringify({ at: Date.now() - started, ...entry })}\n`);
  const reproduce = `npm run chaos -- --minutes ${opts.minutes} --seed ${opts.seed} --registers ${opts.registers} --sellers ${sellersPer}`;
  const report: ChaosReport = {
    seed: opts.seed,
    minutes: opts.minutes,
    registers: opts.registers,
    sellers: sellersPer,
    startedAt: new Date(started).toISOString(),
    durationMs: 0,
    acknowledged: { sales: 0, returns: 0, repeatedSalesMatched: 0, closures: 0, duplicates: 0, copies: 0, cashMovements: 0 },
    inDoubtResolved: 0,
    refusals: {},
    serverErrors: {},
    faults: {},
    skippedFaultKinds: [],
    harnessErrors: [],
    healMs: 0,
    ticketsAtCentral: 0,
    violations: [],
    workDir: dir.path,
    reproduce,
  };
  const violations: string[] = [];
  const acks: AckedTicket[] = [];
  const bump = (m: Record<string, number>, k: string) => (m[k] = (m[k] ?? 0) + 1);

  // Central's data directory on a size-limited tmpfs (mounted here, as root), so the nemesis can fill it.
  const centralDir = join(dir.path, 'central');
  mkdirSync(centralDir);
  let mounted = false;
  report.skippedFaultKinds.push(...faultKindsUnavailable());
  if (process.getuid?.() === 0) {
    const m = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=768m,mode=0700', 'tmpfs', centralDir], { encoding: 'utf8' });
    mounted = m.status === 0;
    if (!mounted) report.skippedFaultKinds.push({ kind: 'central-disk-full', why: `mount tmpfs failed: ${m.stderr.trim()}` });
  }
  const enabled = FAULT_KINDS.filter((k) => !report.skippedFaultKinds.some((s) => s.kind === k));

  let central: CentralProcess | undefined;
  let centralDown = false;
  const tills: Till[] = [];
  let fillerPath: string | null = null;
  const backups: string[] = [];
  let adminToken = '';
  let stoppingAll = false;

  const teardown = async () => {
    stoppingAll = true;
    for (const t of tills) {
      await t.process.handle.stop(2000).catch(() => undefined);
      await t.link.close().catch(() => undefined);
    }
    await central?.handle.stop(2000).catch(() => undefined);
    if (fillerPath) await unlink(fillerPath).catch(() => undefined);
    if (mounted) spawnSync('umount', ['-l', centralDir]);
    await new Promise((r) => history.end(r));
  };

  try {
    // ---- setup ----
    central = await startCentralProcess({ dataDir: centralDir, name: 'central' });
    const creds = central.credentials();
    const adminLogin = async () => {
      const r = await http(central!.url, 'POST', '/api/auth/login', { body: creds.admin });
      if (r.status !== 200) throw new Error(`admin login: ${r.status} ${JSON.stringify(r.body)}`);
      adminToken = r.body.token;
    };
    await adminLogin();
    const admin = async (method: string, path: string, body?: unknown) => {
      let r = await http(central!.url, method, path, { token: adminToken, body, timeoutMs: 30_000 });
      if (r.status === 401) {
        await adminLogin();
        r = await http(central!.url, method, path, { token: adminToken, body, timeoutMs: 30_000 });
      }
      return r;
    };
    const products = ((await admin('GET', '/api/products?limit=24')).body.items as Product[]).slice(0, 24);
    if (products.length === 0) throw new Error('the demo catalogue has no products');
    const initialStock = new Map<string, number>();
    for (const p of products) initialStock.set(p.sku, (await admin('GET', `/api/stock/${encodeURIComponent(p.sku)}`)).body.quantity);

    for (let i = 0; i < opts.registers; i++) {
      const name = `register-${i + 1}`;
      const created = await admin('POST', '/api/registers', { name: `Caisse chaos ${i + 1}` });
      if (created.status !== 201) throw new Error(`register creation: ${JSON.stringify(created.body)}`);
      const link = await startFaultProxy({ target: { host: '127.0.0.1', port: central.port } });
      const clock = FAKETIME_LIB ? fakeClock(join(dir.path, `${name}.faketime`)) : null;
      const env = clock?.env ?? {};
      let proc: RegisterProcess;
      try {
        proc = await startRegisterProcess({ dataDir: join(dir.path, name), centralUrl: link.url, enrolCode: created.body.enrolCode, heartbeatMs: 250, env, name });
      } catch (e) {
        await link.close().catch(() => undefined);
        throw e;
      }
      // In the teardown's list before anything else can fail: a register left running (say its
      // enrolment timed out on a loaded machine) would keep this process, and the test file, alive.
      const till: Till = { index: i, name, id: created.body.id, process: proc, link, clock, token: '', down: false };
      tills.push(till);
      await eventually(`${name} enrolled and connected`, async () => {
        const s = await http(proc.url, 'GET', '/api/status');
        return s.body.enrolled && s.body.mode === 'connected';
      }, 30_000);
      till.token = (await http(proc.url, 'POST', '/api/auth/login', { body: creds.cashier })).body.token;
    }

    const backup = async () => {
      const to = join(dir.path, `central-backup-${backups.length + 1}.sqlite`);
      // VACUUM INTO: one read transaction, a consistent copy. (The online backup API restarts
      // whenever another process writes, so it never ends while central keeps ingesting.)
      const db = new Database(join(centralDir, 'central.sqlite'), { readonly: true, fileMustExist: true });
      try {
        db.prepare('VACUUM INTO ?').run(to);
      } finally {
        db.close();
      }
      backups.push(to);
      note({ backup: to });
    };
    await backup();
    log(`setup done: central ${central.url}, ${tills.length} registers, ${products.length} products; disk-full ${mounted ? 'on tmpfs' : 'off'}, clock ${FAKETIME_LIB ? 'faketime' : 'off'}`);

    // ---- workload ----
    let stopping = false;
    const relogin = async (t: Till) => {
      const r = await http(t.process.url, 'POST', '/api/auth/login', { body: creds.cashier, timeoutMs: 5000 });
      if (r.status === 200) t.token = r.body.token;
    };
    /** One request to a register; null when the register could not answer (down, killed, timeout). */
    const call = async (t: Till, method: string, path: string, body?: unknown): Promise<{ status: number; body: any } | null> => {
      try {
        let r = await http(t.process.url, method, path, { token: t.token, body, timeoutMs: 15_000 });
        if (r.status === 401) {
          await relogin(t);
          r = await http(t.process.url, method, path, { token: t.token, body, timeoutMs: 15_000 });
        }
        if (r.status >= 500) {
          bump(report.serverErrors, `${method} ${path.replace(/\d+/g, ':n')} ${r.status} ${r.body?.error?.code ?? ''}`.trim());
          note({ serverError: { register: t.name, method, path, status: r.status, body: r.body } });
        }
        return r;
      } catch {
        return null;
      }
    };
    /** Sends a sale/return until it has an answer; a lost answer is retried with the same clientSaleId. */
    const sendUntilAnswered = async (t: Till, path: string, body: { clientSaleId: string }) => {
      let doubt = false;
      for (let attempt = 0; ; attempt++) {
        const r = await call(t, 'POST', path, body);
        if (r && r.status < 500) {
          if (doubt) report.inDoubtResolved++;
          return r;
        }
        doubt = true;
        if (stopping && attempt > 2000) return null; // the heal deadline will report it
        await sleep(t.down ? 200 : 100);
      }
    };
    const recordAck = (t: Till, body: any, clientSaleId: string, replayed: boolean) => {
      const a: AckedTicket = { registerId: t.id, number: body.number, kind: body.kind, totalCents: body.totalCents, signature: body.signature, clientSaleId, replayed };
      acks.push(a);
      note({ ack: { register: t.name, number: a.number, kind: a.kind, totalCents: a.totalCents, clientSaleId, replayed } });
      return a;
    };
    const salesOf = (t: Till) => acks.filter((a) => a.registerId === t.id && a.kind === 'sale');

    const seller = async (t: Till, k: number) => {
      const rng = new SeededRandom(opts.seed, `seller-${t.index}-${k}`);
      while (!stopping) {
        await sleep(rng.int(0, 2 * thinkMs));
        if (t.down) {
          await sleep(100);
          continue;
        }
        const action = rng.weighted({ sale: 80, repeat: 4, return: 8, duplicate: 4, closure: 1, copy: 1, cash: 2 });
        if (action === 'sale' || action === 'repeat') {
          const lines = Array.from({ length: rng.int(1, 3) }, () => ({ sku: rng.pick(products).sku, quantity: rng.int(1, 3) }));
          const body = { lines, payments: [{ method: 'cash', amountCents: 500_000 }], clientSaleId: rng.uuid() };
          const r = await sendUntilAnswered(t, '/api/sales', body);
          if (!r) continue;
          if (r.status !== 201 && r.status !== 200) {
            bump(report.refusals, `sale ${r.status} ${r.body?.error?.code ?? ''}`);
            continue;
          }
          const first = recordAck(t, r.body, body.clientSaleId, r.status === 200);
          report.acknowledged.sales++;
          if (action === 'repeat') {
            // The screen lost the answer and sends the very same sale again: same ticket, 200.
            const again = await sendUntilAnswered(t, '/api/sales', body);
            if (again && (again.status === 200 || again.status === 201)) {
              recordAck(t, again.body, body.clientSaleId, true);
              if (again.status === 200 && again.body.number === first.number) report.acknowledged.repeatedSalesMatched++;
              else violations.push(`${t.name}: repeated clientSaleId ${body.clientSaleId} answered ${again.status} #${again.body.number}, first #${first.number}`);
            }
          }
        } else if (action === 'return') {
          const sales = salesOf(t);
          if (sales.length === 0) continue;
          const original = rng.pick(sales);
          const lines = [{ lineNo: 1, quantity: 1 }];
          const quote = await call(t, 'POST', '/api/returns/quote', { original: { number: original.number }, lines });
          if (!quote || quote.status !== 200) {
            if (quote) bump(report.refusals, `return-quote ${quote.status} ${quote.body?.error?.code ?? ''}`);
            continue;
          }
          // A return needs a manager's approval at the till (issue 9): the seller has the demo manager's.
          const body = { original: { number: original.number }, lines, refunds: [{ method: 'card', amountCents: -quote.body.totalCents }], clientSaleId: rng.uuid(), approval: DEMO_MANAGER_AT_TILL };
          const r = await sendUntilAnswered(t, '/api/returns', body);
          if (!r) continue;
          if (r.status === 201 || r.status === 200) {
            recordAck(t, r.body, body.clientSaleId, r.status === 200);
            report.acknowledged.returns++;
          } else bump(report.refusals, `return ${r.status} ${r.body?.error?.code ?? ''}`);
        } else if (action === 'duplicate') {
          const sales = salesOf(t);
          if (sales.length === 0) continue;
          const r = await call(t, 'POST', `/api/tickets/${rng.pick(sales).number}/duplicates`);
          if (r?.status === 201) report.acknowledged.duplicates++;
          else if (r) bump(report.refusals, `duplicate ${r.status} ${r.body?.error?.code ?? ''}`);
        } else if (action === 'closure') {
          const r = await call(t, 'POST', '/api/closures/day', { approval: DEMO_MANAGER_AT_TILL });
          if (r?.status === 201) {
            report.acknowledged.closures++;
            note({ closure: { register: t.name, number: r.body.number, payload: r.body.payload } });
          } else if (r) bump(report.refusals, `closure ${r.status} ${r.body?.error?.code ?? ''}`);
        } else if (action === 'cash') {
          // A paid-in (no approval needed). Not retried: a movement carries no client id, so a lost
          // answer stays unknown rather than risk counting the cash twice.
          const r = await call(t, 'POST', '/api/cash/movements', { kind: 'in', amountCents: rng.int(100, 5000), reason: 'chaos' });
          if (r?.status === 201) report.acknowledged.cashMovements++;
          else if (r) bump(report.refusals, `cash ${r.status} ${r.body?.error?.code ?? ''}`);
        } else {
          const r = await call(t, 'POST', '/api/sos-copy');
          if (r?.status === 200) report.acknowledged.copies++;
          else if (r) bump(report.refusals, `sos-copy ${r.status} ${r.body?.error?.code ?? ''}`);
        }
      }
    };

    // ---- nemesis ----
    const restartCentral = async () => {
      await central!.restart();
      centralDown = false;
    };
    const restartTill = async (t: Till) => {
      await t.process.restart();
      t.down = false;
    };
    const watchExits = () => {
      // A process that ends without the nemesis having killed it is a finding (then it is restarted).
      void central!.handle.exited.then(async (code) => {
        if (centralDown || stoppingAll) return;
        violations.push(`central exited by itself (code ${String(code)}) during ${currentFault}`);
        note({ unexpectedExit: 'central', code, during: currentFault });
        centralDown = true;
        await restartCentral().catch((e) => violations.push(`central did not restart: ${String(e)}`));
        watchExits();
      });
    };
    let currentFault = 'no fault';
    watchExits();
    const watchTill = (t: Till) => {
      void t.process.handle.exited.then(async (code) => {
        if (t.down || stoppingAll) return;
        violations.push(`${t.name} exited by itself (code ${String(code)}) during ${currentFault}`);
        note({ unexpectedExit: t.name, code, during: currentFault });
        t.down = true;
        await restartTill(t).catch((e) => violations.push(`${t.name} did not restart: ${String(e)}`));
        watchTill(t);
      });
    };
    tills.forEach(watchTill);
    const killCentral = async () => {
      centralDown = true;
      await central!.handle.kill9();
    };
    const bringCentralBack = async () => {
      await restartCentral();
      watchExits();
    };
    const killTill = async (t: Till) => {
      t.down = true;
      await t.process.handle.kill9();
    };
    const bringTillBack = async (t: Till) => {
      await restartTill(t);
      watchTill(t);
    };

    const nrng = new SeededRandom(opts.seed, 'nemesis');
    const runFault = async (kind: FaultKind): Promise<Record<string, unknown>> => {
      const t = nrng.pick(tills);
      const hold = nrng.int(1000, 8000);
      switch (kind) {
        case 'link-cut':
        case 'link-reset-mid-response':
        case 'link-blackhole':
        case 'link-latency': {
          const mode: FaultMode =
            kind === 'link-cut' ? { kind: 'refuse' }
            : kind === 'link-reset-mid-response' ? { kind: 'reset-mid-response', afterBytes: nrng.int(0, 4000) }
            : kind === 'link-blackhole' ? { kind: 'blackhole' }
            : { kind: 'latency', ms: nrng.int(50, 1500) };
          await t.link.setMode(mode);
          await sleep(hold);
          await t.link.setMode({ kind: 'up' });
          return { register: t.name, mode, holdMs: hold };
        }
        case 'central-kill-during-ingest': {
          // Let the outboxes fill behind cut links, lift the cuts, kill central while it ingests.
          for (const x of tills) await x.link.setMode({ kind: 'refuse' });
          await sleep(nrng.int(1000, 4000));
          for (const x of tills) await x.link.setMode({ kind: 'up' });
          const after = nrng.int(10, 400);
          await sleep(after);
          await killCentral();
          await sleep(nrng.int(200, 2000));
          await bringCentralBack();
          return { killedAfterMs: after };
        }
        case 'register-kill-mid-sale': {
          await sleep(nrng.int(0, 300));
          await killTill(t);
          await sleep(nrng.int(200, 2000));
          await bringTillBack(t);
          return { register: t.name };
        }
        case 'register-kill-mid-copy': {
          const copy = call(t, 'POST', '/api/sos-copy');
          const after = nrng.int(5, 400);
          await sleep(after);
          await killTill(t);
          const answered = await copy;
          await sleep(nrng.int(200, 1500));
          await bringTillBack(t);
          return { register: t.name, killedAfterMs: after, copyAnswered: answered?.status ?? null };
        }
        case 'central-restore-older-backup': {
          const from = nrng.pick(backups);
          await killCentral();
          await copyFile(from, join(centralDir, 'central.sqlite'));
          await rm(join(centralDir, 'central.sqlite-wal'), { force: true });
          await rm(join(centralDir, 'central.sqlite-shm'), { force: true });
          await bringCentralBack();
          return { backup: from };
        }
        case 'register-clock-step': {
          const step = nrng.pick(['-3h', '-30m', '+2h', '+1d', '+2d', '+40d']);
          t.clock!.step(step);
          await sleep(hold + 2000);
          t.clock!.step('+0');
          await sleep(1500); // libfaketime re-reads the file every second
          return { register: t.name, step, holdMs: hold };
        }
        case 'central-disk-full': {
          // One fallocate of nearly all the free space, then small writes to the last byte.
          fillerPath = join(centralDir, 'filler.bin');
          const { bavail, bsize } = statfsSync(centralDir);
          // (central keeps writing meanwhile: leave it 8 MB, which the small writes then take.)
          const bulk = Math.max(0, bavail * bsize - (8 << 20));
          const fa = spawnSync('fallocate', ['-l', String(bulk), fillerPath], { encoding: 'utf8' });
          let filled = fa.status === 0 ? bulk : 0;
          const fh = await open(fillerPath, 'a');
          const chunk = Buffer.alloc(64 * 1024);
          try {
            for (;;) {
              await fh.write(chunk);
              filled += chunk.length;
            }
          } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
          } finally {
            await fh.close();
          }
          await sleep(hold);
          await unlink(fillerPath);
          fillerPath = null;
          return { filledBytes: filled, holdMs: hold };
        }
      }
    };

    const sellers = tills.flatMap((t) => Array.from({ length: sellersPer }, (_, k) => seller(t, k)));
    const endAt = Date.now() + opts.minutes * 60_000;
    let nextBackupAt = Date.now() + 15_000;
    const progress = setInterval(() => {
      log(`${Math.round((Date.now() - started) / 1000)} s: ${report.acknowledged.sales} sales, ${report.acknowledged.returns} returns acknowledged; faults ${JSON.stringify(report.faults)}; now ${currentFault}`);
    }, 30_000);
    while (Date.now() < endAt) {
      await sleep(nrng.int(500, 3000));
      if (Date.now() >= endAt) break;
      if (Date.now() >= nextBackupAt) {
        await backup().catch((e) => note({ backupFailed: String(e) }));
        nextBackupAt = Date.now() + nrng.int(10_000, 30_000);
      }
      const weights = Object.fromEntries(enabled.map((k) => [k, FAULT_WEIGHTS[k]])) as Record<FaultKind, number>;
      const kind = nrng.weighted(weights);
      currentFault = kind;
      const at = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const details = await Promise.race([
        runFault(kind).catch((e: unknown) => {
          // The harness could not inject this fault (not a product failure): reported apart.
          report.harnessErrors.push(`${kind}: ${e instanceof Error ? e.message : String(e)}`);
          return { failedToInject: true };
        }),
        new Promise<null>((r) => (timer = setTimeout(() => r(null), 120_000))),
      ]).finally(() => clearTimeout(timer));
      if (details === null) {
        violations.push(`fault ${kind} did not complete within 120 s`);
        note({ fault: kind, stuck: true });
        break;
      }
      bump(report.faults as Record<string, number>, kind);
      note({ fault: kind, ms: Date.now() - at, ...details });
      currentFault = 'no fault';
    }
    clearInterval(progress);

    // ---- heal and quiet ----
    stopping = true;
    const healStart = Date.now();
    for (const t of tills) {
      await t.link.setMode({ kind: 'up' });
      t.clock?.step('+0');
    }
    if (fillerPath) {
      await unlink(fillerPath).catch(() => undefined);
      fillerPath = null;
    }
    if (centralDown) await bringCentralBack();
    for (const t of tills) if (t.down) await bringTillBack(t);
    await Promise.all(sellers);
    stoppingAll = true;
    // Log in before waiting for quiet: a login is itself a signed event that must reach central.
    for (const t of tills) await relogin(t);
    await eventually('every register connected with an empty outbox', async () => {
      for (const t of tills) {
        const s = await http(t.process.url, 'GET', '/api/status', { timeoutMs: 3000 });
        if (s.body.mode !== 'connected' || s.body.pendingRecords !== 0) return false;
      }
      return true;
    }, 180_000, 250).catch((e) => violations.push(`no quiet after the heal: ${String(e)}`));
    report.healMs = Date.now() - healStart;
    // The outbox and blocked chains as they were at the quiet point: a record signed later (say an
    // offline_start while the long reads below load the machine) is not one the heal left behind.
    const atQuiet = new Map<string, any>();
    for (const t of tills) atQuiet.set(t.id, (await http(t.process.url, 'GET', '/api/status')).body);
    log(`healed and quiet in ${report.healMs} ms; reading the final state`);

    // ---- final state ----
    const pages = async (get: (offset: number) => Promise<{ items: any[]; total: number }>) => {
      const items: any[] = [];
      for (let offset = 0; ; offset += 1000) {
        const page = await get(offset);
        items.push(...page.items);
        if (items.length >= page.total || page.items.length === 0) return items;
      }
    };
    const toTicket = (t: any): TicketView => ({ number: t.number, kind: t.kind, totalCents: t.totalCents, signature: t.signature, lines: t.lines?.map((l: any) => ({ sku: l.sku, quantity: l.quantity })) });
    const toClosure = (c: any): ClosureView => ({ number: c.number, signature: c.signature, payload: c.payload });
    const registers: RegisterFinalState[] = [];
    for (const t of tills) {
      const status = atQuiet.get(t.id);
      const localTickets = await pages(async (o) => (await http(t.process.url, 'GET', `/api/tickets?limit=1000&offset=${o}`, { token: t.token, timeoutMs: 60_000 })).body);
      const centralTickets = await pages(async (o) => (await admin('GET', `/api/tickets?registerId=${t.id}&limit=1000&offset=${o}&detail=1`)).body);
      const localClosures = (await http(t.process.url, 'GET', '/api/closures?limit=400', { token: t.token })).body.items;
      const centralClosures = (await admin('GET', `/api/closures?registerId=${t.id}&limit=1000`)).body.items;
      registers.push({
        registerId: t.id,
        name: t.name,
        localTickets: localTickets.map(toTicket),
        centralTickets: centralTickets.map(toTicket),
        localClosures: localClosures.map(toClosure),
        centralClosures: centralClosures.map(toClosure),
        pendingRecords: status.pendingRecords,
        blockedChains: (status.blockedChains ?? []).map((b: { chain: string; reason: string }) => `${b.chain}: ${b.reason}`),
      });
      report.ticketsAtCentral += centralTickets.length;
    }
    const finalStock = new Map<string, number>();
    for (const sku of initialStock.keys()) finalStock.set(sku, (await admin('GET', `/api/stock/${encodeURIComponent(sku)}`)).body.quantity);
    const verify: FinalState['verify'] = [];
    verify.push({ where: 'central', ...(await runComptoir(['verify', '--data', centralDir])) });
    for (const t of tills) verify.push({ where: t.name, ...(await runComptoir(['verify', '--data', t.process.dataDir])) });

    violations.push(...checkRun(acks, { registers, initialStock, finalStock, verify }));
  } catch (e) {
    violations.push(`the run itself failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  } finally {
    await teardown();
  }
  report.violations = violations;
  report.durationMs = Date.now() - started;
  writeFileSync(join(dir.path, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  if (violations.length === 0 && !opts.keep) {
    await dir.cleanup();
    report.workDir = null;
  }
  return report;
}

