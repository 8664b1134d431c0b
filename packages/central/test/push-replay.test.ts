import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { SignedRecord } from '@comptoir/protocol';
import { fuzzRuns } from '@comptoir/testing';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

/**
 * The sync protocol under replays and reordering (issue 14), a fast-check property over a register's
 * real signed records (the domain's signing, chained as a register chains them): pushes of random
 * subsets, duplicates, replays of earlier batches, reordered records, batches cut short, truncated
 * JSON, records of another register. A model walks each batch as docs/architecture.md §4 says
 * central does (a held record again: a replay; the next one: integrated; further: 409 CHAIN_GAP
 * with the number expected; another register's: 403 FOREIGN_RECORD; a refusal stores nothing).
 * After every push: never a 5xx, the answer is the model's, and what central holds for the register
 * is exactly the model's prefix of each chain (gapless, once, the same signatures, heads naming the
 * last record, one ticket and one stock movement per ticket line, stock moved once, no tamper
 * alert). Then the honest full push (everything, in order, in batches) integrates the rest exactly
 * once. COMPTOIR_FUZZ_RUNS=N for a long run (each run: fresh registers and product, ≤ 12 pushes).
 */

type Pick = { from: 'own' | 'other'; index: number };
type Op =
  | { kind: 'batch'; picks: Pick[] }
  | { kind: 'next'; count: number }
  | { kind: 'replay'; ago: number; cut: number }
  | { kind: 'truncated'; picks: Pick[]; at: number };

const own = (index: number): Pick => ({ from: 'own', index });
const opArb = (size: number): fc.Arbitrary<Op> => {
  const index = fc.nat({ max: size - 1 });
  return fc.oneof(
    // A random subset in chain order, the same shuffled, one with duplicates.
    fc.subarray([...Array(size).keys()], { minLength: 1 }).map((xs): Op => ({ kind: 'batch', picks: xs.map(own) })),
    fc.shuffledSubarray([...Array(size).keys()], { minLength: 1 }).map((xs): Op => ({ kind: 'batch', picks: xs.map(own) })),
    fc.array(index, { minLength: 1, maxLength: size + 4 }).map((xs): Op => ({ kind: 'batch', picks: xs.map(own) })),
    // The register's next records after what central holds (progress), or an earlier batch again, maybe cut short.
    fc.integer({ min: 1, max: 5 }).map((count): Op => ({ kind: 'next', count })),
    fc.record({ ago: fc.nat(), cut: fc.nat() }).map(({ ago, cut }): Op => ({ kind: 'replay', ago, cut })),
    // Another register's record slipped in, and a batch whose JSON text is cut.
    fc.tuple(fc.subarray([...Array(size).keys()]), fc.nat({ max: 3 }), fc.nat()).map(([xs, other, at]): Op => {
      const picks = xs.map(own);
      picks.splice(at % (picks.length + 1), 0, { from: 'other', index: other });
      return { kind: 'batch', picks };
    }),
    fc.tuple(fc.subarray([...Array(size).keys()], { minLength: 1 }), fc.double({ min: 0, max: 0.999, noNaN: true })).map(([xs, at]): Op => ({ kind: 'truncated', picks: xs.map(own), at })),
  );
};
/** A register's history: per record, ticket (a sale, or a return of its last sale) or event. */
const historyArb = fc.array(fc.record({ chain: fc.constantFrom('ticket', 'ticket', 'event'), quantity: fc.integer({ min: 1, max: 4 }), isReturn: fc.boolean() }), { minLength: 3, maxLength: 14 });
const scenarioArb = historyArb.chain((history) => fc.record({ history: fc.constant(history), ops: fc.array(opArb(history.length), { minLength: 1, maxLength: 10 }), finalBatch: fc.integer({ min: 1, max: 6 }) }));

