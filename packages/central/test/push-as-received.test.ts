import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SignedRecord, TicketPayload } from '@comptoir/protocol';

// At least one signature worker whatever the machine (the pool sizes itself at cores − 1), so that
// both verification paths are exercised: in-thread (small batches) and on workers (≥ 64 records).
process.env.COMPTOIR_VERIFY_WORKERS = '1';
const { DIALECTS, onDialect, startTestCentral, stopSharedPostgres } = await import('./fixtures/central');
const { ticketPayload } = await import('./fixtures/records');
const { signaturePoolStats } = await import('../src/modules/sync/signature-pool');
const { verifyCentralChains } = await import('../src/modules/sync/verify-chains');
type TestCentral = Awaited<ReturnType<typeof startTestCentral>>;
type FakeRegister = Awaited<ReturnType<TestCentral['enrolRegister']>>;

after(stopSharedPostgres);

// Central verifies a pushed record's signature on the record exactly as received (the JSON the
// register sent, kept by the push route's body parser), never on the copy the zod schema returns:
// that copy drops unknown fields and trims a line's `sku`. Two consequences, each tested in both
// directions of a normalisation, on both verification paths and both databases:
// - a genuine record whose signed form zod would normalise verifies, and is stored as signed
//   (`comptoir verify` re-checks it later from the stored form);
// - a record altered after signing in a way zod would normalise away (a field added, a sku
//   re-spaced) does not verify: had central checked the normalised copy, the alteration would pass
//   unseen and be stored.
for (const dialect of DIALECTS) {
  describe(`push: signatures checked on the record as received [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    let reg: FakeRegister;
    const push = (records: unknown[]) => c.call('POST', '/api/sync/push', reg.token, { records });
    const storedPayload = async (number: number) =>
      JSON.parse((await c.db.selectFrom('records').select('payload').where('register_id', '=', reg.id).where('chain', '=', 'ticket').where('number', '=', number).executeTakeFirstOrThrow()).payload);
    const stockOf = async (sku: string) => (await c.call('GET', `/api/stock/${sku}`, c.adminToken)).json.quantity as number;
    /** A sale whose signed payload carries what the schema normalises: an unknown field and a sku with spaces around it. */
    const normalisable = () => {
      const payload = ticketPayload(c.storeId, 'sale', [{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }], {});
      return reg.next('ticket', { ...payload, note: 'signée avec', lines: payload.lines.map((l) => ({ ...l, sku: ` ${l.sku} ` })) } as TicketPayload);
    };
    const plain = () => reg.sale([{ sku: 'BAGUETTE', quantity: 1, unitPriceCents: 130 }]);
    /** Altered after signing, in ways the schema would undo. */
    const alterations: [string, (r: SignedRecord) => SignedRecord][] = [
      ['a field added to the payload', (r) => ({ ...r, payload: { ...r.payload, note: 'ajoutée après' } }) as unknown as SignedRecord],
      ['a field added to a line', (r) => ({ ...r, payload: { ...r.payload, lines: (r.payload as TicketPayload).lines.map((l) => ({ ...l, origin: 'ajoutée après' })) } }) as SignedRecord],
      ['a line sku re-spaced', (r) => ({ ...r, payload: { ...r.payload, lines: (r.payload as TicketPayload).lines.map((l) => ({ ...l, sku: `${l.sku}  ` })) } }) as SignedRecord],
    ];
    const tamperAlerts = async () => Number((await c.db.selectFrom('tamper_alerts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);

    before(async () => {
      c = await startTestCentral(dialect);
      await c.addProduct('BAGUETTE', 130, 1000);
      reg = await c.enrolRegister('Caisse telle que reçue');
    });
    after(async () => c?.close());

    it('a genuine record whose signed form the schema would normalise is integrated and stored as signed', async () => {
      const stock = await stockOf('BAGUETTE');
      const signed = normalisable();
      const r = await push([signed]);
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.integrated, 1);
      assert.deepEqual(await storedPayload(signed.number), signed.payload, 'stored with the unknown field and the spaces it was signed with');
      assert.equal(await stockOf('BAGUETTE'), stock - 1, 'its effects read the validated copy (the trimmed sku)');
    });

    for (const [what, alter] of alterations) {
      it(`a record altered after signing by ${what} is a tamper alert, nothing stored`, async () => {
        const genuine = plain();
        const alerts = await tamperAlerts();
        const r = await push([alter(genuine)]);
        assert.equal(r.status, 422, JSON.stringify(r.json));
        assert.deepEqual(r.json.error.details, { chain: 'ticket', number: genuine.number, reason: 'bad_signature' });
        assert.equal(await tamperAlerts(), alerts + 1);
        const ok = await push([genuine]);
        assert.equal(ok.status, 200, JSON.stringify(ok.json));
        assert.deepEqual(await storedPayload(genuine.number), genuine.payload, 'the genuine record is stored, not the altered one');
      });
    }

    it('the same on the worker path: a batch of 70 verified as received, on a signature worker', async () => {
      const batch = Array.from({ length: 70 }, (_, i) => (i % 2 ? normalisable() : plain()));
      const [what, alter] = alterations[0]!;
      const altered = batch.map((r, i) => (i === 41 ? alter(r) : r));
      let before = signaturePoolStats();
      const refused = await push(altered);
      assert.equal(signaturePoolStats().onWorkers - before.onWorkers, 70, 'verified on a worker thread (is packages/central built?)');
      assert.equal(refused.status, 422, `${what}: ${JSON.stringify(refused.json)}`);
      assert.deepEqual(refused.json.error.details, { chain: 'ticket', number: batch[41]!.number, reason: 'bad_signature' });
      before = signaturePoolStats();
      const ok = await push(batch);
      assert.equal(signaturePoolStats().onWorkers - before.onWorkers, 70, 'verified on a worker thread');
      assert.equal(ok.status, 200, JSON.stringify(ok.json));
      assert.equal(ok.json.integrated, 70);
      assert.deepEqual(await storedPayload(batch[41]!.number), batch[41]!.payload);
    });

    it('every stored chain re-verifies from the stored form', async () => {
      const reports = await verifyCentralChains(c.location);
      const ticket = reports.find((x) => x.registerId === reg.id && x.chain === 'ticket');
      assert.ok(ticket?.ok, JSON.stringify(ticket));
      assert.equal(ticket.records, 1 + alterations.length + 70);
    });
  });
}
