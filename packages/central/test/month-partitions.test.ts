import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql, type Kysely } from 'kysely';
import { openDatabase } from '@comptoir/db';
import { DOCUMENTS_TOTAL_BOUND, type SignedRecord, type TicketPayload } from '@comptoir/protocol';
import { migrateCentral } from '../src/db/migrations';
import type { CentralDb } from '../src/db/schema';
import { MonthPartitions, partitionName, PARTITIONED_TABLES } from '../src/db/month-partitions';
import { verifyCentralChains } from '../src/modules/sync/verify-chains';
import { archiveBody, archiveDigest, verifyArchive } from '@comptoir/domain';
import { runComptoir } from '@comptoir/testing';
import { onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

// Monthly partitions on PostgreSQL (migration 0022, db/month-partitions.ts, docs/architecture.md §22).

const SKU = 'BAGUETTE';

/** Rows as the ingest wrote them before 0022 (no sold_at on lines, payments, VAT), and the heads. */
async function insertAsBefore0022(db: Kysely<CentralDb>, storeId: string, records: SignedRecord[]): Promise<void> {
  for (const r of records) {
    await db.insertInto('records').values({ register_id: r.registerId, chain: r.chain, number: r.number, recorded_at: r.recordedAt, payload: JSON.stringify(r.payload), prev_signature: r.prevSignature, signature: r.signature, integrated_at: r.recordedAt, key_id: r.keyId ?? null }).execute();
    if (r.chain !== 'ticket') continue;
    const p = r.payload as TicketPayload;
    await db.insertInto('tickets').values({ register_id: r.registerId, number: r.number, store_id: storeId, kind: p.kind, total_cents: p.totalCents, sold_at: r.recordedAt, sold_offline: 0, integrated_at: r.recordedAt, customer_id: null, cashier_id: p.cashierId, original_register_id: null, original_number: null, anomalies: '[]', signature: r.signature }).execute();
    for (const l of p.lines) {
      await db.insertInto('ticket_lines').values({ register_id: r.registerId, number: r.number, line_no: l.lineNo, sku: l.sku, label: l.label, quantity: l.quantity, unit_price_cents: l.unitPriceCents, vat_rate: l.vatRate, discount_cents: l.discountCents, total_cents: l.totalCents }).execute();
    }
    for (const [i, pay] of p.payments.entries()) await db.insertInto('ticket_payments').values({ register_id: r.registerId, number: r.number, seq: i + 1, method: pay.method, amount_cents: pay.amountCents }).execute();
    for (const v of p.vat) await db.insertInto('ticket_vat').values({ register_id: r.registerId, number: r.number, rate: v.rate, base_cents: v.baseCents, vat_cents: v.vatCents, total_cents: v.totalCents }).execute();
  }
  const last = new Map<string, SignedRecord>();
  for (const r of records) last.set(`${r.registerId}#${r.chain}`, r);
  for (const r of last.values()) {
    await db.insertInto('chain_heads').values({ register_id: r.registerId, chain: r.chain, last_number: r.number, last_signature: r.signature })
      .onConflict((oc) => oc.columns(['register_id', 'chain']).doUpdateSet({ last_number: r.number, last_signature: r.signature })).execute();
  }
}

/** Rows of `table` per partition: { 'tickets_p2024_11': 2, … }. */
async function rowsPerPartition(db: Kysely<any>, table: string, registerId?: string): Promise<Record<string, number>> {
  const rows = await sql<{ part: string; n: string }>`SELECT tableoid::regclass::text AS part, count(*) AS n FROM ${sql.table(table)}
    ${registerId ? sql`WHERE register_id = ${registerId}` : sql``} GROUP BY 1 ORDER BY 1`.execute(db);
  return Object.fromEntries(rows.rows.map((r) => [r.part, Number(r.n)]));
}

async function partitionsOf(db: Kysely<any>, table: string): Promise<string[]> {
  const rows = await sql<{ name: string }>`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
    JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = ${table} ORDER BY 1`.execute(db);
  return rows.rows.map((r) => r.name);
}

const push = (c: TestCentral, reg: FakeRegister, records: SignedRecord[]) => c.call('POST', '/api/sync/push', reg.token, { records });
/** The real `comptoir verify --database-url` on the test central's database. */
const verifyCentral = (c: TestCentral) => runComptoir(['verify', '--database-url', c.location]);

describe('month partitions: a central upgraded with data [postgres]', onDialect('postgres'), () => {
  let c: TestCentral;
  let reg: FakeRegister;
  const before0022: SignedRecord[] = [];
  before(async () => {
    c = await startTestCentral('postgres', { migrateUpTo: '0021-stock-counts' });
    await c.addProduct(SKU, 120, 1000);
    reg = await c.enrolRegister('Caisse historique');
    // Three months of history (and an event), stored as the release before 0022 stored them.
    for (const [month, count] of [['2024-11', 3], ['2024-12', 2], ['2025-01', 4]] as const) {
      reg.setClock(`${month}-10T09:00:00.000Z`);
      for (let i = 0; i < count; i++) before0022.push(reg.sale([{ sku: SKU, quantity: 1 + i, unitPriceCents: 120 }, { sku: SKU, quantity: 1, unitPriceCents: 120 }]));
      before0022.push(reg.event('login'));
    }
    await insertAsBefore0022(c.db, c.storeId, before0022);
    await migrateCentral(c.db, 'postgres');
  });
  after(async () => c?.close());

  it('keeps every row, each in the partition of its month, with the key in the primary keys', async () => {
    const tickets = before0022.filter((r) => r.chain === 'ticket');
    assert.deepEqual(await rowsPerPartition(c.db, 'records'), { records_p2024_11: 4, records_p2024_12: 3, records_p2025_01: 5 });
    assert.deepEqual(await rowsPerPartition(c.db, 'tickets'), { tickets_p2024_11: 3, tickets_p2024_12: 2, tickets_p2025_01: 4 });
    assert.deepEqual(await rowsPerPartition(c.db, 'ticket_lines'), { ticket_lines_p2024_11: 6, ticket_lines_p2024_12: 4, ticket_lines_p2025_01: 8 });
    assert.deepEqual(await rowsPerPartition(c.db, 'ticket_payments'), { ticket_payments_p2024_11: 3, ticket_payments_p2024_12: 2, ticket_payments_p2025_01: 4 });
    assert.deepEqual(await rowsPerPartition(c.db, 'ticket_vat'), { ticket_vat_p2024_11: 3, ticket_vat_p2024_12: 2, ticket_vat_p2025_01: 4 });
    // The rows themselves, unchanged, and each child row carries its ticket's sold_at.
    const held = await c.db.selectFrom('records').select(['chain', 'number', 'recorded_at', 'signature', 'payload']).where('register_id', '=', reg.id).orderBy('chain').orderBy('number').execute();
    assert.deepEqual(
      held.map((r) => [r.chain, Number(r.number), r.recorded_at, r.signature, r.payload]),
      [...before0022].sort((a, b) => (a.chain === b.chain ? a.number - b.number : a.chain < b.chain ? -1 : 1)).map((r) => [r.chain, r.number, r.recordedAt, r.signature, JSON.stringify(r.payload)]),
    );
    const lines = await c.db.selectFrom('ticket_lines').select(['number', 'line_no', 'quantity', 'sold_at']).where('register_id', '=', reg.id).orderBy('number').orderBy('line_no').execute();
    assert.deepEqual(lines.map((l) => [Number(l.number), Number(l.line_no), Number(l.quantity), l.sold_at]), tickets.flatMap((t) => (t.payload as TicketPayload).lines.map((l) => [t.number, l.lineNo, l.quantity, t.recordedAt])));
    const pk = await sql<{ def: string }>`SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname IN ('records_pk', 'tickets_pk', 'ticket_payments_pk') AND conrelid::regclass::text IN ('records', 'tickets', 'ticket_payments') ORDER BY conname`.execute(c.db);
    assert.deepEqual(pk.rows.map((r) => r.def), ['PRIMARY KEY (register_id, chain, number, recorded_at)', 'PRIMARY KEY (register_id, number, seq, sold_at)', 'PRIMARY KEY (register_id, number, sold_at)']);
    // A DEFAULT partition on each table, and the months ahead of today.
    for (const { table } of PARTITIONED_TABLES) assert.ok((await partitionsOf(c.db, table)).includes(`${table}_default`), table);
    const now = new Date().toISOString().slice(0, 7);
    assert.ok((await partitionsOf(c.db, 'tickets')).includes(partitionName('tickets', now)));
  });

  it('still refuses to change or delete a signed fact, in any partition', async () => {
    await assert.rejects(sql`UPDATE ticket_lines SET quantity = 99 WHERE register_id = ${reg.id}`.execute(c.db), /append-only/);
    await assert.rejects(sql`DELETE FROM records WHERE register_id = ${reg.id}`.execute(c.db), /append-only/);
    await assert.rejects(sql`UPDATE tickets SET total_cents = 1 WHERE register_id = ${reg.id}`.execute(c.db), /append-only/);
    await sql`UPDATE tickets SET anomalies = '[]' WHERE register_id = ${reg.id}`.execute(c.db);
  });

  it('counts a replay of the moved records as a replay, integrates what follows, and the chains verify', async () => {
    const replay = await push(c, reg, before0022);
    assert.equal(replay.status, 200, JSON.stringify(replay.json));
    assert.equal(replay.json.integrated, 0);
    assert.equal(replay.json.replayed, before0022.length);
    reg.setClock('2025-03-14T10:00:00.000Z');
    const next = reg.sale([{ sku: SKU, quantity: 2, unitPriceCents: 120 }]);
    const res = await push(c, reg, [next]);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.integrated, 1);
    assert.deepEqual(await rowsPerPartition(c.db, 'tickets', reg.id), { tickets_p2024_11: 3, tickets_p2024_12: 2, tickets_p2025_01: 4, tickets_p2025_03: 1 });
    const reports = await verifyCentralChains(c.location);
    assert.ok(reports.length > 0 && reports.every((r) => r.ok), JSON.stringify(reports));
  });

  it('serves the documents page across the months, newest first, paginated and filtered by day', async () => {
    const page = await c.call('GET', `/api/documents?storeId=${c.storeId}&limit=3&offset=0`, c.adminToken);
    assert.equal(page.status, 200);
    assert.equal(page.json.total, 10);
    assert.deepEqual(page.json.items.map((d: any) => d.number), [10, 9, 8]);
    const december = await c.call('GET', `/api/documents?storeId=${c.storeId}&from=2024-12-01&to=2024-12-31&limit=50&offset=0`, c.adminToken);
    assert.deepEqual(december.json.items.map((d: any) => d.soldAt.slice(0, 7)), ['2024-12', '2024-12']);
    const detail = await c.call('GET', `/api/documents/${reg.id}/4`, c.adminToken);
    assert.equal(detail.status, 200);
    assert.equal(detail.json.lines.length, 2);
    assert.equal(detail.json.payments.length, 1);
    assert.equal(detail.json.vat.length, 1);
  });

  it('counts a store\'s documents only up to the bound on its first page, and walks every ticket by cursor, ties included', async () => {
    // 1,005 more tickets (rows only, as generated data), 7 per second: ties on sold_at, ordered by register then number.
    await sql`INSERT INTO tickets (register_id, number, store_id, kind, total_cents, sold_at, sold_offline, integrated_at, customer_id, cashier_id, original_register_id, original_number, anomalies, signature)
      SELECT ${reg.id}, 100 + i, ${c.storeId}, 'sale', 120, to_char(timestamp '2025-02-01' + (i / 7) * interval '1 second', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 0,
        '2025-02-01T00:00:00.000Z', NULL, 'c1', NULL, NULL, '[]', 'sig' || i FROM generate_series(1, 1005) AS i`.execute(c.db);
    const first = await c.call('GET', `/api/documents?storeId=${c.storeId}&limit=50`, c.adminToken);
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.equal(first.json.items.length, 50);
    assert.equal(first.json.total, DOCUMENTS_TOTAL_BOUND);
    assert.equal(first.json.totalExact, false);
    const exact = await c.call('GET', `/api/documents?storeId=${c.storeId}&limit=1000&exactTotal=true`, c.adminToken);
    assert.equal(exact.json.total, 1015);
    assert.equal(exact.json.totalExact, true);
    const rest = await c.call('GET', `/api/documents?storeId=${c.storeId}&limit=1000&offset=1000&exactTotal=true`, c.adminToken);
    const inOrder = [...exact.json.items, ...rest.json.items].map((d: any) => `${d.soldAt} ${d.number}`);
    assert.equal(inOrder.length, 1015);
    // By cursor, 50 at a time (the screen's pages): the same tickets in the same order, none twice.
    const walked: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await c.call('GET', `/api/documents?storeId=${c.storeId}&limit=50${cursor ? `&cursor=${cursor}` : ''}`, c.adminToken);
      assert.equal(res.status, 200, JSON.stringify(res.json));
      walked.push(...res.json.items.map((d: any) => `${d.soldAt} ${d.number}`));
      cursor = res.json.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    assert.equal(pages, 21);
    assert.deepEqual(walked, inOrder);
    // A month's page still counts exactly (under the bound).
    const january = await c.call('GET', `/api/documents?storeId=${c.storeId}&from=2025-01-01&to=2025-01-31&limit=50`, c.adminToken);
    assert.equal(january.json.total, 4);
    assert.equal(january.json.totalExact, true);
    assert.equal(january.json.nextCursor, null);
  });
});