for (const dialect of DIALECTS) {
  describe(`push: replayed, reordered and foreign records [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let run = 0;
    const stats = { pushes: 0, byAnswer: {} as Record<string, number> };
    before(async () => {
      c = await startTestCentral(dialect);
    });
    after(async () => c?.close());

    const heldRecords = async (registerId: string) =>
      (await c.db.selectFrom('records').select(['chain', 'number', 'signature']).where('register_id', '=', registerId).orderBy('chain').orderBy('number').execute()).map((r) => `${r.chain}#${Number(r.number)} ${r.signature}`).sort();
    const heldHeads = async (registerId: string) =>
      (await c.db.selectFrom('chain_heads').select(['chain', 'last_number', 'last_signature']).where('register_id', '=', registerId).where('last_number', '>', 0).orderBy('chain').execute()).map((h) => `${h.chain}#${Number(h.last_number)} ${h.last_signature}`).sort();
    const countOf = async (table: 'tickets' | 'stock_movements' | 'tamper_alerts', registerId: string) =>
      Number((await c.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).where('register_id', '=', registerId).executeTakeFirstOrThrow()).n);
    const stockOf = async (sku: string) => Number((await c.db.selectFrom('stock_levels').select('quantity').where('store_id', '=', c.storeId).where('sku', '=', sku).executeTakeFirstOrThrow()).quantity);

    it('never a 5xx, never a duplicate or a gap, refusals coded and storing nothing; the honest push then integrates all once', async () => {
      await fc.assert(
        fc.asyncProperty(scenarioArb, async ({ history, ops, finalBatch }) => {
          run++;
          const sku = `REPLAY-${run}`;
          const initialStock = 1000;
          await c.addProduct(sku, 130, initialStock);
          const reg = await c.enrolRegister(`Caisse replay ${run}`);
          const other = await c.enrolRegister(`Caisse voisine ${run}`);
          // The register's records, signed and chained in the order it made them.
          const records: SignedRecord[] = [];
          const stockDelta: number[] = [];
          let lastSale: SignedRecord | undefined;
          for (const h of history) {
            if (h.chain === 'event') {
              records.push(reg.event('login'));
              stockDelta.push(0);
            } else if (h.isReturn && lastSale) {
              records.push(reg.returnOf(lastSale.number, [{ sku, quantity: 1, unitPriceCents: 130 }]));
              stockDelta.push(1);
              lastSale = undefined;
            } else {
              lastSale = reg.sale([{ sku, quantity: h.quantity, unitPriceCents: 130 }]);
              records.push(lastSale);
              stockDelta.push(-h.quantity);
            }
          }
          const foreign = [1, 2, 3, 4].map(() => other.sale([{ sku, quantity: 1, unitPriceCents: 130 }]));

          // The model: what central holds of each chain (a prefix), as numbers.
          const heads = new Map<string, number>();
          const held = () => records.filter((r) => r.number <= (heads.get(r.chain) ?? 0));
          const sent: SignedRecord[][] = [];

          const push = async (batch: SignedRecord[], text?: string) => {
            const res = await c.app.inject({ method: 'POST', url: '/api/sync/push', headers: { authorization: `Bearer ${reg.token}`, 'content-type': 'application/json' }, payload: text ?? JSON.stringify({ records: batch }) });
            stats.pushes++;
            let json: any = null;
            try {
              json = JSON.parse(res.body);
            } catch {
              // checked below: every answer is JSON
            }
            const where = `run ${run}, batch ${batch.map((r) => `${r.registerId === reg.id ? '' : 'other:'}${r.chain}#${r.number}`).join(',')}${text === undefined ? '' : ' (truncated JSON)'} → ${res.statusCode} ${res.body.slice(0, 300)}`;
            assert.ok(res.statusCode < 500, `5xx: ${where}`);
            assert.ok(json, `not JSON: ${where}`);
            const code = res.statusCode === 200 ? '200' : `${res.statusCode} ${json.error?.code}`;
            stats.byAnswer[code] = (stats.byAnswer[code] ?? 0) + 1;
            return { status: res.statusCode, json, where };
          };

          /** What central must answer to `batch`, walking it as ingest does; heads advanced on success. */
          const expect = (batch: SignedRecord[]) => {
            if (batch.some((r) => r.registerId !== reg.id)) return { status: 403, code: 'FOREIGN_RECORD' } as const;
            const next = new Map(heads);
            let integrated = 0;
            let replayed = 0;
            for (const r of batch) {
              const head = next.get(r.chain) ?? 0;
              if (r.number <= head) replayed++;
              else if (r.number === head + 1) (next.set(r.chain, r.number), integrated++);
              else return { status: 409, code: 'CHAIN_GAP', details: { chain: r.chain, expected: head + 1, got: r.number } } as const;
            }
            return { status: 200, integrated, replayed, next } as const;
          };

          const checkHeld = async (where: string) => {
            const mine = held();
            const key = (r: SignedRecord) => `${r.chain}#${r.number} ${r.signature}`;
            assert.deepEqual(await heldRecords(reg.id), mine.map(key).sort(), `central holds exactly each chain's prefix, once: ${where}`);
            const lastOf = [...heads].filter(([, n]) => n > 0).map(([chain, n]) => key(records.find((r) => r.chain === chain && r.number === n)!)).sort();
            assert.deepEqual(await heldHeads(reg.id), lastOf, `chain heads name the last record held: ${where}`);
            const tickets = mine.filter((r) => r.chain === 'ticket').length;
            assert.equal(await countOf('tickets', reg.id), tickets, `one ticket per ticket record: ${where}`);
            assert.equal(await countOf('stock_movements', reg.id), tickets, `one stock movement per ticket line: ${where}`);
            const moved = records.reduce((s, r, i) => s + (mine.includes(r) ? stockDelta[i]! : 0), 0);
            assert.equal(await stockOf(sku), initialStock + moved, `stock moved once per ticket: ${where}`);
            assert.equal(await countOf('tamper_alerts', reg.id), 0, `honest records raise no tamper alert: ${where}`);
            assert.deepEqual(await heldRecords(other.id), [], `nothing of the other register stored: ${where}`);
          };

          for (const op of ops) {
            let batch: SignedRecord[];
            if (op.kind === 'next') {
              const rest = records.filter((r) => r.number > (heads.get(r.chain) ?? 0));
              batch = rest.slice(0, op.count);
              if (batch.length === 0) continue;
            } else if (op.kind === 'replay') {
              if (sent.length === 0) continue;
              const earlier = sent[sent.length - 1 - (op.ago % sent.length)]!;
              batch = earlier.slice(0, 1 + (op.cut % earlier.length));
            } else batch = op.picks.map((p) => (p.from === 'own' ? records[p.index]! : foreign[p.index]!));
            sent.push(batch);

            if (op.kind === 'truncated') {
              const text = JSON.stringify({ records: batch });
              const r = await push(batch, text.slice(0, Math.floor(text.length * op.at)));
              assert.equal(r.status, 400, r.where);
              assert.equal(r.json.error?.code, 'BAD_REQUEST', r.where);
              await checkHeld(r.where);
              continue;
            }
            const want = expect(batch);
            const r = await push(batch);
            assert.equal(r.status, want.status, r.where);
            if (want.status === 200) {
              assert.deepEqual([r.json.integrated, r.json.replayed], [want.integrated, want.replayed], `integrated, replayed: ${r.where}`);
              for (const [chain, n] of want.next) heads.set(chain, n);
              const answered = Object.entries(r.json.heads as Record<string, number>).filter(([, n]) => n > 0);
              assert.deepEqual(Object.fromEntries(answered), Object.fromEntries([...heads].filter(([, n]) => n > 0)), `heads answered: ${r.where}`);
            } else {
              assert.equal(r.json.error?.code, want.code, r.where);
              if (want.status === 409) assert.deepEqual(r.json.error.details, want.details, `the number expected: ${r.where}`);
            }
            await checkHeld(r.where);
          }

          // The honest full push: everything the register made, in order, in batches.
          for (let i = 0; i < records.length; i += finalBatch) {
            const batch = records.slice(i, i + finalBatch);
            const want = expect(batch);
            const r = await push(batch);
            assert.equal(r.status, 200, r.where);
            assert.ok(want.status === 200, r.where);
            assert.deepEqual([r.json.integrated, r.json.replayed], [want.integrated, want.replayed], `integrated, replayed: ${r.where}`);
            for (const [chain, n] of want.next) heads.set(chain, n);
          }
          assert.equal(held().length, records.length, 'the model holds everything after the honest push');
          await checkHeld(`run ${run}, after the honest full push`);
        }),
        { numRuns: fuzzRuns(dialect === 'sqlite' ? 25 : 10), endOnFailure: true, includeErrorInReport: true },
      );
      console.log(`push replay property [${dialect}]: ${run} runs, ${stats.pushes} pushes, answers ${JSON.stringify(stats.byAnswer)}`);
      for (const code of ['200', '409 CHAIN_GAP', '403 FOREIGN_RECORD', '400 BAD_REQUEST']) assert.ok(stats.byAnswer[code]! > 0, `the runs met ${code}: ${JSON.stringify(stats.byAnswer)}`);
    });
  });
}
