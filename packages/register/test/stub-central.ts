// STAND-IN ONLY: a minimal central server implementing the sync protocol (enrol, heartbeat, push,
// snapshot, changes) per @comptoir/protocol, used by the register tests until the real
// `packages/central` lands; then these tests should run against buildCentral instead.
// It verifies every pushed record with domain `verifyRecord` and the chain rules of DESIGN §4.
import { randomBytes, randomUUID, scryptSync } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { verifyRecord, GENESIS_SIGNATURE } from '@comptoir/domain';
import {
  EnrolRequest,
  HeartbeatRequest,
  PushRequest,
  snapshotChecksum,
  snapshotLines,
  canonicalLineText,
  type ChainHeads,
  type ChangesResponse,
  type CopyCashier,
  type CopyCustomer,
  type CopyProduct,
  type CopyStock,
  type HeartbeatResponse,
  type PushResponse,
  type SignedRecord,
  type Snapshot,
  type StoreIdentity,
} from '@comptoir/protocol';

export function pinHash(pin: string): string {
  const salt = randomBytes(16);
  const N = 1024, r = 8, p = 1;
  const hash = scryptSync(pin, salt, 32, { N, r, p });
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export interface StubState {
  enrolCodes: Map<string, { id: string; name: string; storeId: string }>;
  registers: Map<string, { id: string; publicKeyPem: string; token: string }>;
  /** Integrated records per `registerId/chain`, in order. */
  chains: Map<string, SignedRecord[]>;
  /** Every record newly integrated, in arrival order (never replays). */
  integratedLog: SignedRecord[];
  pushes: number;
  heartbeats: HeartbeatRequest[];
  store: StoreIdentity;
  products: Map<string, CopyProduct & { version: number }>;
  customers: Map<string, CopyCustomer & { version: number }>;
  cashiers: Map<string, CopyCashier & { version: number }>;
  stock: CopyStock[];
  changeVersion: number;
  sosSchedule: string[];
  /** Black hole: requests are accepted and never answered. */
  hang: boolean;
  /** Serve snapshots whose body no longer matches their manifest. */
  corruptSnapshot: boolean;
  /** Force a tamper alert on this chain. */
  tamperChain: string | null;
}

export function initialState(): StubState {
  const s: StubState = {
    enrolCodes: new Map([['ENROL-0001', { id: 'reg-1', name: 'Caisse 1', storeId: 'store-1' }]]),
    registers: new Map(),
    chains: new Map(),
    integratedLog: [],
    pushes: 0,
    heartbeats: [],
    store: { id: 'store-1', name: 'Boutique test', address: '1 rue du Test, Paris', siret: '12345678900011', vatNumber: 'FR00123456789', timezone: 'Europe/Paris' },
    products: new Map(),
    customers: new Map(),
    cashiers: new Map(),
    stock: [],
    changeVersion: 10,
    sosSchedule: [],
    hang: false,
    corruptSnapshot: false,
    tamperChain: null,
  };
  const products: CopyProduct[] = [
    { sku: 'CAFE', label: 'Café moulu 250 g', priceCents: 450, vatRate: 550, category: 'épicerie', barcodes: ['3000000000011'], active: true },
    { sku: 'VIN', label: 'Vin rouge 75 cl', priceCents: 1290, vatRate: 2000, category: 'boissons', barcodes: ['3000000000028'], active: true },
    { sku: 'LIVRE', label: 'Livre de poche', priceCents: 799, vatRate: 550, category: 'librairie', barcodes: [], active: true },
    { sku: 'OLD', label: 'Produit retiré', priceCents: 100, vatRate: 2000, category: 'divers', barcodes: [], active: false },
  ];
  for (const p of products) s.products.set(p.sku, { ...p, version: 1 });
  s.customers.set('cust-1', { id: 'cust-1', name: 'Marie Curie', email: 'marie@example.fr', phone: null, active: true, version: 1 });
  s.cashiers.set('cashier-1', { id: 'cashier-1', login: 'alice', displayName: 'Alice', role: 'cashier', pinHash: pinHash('1234'), active: true, version: 1 });
  s.stock = [{ sku: 'CAFE', quantity: 100 }, { sku: 'VIN', quantity: 50 }, { sku: 'LIVRE', quantity: 10 }];
  return s;
}

const strip = <T extends { version: number }>({ version: _v, ...rest }: T): Omit<T, 'version'> => rest;

function fail(code: string, message: string, status: number, details?: Record<string, unknown>) {
  return { status, body: { error: { code, message, ...(details ? { details } : {}) } } };
}

export function buildStubCentral(state: StubState): FastifyInstance {
  const app = Fastify({ logger: false, forceCloseConnections: true });
  app.addHook('onRequest', async () => {
    if (state.hang) await new Promise(() => {}); // never answers
  });
  const auth = (h: string | undefined) => {
    const token = h?.replace(/^Bearer\s+/i, '');
    return [...state.registers.values()].find((r) => r.token === token) ?? null;
  };
  const heads = (registerId: string): ChainHeads => {
    const out: ChainHeads = {};
    for (const [key, recs] of state.chains) {
      const [rid, chain] = key.split('/') as [string, keyof ChainHeads];
      if (rid === registerId) out[chain] = recs.length;
    }
    return out;
  };

  app.post('/api/registers/enrol', async (req, reply) => {
    const body = EnrolRequest.parse(req.body);
    const reg = state.enrolCodes.get(body.enrolCode);
    if (!reg) return reply.code(401).send(fail('ENROL_CODE_INVALID', 'bad code', 401).body);
    state.enrolCodes.delete(body.enrolCode);
    const token = randomUUID();
    state.registers.set(reg.id, { id: reg.id, publicKeyPem: body.publicKeyPem, token });
    return { registerId: reg.id, registerName: reg.name, storeId: reg.storeId, token };
  });

  app.post('/api/sync/heartbeat', async (req, reply) => {
    const reg = auth(req.headers.authorization);
    if (!reg) return reply.code(401).send(fail('UNAUTHENTICATED', 'token', 401).body);
    state.heartbeats.push(HeartbeatRequest.parse(req.body));
    const res: HeartbeatResponse = {
      serverTime: new Date().toISOString(),
      heads: heads(reg.id),
      changeVersion: state.changeVersion,
      config: { sosSchedule: state.sosSchedule, heartbeatIntervalMs: 1000 },
    };
    return res;
  });

  app.post('/api/sync/push', async (req, reply) => {
    const reg = auth(req.headers.authorization);
    if (!reg) return reply.code(401).send(fail('UNAUTHENTICATED', 'token', 401).body);
    const body = PushRequest.parse(req.body);
    state.pushes++;
    // One "transaction" per batch: check everything against a working copy, then commit.
    const work = new Map<string, SignedRecord[]>();
    const fresh: SignedRecord[] = [];
    let replayed = 0;
    for (const rec of body.records) {
      if (rec.registerId !== reg.id) return reply.code(403).send(fail('FOREIGN_RECORD', 'foreign', 403).body);
      const key = `${reg.id}/${rec.chain}`;
      const list = work.get(key) ?? [...(state.chains.get(key) ?? [])];
      work.set(key, list);
      if (rec.number <= list.length) {
        if (list[rec.number - 1]!.signature === rec.signature) {
          replayed++;
          continue;
        }
        return reply.code(422).send(fail('TAMPER_ALERT', 'different record', 422, { chain: rec.chain, number: rec.number, reason: 'conflict' }).body);
      }
      if (rec.number > list.length + 1) {
        return reply.code(409).send(fail('CHAIN_GAP', 'gap', 409, { chain: rec.chain, expected: list.length + 1, got: rec.number }).body);
      }
      const prev = list.length ? list[list.length - 1]!.signature : GENESIS_SIGNATURE;
      const ok = rec.prevSignature === prev && verifyRecord(reg.publicKeyPem, rec, rec.signature) && state.tamperChain !== rec.chain;
      if (!ok) {
        return reply.code(422).send(fail('TAMPER_ALERT', 'bad signature or chain', 422, { chain: rec.chain, number: rec.number, reason: 'bad_signature' }).body);
      }
      list.push(rec);
      fresh.push(rec);
    }
    for (const [k, v] of work) state.chains.set(k, v);
    state.integratedLog.push(...fresh);
    const res: PushResponse = { integrated: fresh.length, replayed, heads: heads(reg.id) };
    return res;
  });

  app.get('/api/sync/snapshot', async (req, reply) => {
    if (!auth(req.headers.authorization)) return reply.code(401).send(fail('UNAUTHENTICATED', 'token', 401).body);
    const snap = snapshotOf(state);
    if (state.corruptSnapshot) snap.products = snap.products.map((p) => ({ ...p, priceCents: p.priceCents + 1 }));
    return snap;
  });

  // The streamed copy (NDJSON, manifest last), same definition as the real central.
  app.get('/api/sync/snapshot/stream', async (req, reply) => {
    if (!auth(req.headers.authorization)) return reply.code(401).send(fail('UNAUTHENTICATED', 'token', 401).body);
    const { manifest, ...body } = snapshotOf(state);
    if (state.corruptSnapshot) body.products = body.products.map((p) => ({ ...p, priceCents: p.priceCents + 1 }));
    const lines = [...snapshotLines(body)].map(canonicalLineText);
    lines.push(JSON.stringify({ t: 'manifest', r: manifest }));
    return reply.type('application/x-ndjson').send(`${lines.join('\n')}\n`);
  });

  app.get('/api/sync/changes', async (req, reply) => {
    if (!auth(req.headers.authorization)) return reply.code(401).send(fail('UNAUTHENTICATED', 'token', 401).body);
    const since = Number((req.query as { since?: string }).since ?? 0);
    const res: ChangesResponse = {
      changeVersion: state.changeVersion,
      store: null,
      products: [...state.products.values()].filter((p) => p.version > since).map(strip),
      customers: [...state.customers.values()].filter((c) => c.version > since).map(strip),
      cashiers: [...state.cashiers.values()].filter((c) => c.version > since).map(strip),
      documents: [],
    };
    return res;
  });
  return app;
}

export function snapshotOf(state: StubState): Snapshot {
  const body = {
    store: state.store,
    paymentMethods: ['cash', 'card', 'cheque'] as Snapshot['paymentMethods'],
    products: [...state.products.values()].map(strip),
    customers: [...state.customers.values()].map(strip),
    cashiers: [...state.cashiers.values()].map(strip),
    stock: state.stock,
    documents: [],
  };
  return {
    manifest: {
      changeVersion: state.changeVersion,
      counts: { products: body.products.length, customers: body.customers.length, cashiers: body.cashiers.length, stock: body.stock.length, documents: 0 },
      checksum: snapshotChecksum(body),
      createdAt: new Date().toISOString(),
    },
    ...body,
  };
}

/** A stub that can be stopped and restarted on the same port, keeping its state. */
export class StubCentral {
  app: FastifyInstance | null = null;
  port = 0;
  constructor(readonly state: StubState = initialState()) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.app = buildStubCentral(this.state);
    await this.app.listen({ port: this.port, host: '127.0.0.1' });
    const a = this.app.server.address();
    if (a && typeof a !== 'string') this.port = a.port;
  }

  async stop(): Promise<void> {
    const app = this.app;
    this.app = null;
    if (app) await app.close();
  }
}