describe('month partitions at ingest [postgres]', onDialect('postgres'), () => {
  let c: TestCentral;
  const regs: Record<'june' | 'offline' | 'replayed', FakeRegister> = {} as never;
  before(async () => {
    c = await startTestCentral('postgres');
    await c.addProduct(SKU, 120, 100_000);
    // Enrolled first: the tests move central's clock by months (the admin's session would expire).
    regs.june = await c.enrolRegister('Caisse juin');
    regs.offline = await c.enrolRegister('Caisse hors ligne');
    regs.replayed = await c.enrolRegister('Caisse rejouée');
  });
  after(async () => c?.close());

  it('creates a new month met at ingest, and writes the ticket, its lines, payments and VAT there', async () => {
    const reg = regs.june;
    c.now.value = new Date('2025-06-01T06:00:00.000Z');
    assert.ok(!(await partitionsOf(c.db, 'tickets')).includes('tickets_p2025_06'), 'June not made ahead yet: the push makes it');
    reg.setClock('2025-06-01T07:00:00.000Z');
    const res = await push(c, reg, [reg.sale([{ sku: SKU, quantity: 1, unitPriceCents: 120 }, { sku: SKU, quantity: 3, unitPriceCents: 120 }]), reg.event('login')]);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(await rowsPerPartition(c.db, 'records', reg.id), { records_p2025_06: 2 });
    assert.deepEqual(await rowsPerPartition(c.db, 'tickets', reg.id), { tickets_p2025_06: 1 });
    assert.deepEqual(await rowsPerPartition(c.db, 'ticket_lines', reg.id), { ticket_lines_p2025_06: 2 });
    assert.deepEqual(await rowsPerPartition(c.db, 'ticket_payments', reg.id), { ticket_payments_p2025_06: 1 });
    assert.deepEqual(await rowsPerPartition(c.db, 'ticket_vat', reg.id), { ticket_vat_p2025_06: 1 });
  });

  it('creates an older month on demand for a register pushing last year\'s tickets', async () => {
    const reg = regs.offline;
    assert.ok(!(await partitionsOf(c.db, 'records')).includes('records_p2024_07'));
    reg.setClock('2024-07-31T18:00:00.000Z');
    const july = reg.sale([{ sku: SKU, quantity: 1, unitPriceCents: 120 }]);
    reg.setClock('2024-08-01T08:00:00.000Z');
    const august = reg.sale([{ sku: SKU, quantity: 1, unitPriceCents: 120 }]);
    const res = await push(c, reg, [july, august]);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(await rowsPerPartition(c.db, 'tickets', reg.id), { tickets_p2024_07: 1, tickets_p2024_08: 1 });
    assert.deepEqual(await rowsPerPartition(c.db, 'ticket_lines', reg.id), { ticket_lines_p2024_07: 1, ticket_lines_p2024_08: 1 });
    assert.equal(Object.keys(await rowsPerPartition(c.db, 'tickets_default')).length, 0, 'nothing fell into DEFAULT');
  });

  it('integrates every record exactly once when batches spanning months are replayed on two instances at once', async () => {
    const reg = regs.replayed;
    const second = await c.anotherInstance();
    try {
      const records: SignedRecord[] = [];
      for (const month of ['2024-09', '2024-10', '2024-11']) {
        reg.setClock(`${month}-28T12:00:00.000Z`);
        for (let i = 0; i < 5; i++) records.push(reg.sale([{ sku: SKU, quantity: 1, unitPriceCents: 120 }, { sku: SKU, quantity: 2, unitPriceCents: 120 }]));
      }
      const batches = [records.slice(0, 8), records, records.slice(0, 8), records];
      const answers = await Promise.all(batches.flatMap((b) => [push(c, reg, b), second.call('POST', '/api/sync/push', reg.token, { records: b })]));
      for (const a of answers) assert.equal(a.status, 200, JSON.stringify(a.json));
      const last = await push(c, reg, records);
      assert.equal(last.status, 200);
      assert.equal(last.json.heads.ticket, 15);
      assert.equal(answers.filter((a) => a.status === 200).reduce((s, a) => s + a.json.integrated, 0), 15, 'integrated once in all');
      assert.deepEqual(await rowsPerPartition(c.db, 'tickets', reg.id), { tickets_p2024_09: 5, tickets_p2024_10: 5, tickets_p2024_11: 5 });
      assert.deepEqual(await rowsPerPartition(c.db, 'records', reg.id), { records_p2024_09: 5, records_p2024_10: 5, records_p2024_11: 5 });
      assert.deepEqual(await rowsPerPartition(c.db, 'ticket_lines', reg.id), { ticket_lines_p2024_09: 10, ticket_lines_p2024_10: 10, ticket_lines_p2024_11: 10 });
      assert.deepEqual(await rowsPerPartition(c.db, 'ticket_payments', reg.id), { ticket_payments_p2024_09: 5, ticket_payments_p2024_10: 5, ticket_payments_p2024_11: 5 });
      assert.deepEqual(await rowsPerPartition(c.db, 'ticket_vat', reg.id), { ticket_vat_p2024_09: 5, ticket_vat_p2024_10: 5, ticket_vat_p2024_11: 5 });
      const moved = await c.db.selectFrom('stock_movements').select((eb) => eb.fn.countAll<string>().as('n')).where('register_id', '=', reg.id).executeTakeFirstOrThrow();
      assert.equal(Number(moved.n), 30, 'one stock movement per line, once');
    } finally {
      await second.close();
    }
  });

  it('two central instances creating the same months at once create each once, and neither fails', async () => {
    const a = openDatabase<CentralDb>(c.location);
    const b = openDatabase<CentralDb>(c.location);
    const log = { warn() {} };
    try {
      for (const year of [2019, 2020, 2021]) {
        const months = Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}-15T10:00:00.000Z`);
        // Fresh instances each round (nothing known), each racing the other on the same twelve months.
        await Promise.all([new MonthPartitions(a.db, () => c.now.value, log).ensure(months), new MonthPartitions(b.db, () => c.now.value, log).ensure([...months].reverse())]);
        for (const { table } of PARTITIONED_TABLES) {
          const made = (await partitionsOf(c.db, table)).filter((p) => p.startsWith(`${table}_p${year}_`));
          assert.equal(made.length, 12, `${table} ${year}: ${made.join(',')}`);
        }
      }
    } finally {
      await a.close();
      await b.close();
    }
  });
});

/** The register's next archive record, covering `records` (one range per chain, in their order), as a register signs it. */
function archiveOf(reg: FakeRegister, periodKey: string, records: SignedRecord[], opts: { sha256?: string } = {}): SignedRecord {
  const chains = [...new Set(records.map((r) => r.chain))];
  const ranges = chains.map((chain) => {
    const run = records.filter((r) => r.chain === chain);
    return { chain, from: run[0]!.number, to: run[run.length - 1]!.number, prevSignature: run[0]!.prevSignature };
  });
  const ordered = chains.flatMap((chain) => records.filter((r) => r.chain === chain));
  return reg.next('archive', { type: 'archive', periodKey, ranges, recordCount: ordered.length, sha256: opts.sha256 ?? archiveDigest(archiveBody(ordered)) } as never);
}

/** The register sends the file of its archive `number` as it wrote it (byte for byte the file central rebuilds). */
async function keepFile(c: TestCentral, reg: FakeRegister, number: number): Promise<void> {
  const file = await c.app.inject({ method: 'GET', url: `/api/archives/${reg.id}/${number}/file`, headers: { authorization: `Bearer ${c.adminToken}` } });
  assert.equal(file.statusCode, 200, file.body);
  const kept = await c.app.inject({ method: 'PUT', url: `/api/sync/archives/${number}/file`, headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${reg.token}` }, payload: file.body });
  assert.equal(kept.statusCode, 201, kept.body);
}

describe('month partitions: purge of archived months [postgres]', onDialect('postgres'), () => {
  let c: TestCentral;
  let a: FakeRegister;
  let b: FakeRegister;
  let bRecords: SignedRecord[] = [];
  const monthOfA: Record<string, SignedRecord[]> = {};
  before(async () => {
    c = await startTestCentral('postgres');
    await c.addProduct(SKU, 120, 100_000);
    a = await c.enrolRegister('Caisse A');
    b = await c.enrolRegister('Caisse B');
    // A: tickets and an event in October, November and December 2024; archives of October and
    // November signed on the 1st of the next month. B: two November tickets, no archive yet.
    for (const month of ['2024-10', '2024-11', '2024-12']) {
      a.setClock(`${month}-05T09:00:00.000Z`);
      monthOfA[month] = [a.sale([{ sku: SKU, quantity: 1, unitPriceCents: 120 }]), a.sale([{ sku: SKU, quantity: 2, unitPriceCents: 120 }]), a.event('login')];
    }
    a.setClock('2024-11-01T03:00:00.000Z');
    const octArchive = archiveOf(a, '2024-10', monthOfA['2024-10']!);
    a.setClock('2024-12-01T03:00:00.000Z');
    const novArchive = archiveOf(a, '2024-11', monthOfA['2024-11']!);
    const pushed = await push(c, a, [...monthOfA['2024-10']!, octArchive, ...monthOfA['2024-11']!, novArchive, ...monthOfA['2024-12']!]);
    assert.equal(pushed.status, 200, JSON.stringify(pushed.json));
    await keepFile(c, a, 1);
    await keepFile(c, a, 2);
    b.setClock('2024-11-20T15:00:00.000Z');
    assert.equal((await push(c, b, [b.sale([{ sku: SKU, quantity: 1, unitPriceCents: 120 }]), b.sale([{ sku: SKU, quantity: 1, unitPriceCents: 120 }])])).status, 200);
  });
  after(async () => c?.close());

  const purge = (before: string, token = c.adminToken) => c.call('POST', '/api/partitions/purge', token, { before });
  const months = async () => (await c.call('GET', '/api/partitions', c.adminToken)).json.months.map((m: any) => m.month);

  it('is the admin\'s only, and only for months before the current one', async () => {
    assert.equal((await purge('2024-12', c.managerToken)).status, 403);
    const future = await purge('2025-04');
    assert.equal(future.status, 400);
    assert.equal(future.json.error.code, 'VALIDATION');
  });

  it('refuses while a register\'s month has no archive, naming the month and register, and drops nothing', async () => {
    const held = await months();
    const res = await purge('2024-12');
    assert.equal(res.status, 409, JSON.stringify(res.json));
    assert.equal(res.json.error.code, 'PURGE_NOT_ARCHIVED');
    assert.deepEqual(res.json.error.details, { month: '2024-11', registerId: b.id, chain: 'ticket', number: 1, reason: 'not_archived' });
    assert.deepEqual(await months(), held);
    assert.deepEqual(await rowsPerPartition(c.db, 'tickets', b.id), { tickets_p2024_11: 2 });
  });

  it('refuses while the covering archive\'s file is not kept at central (one whose records do not hash to its signed SHA-256 cannot be)', async () => {
    b.setClock('2024-12-01T03:30:00.000Z');
    // B's records as a register holds them (read back from what central stored), archived with a wrong digest.
    const stored = await c.db.selectFrom('records').selectAll().where('register_id', '=', b.id).orderBy('number').execute();
    bRecords = stored.map((r) => ({ registerId: r.register_id, chain: r.chain, number: Number(r.number), recordedAt: r.recorded_at, payload: JSON.parse(r.payload), prevSignature: r.prev_signature, signature: r.signature }) as SignedRecord);
    assert.equal(bRecords.length, 2);
    const broken = archiveOf(b, '2024-11', bRecords, { sha256: '0'.repeat(64) });
    assert.equal((await push(c, b, [broken])).status, 200, 'a signed archive is integrated');
    const file = await c.app.inject({ method: 'GET', url: `/api/archives/${b.id}/1/file`, headers: { authorization: `Bearer ${c.adminToken}` } });
    const upload = await c.app.inject({ method: 'PUT', url: '/api/sync/archives/1/file', headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${b.token}` }, payload: file.body });
    assert.equal(upload.statusCode, 422, 'central keeps no file that is not the signed one');
    const res = await purge('2024-12');
    assert.equal(res.status, 409, JSON.stringify(res.json));
    assert.equal(res.json.error.code, 'PURGE_NOT_ARCHIVED');
    assert.deepEqual({ ...res.json.error.details, problem: undefined }, { month: '2024-11', registerId: b.id, chain: 'ticket', number: 1, reason: 'archive_file_missing', archiveNumber: 1, problem: undefined });
    assert.deepEqual(await rowsPerPartition(c.db, 'tickets', b.id), { tickets_p2024_11: 2 });
  });

  it('drops the months every register\'s verified archives cover, keeps the archive records, and ingest goes on', async () => {
    assert.equal((await push(c, b, [archiveOf(b, '2024-11', bRecords)])).status, 200);
    await keepFile(c, b, 2);
    const res = await purge('2024-12');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json.purged, ['2024-10', '2024-11']);
    assert.equal(res.json.tickets, 6);
    assert.equal(res.json.records, 9, "A's October and November (3 + 3), its October archive signed on 1 November, B's two tickets");
    assert.equal(res.json.archiveRecordsKept, 1);
    assert.deepEqual(res.json.verifiedArchives.map((v: any) => `${v.registerId === a.id ? 'A' : 'B'}#${v.number} ${v.periodKey}`).sort(), ['A#1 2024-10', 'A#2 2024-11', 'B#2 2024-11']);
    for (const { table } of PARTITIONED_TABLES) {
      const parts = await partitionsOf(c.db, table);
      assert.ok(!parts.includes(partitionName(table, '2024-10')) && !parts.includes(partitionName(table, '2024-11')), `${table}: ${parts.join(',')}`);
      assert.ok(parts.includes(partitionName(table, '2024-12')), table);
    }
    // The archives are still listed (the October one now in DEFAULT); December's tickets are still there.
    assert.deepEqual(await rowsPerPartition(c.db, 'records', a.id), { records_default: 1, records_p2024_12: 4 });
    assert.equal((await c.call('GET', `/api/archives?registerId=${a.id}`, c.adminToken)).json.items.length, 2);
    assert.equal((await c.call('GET', `/api/documents?storeId=${c.storeId}&limit=50&offset=0`, c.adminToken)).json.total, 2);
    await assert.rejects(sql`DELETE FROM records WHERE register_id = ${a.id}`.execute(c.db), /append-only/);
    assert.deepEqual((await c.db.selectFrom('partition_purges').select('month').orderBy('month').execute()).map((p) => p.month), ['2024-10', '2024-11']);
    // Nothing more to purge before December; the chains go on from their heads.
    assert.deepEqual((await purge('2024-12')).json.purged, []);
    a.setClock('2025-03-14T08:00:00.000Z');
    const next = await push(c, a, [a.sale([{ sku: SKU, quantity: 1, unitPriceCents: 120 }])]);
    assert.equal(next.status, 200, JSON.stringify(next.json));
    assert.equal(next.json.integrated, 1);
  });

  it('comptoir verify passes after the purge: each purged chain from its first record held, anchored by the archive that holds the one before', async () => {
    const res = await verifyCentral(c);
    assert.equal(res.code, 0, res.output);
    assert.match(res.output, new RegExp(`ok +register ${a.id} chain ticket: 3 records \\(purged up to 4, anchored by archive 2 \\(2024-11\\)\\)`));
    assert.match(res.output, new RegExp(`ok +register ${a.id} chain event: 1 records \\(purged up to 2, anchored by archive 2 \\(2024-11\\)\\)`));
    assert.match(res.output, new RegExp(`ok +register ${a.id} chain archive: 2 records\n`), 'a chain held from 1 has no anchor');
    assert.match(res.output, /all \d+ chains verify/);
  });

  it('purges December once its archive is there', async () => {
    const refused = await purge('2025-01');
    assert.equal(refused.status, 409);
    assert.deepEqual(refused.json.error.details, { month: '2024-12', registerId: a.id, chain: 'event', number: 3, reason: 'not_archived' });
    a.setClock('2025-01-01T03:00:00.000Z');
    assert.equal((await push(c, a, [archiveOf(a, '2024-12', monthOfA['2024-12']!)])).status, 200);
    await keepFile(c, a, 3);
    const res = await purge('2025-01');
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.deepEqual(res.json.purged, ['2024-12']);
    assert.equal(res.json.archiveRecordsKept, 3, "A's November archive, B's two");
    assert.equal((await c.call('GET', `/api/archives?registerId=${b.id}`, c.adminToken)).json.items.length, 2);
    // The files of purged months' archives are still kept and handed out as the register wrote them.
    const kept = await c.app.inject({ method: 'GET', url: `/api/archives/${a.id}/1/register-file`, headers: { authorization: `Bearer ${c.adminToken}` } });
    assert.equal(kept.statusCode, 200);
    assert.ok(verifyArchive(kept.body).ok);
    const verified = await verifyCentral(c);
    assert.equal(verified.code, 0, verified.output);
    assert.match(verified.output, new RegExp(`ok +register ${a.id} chain ticket: 1 records \\(purged up to 6, anchored by archive 3 \\(2024-12\\)\\)`));
  });

  it('integrates a restored till\'s re-push of purged records as replays (no alert, nothing stored, no month made again), and refuses another record claiming a purged number', async () => {
    const alerts = async () => Number((await c.db.selectFrom('tamper_alerts').select((eb) => eb.fn.countAll<number>().as('n')).where('register_id', '=', a.id).executeTakeFirstOrThrow()).n);
    const alertsBefore = await alerts();
    const ticketsBefore = await rowsPerPartition(c.db, 'tickets', a.id);
    // What a till restored from an old backup holds and sends again: October and November, their archives, December.
    const held = await c.db.selectFrom('records').select(['chain', 'number']).where('register_id', '=', a.id).where('chain', '=', 'archive').orderBy('number').execute();
    assert.equal(held.length, 3);
    const again = [...monthOfA['2024-10']!, ...monthOfA['2024-11']!, ...monthOfA['2024-12']!];
    const res = await push(c, a, again);
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json.integrated, 0);
    assert.equal(res.json.replayed, again.length);
    assert.equal(await alerts(), alertsBefore);
    assert.deepEqual(await rowsPerPartition(c.db, 'tickets', a.id), ticketsBefore);
    for (const month of ['2024-10', '2024-11', '2024-12']) assert.ok(!(await partitionsOf(c.db, 'records')).includes(partitionName('records', month)), `${month} not made again`);
    // Another record, validly signed, claiming purged ticket #3 (November): refused and flagged.
    const original = monthOfA['2024-11']![0]!;
    assert.equal(original.number, 3);
    const { signature: _signed, ...unsigned } = original;
    const forged = a.sign({ ...unsigned, payload: { ...(original.payload as TicketPayload), totalCents: 1 } } as never);
    const refused = await push(c, a, [forged]);
    assert.equal(refused.status, 422, JSON.stringify(refused.json));
    assert.equal(refused.json.error.code, 'TAMPER_ALERT');
    assert.deepEqual(refused.json.error.details, { chain: 'ticket', number: 3, reason: 'replay_signature_differs' });
    assert.equal(await alerts(), alertsBefore + 1);
    assert.deepEqual(await rowsPerPartition(c.db, 'tickets', a.id), ticketsBefore);
  });

  it('comptoir verify still fails on a record held after the purge that was altered', async () => {
    await sql`ALTER TABLE records DISABLE TRIGGER USER`.execute(c.db);
    try {
      const first = await c.db.selectFrom('records').select('payload').where('register_id', '=', a.id).where('chain', '=', 'ticket').where('number', '=', 7).executeTakeFirstOrThrow();
      const payload = JSON.parse(first.payload);
      await sql`UPDATE records SET payload = ${JSON.stringify({ ...payload, totalCents: payload.totalCents - 100 })} WHERE register_id = ${a.id} AND chain = 'ticket' AND number = 7`.execute(c.db);
      const res = await verifyCentral(c);
      assert.equal(res.code, 1, res.output);
      assert.match(res.output, new RegExp(`BROKEN register ${a.id} chain ticket: 1 records \\(purged up to 6, anchored by archive 3 \\(2024-12\\)\\) — record 7: its signature does not verify`));
      // The first record held no longer following the archive's last one: broken as well.
      await sql`UPDATE records SET payload = ${first.payload}, prev_signature = ${'0'.repeat(128)} WHERE register_id = ${a.id} AND chain = 'ticket' AND number = 7`.execute(c.db);
      const relinked = await verifyCentral(c);
      assert.equal(relinked.code, 1, relinked.output);
      assert.match(relinked.output, new RegExp(`BROKEN register ${a.id} chain ticket: .* — record 7: its previous signature is not the previous record's signature`));
    } finally {
      await sql`ALTER TABLE records ENABLE TRIGGER USER`.execute(c.db);
    }
  });
});

describe('month partitions: purge refused on a kept archive file that does not verify [postgres]', onDialect('postgres'), () => {
  let c: TestCentral;
  before(async () => {
    c = await startTestCentral('postgres');
    await c.addProduct(SKU, 120, 1000);
  });
  after(async () => c?.close());

  it('names the month, the register and the archive, and drops nothing', async () => {
    const reg = await c.enrolRegister('Caisse abîmée');
    reg.setClock('2024-06-10T10:00:00.000Z');
    const june = [reg.sale([{ sku: SKU, quantity: 1, unitPriceCents: 120 }]), reg.sale([{ sku: SKU, quantity: 1, unitPriceCents: 120 }])];
    reg.setClock('2024-07-01T03:00:00.000Z');
    assert.equal((await push(c, reg, [...june, archiveOf(reg, '2024-06', june)])).status, 200);
    // The file central keeps, damaged in storage (a record's amount changed): it no longer verifies.
    const file = await c.app.inject({ method: 'GET', url: `/api/archives/${reg.id}/1/file`, headers: { authorization: `Bearer ${c.adminToken}` } });
    const damaged = file.body.replace('"totalCents":120', '"totalCents":12');
    assert.notEqual(damaged, file.body);
    await c.db.insertInto('archive_files').values({ register_id: reg.id, number: 1, period_key: '2024-06', sha256: 'x', size_bytes: damaged.length, content: Buffer.from(damaged), received_at: '2024-07-01T03:00:00.000Z' }).execute();
    const res = await c.call('POST', '/api/partitions/purge', c.adminToken, { before: '2024-07' });
    assert.equal(res.status, 409, JSON.stringify(res.json));
    assert.equal(res.json.error.details.reason, 'archive_broken');
    assert.equal(res.json.error.details.month, '2024-06');
    assert.equal(res.json.error.details.registerId, reg.id);
    assert.equal(res.json.error.details.archiveNumber, 1);
    assert.match(res.json.error.details.problem, /SHA-256/);
    assert.ok((await partitionsOf(c.db, 'tickets')).includes('tickets_p2024_06'));
  });
});

describe('month partitions: purge on SQLite [sqlite]', () => {
  let c: TestCentral;
  before(async () => {
    c = await startTestCentral('sqlite');
  });
  after(async () => c?.close());

  it('answers that there is nothing partitioned to purge', async () => {
    const res = await c.call('POST', '/api/partitions/purge', c.adminToken, { before: '2025-01' });
    assert.equal(res.status, 409);
    assert.equal(res.json.error.code, 'PURGE_UNSUPPORTED');
    assert.deepEqual((await c.call('GET', '/api/partitions', c.adminToken)).json, { partitioned: false, months: [], defaultRecords: 0 });
  });
});
