import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname } from 'node:path';
import { sql } from 'kysely';
import { COMPTOIR_BIN } from '@comptoir/testing';
import { DIALECTS, onDialect, startTestCentral, stopSharedPostgres, type TestCentral } from './fixtures/central';
import type { FakeRegister } from './fixtures/records';

after(stopSharedPostgres);

/** The real `comptoir verify` on a central database: `--data DIR` (SQLite) or `--database-url URL`. */
function comptoirVerify(c: TestCentral): Promise<{ code: number | null; output: string }> {
  const source = c.dialect === 'sqlite' ? ['--data', dirname(c.location)] : ['--database-url', c.location];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [COMPTOIR_BIN, 'verify', ...source], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, output }));
  });
}

// Someone with write access to the central database alters stored records (after lifting the
// append-only triggers, which is what such a person would do first). `comptoir verify` must name,
// for each register, the first broken record and why: one register per kind of tampering.
for (const dialect of DIALECTS) {
  describe(`comptoir verify on a tampered central database [${dialect}]`, onDialect(dialect), () => {
    let c: TestCentral;
    const regs: Record<'clean' | 'edited' | 'deleted' | 'relinked' | 'headless', FakeRegister> = {} as never;

    before(async () => {
      c = await startTestCentral(dialect);
      await c.addProduct('BAGUETTE', 130, 1000);
      for (const name of ['clean', 'edited', 'deleted', 'relinked', 'headless'] as const) {
        const reg = await c.enrolRegister(`Caisse ${name}`);
        const records = [1, 2, 3, 4].map((q) => reg.sale([{ sku: 'BAGUETTE', quantity: q, unitPriceCents: 130 }]));
        const pushed = await c.call('POST', '/api/sync/push', reg.token, { records });
        assert.equal(pushed.status, 200, JSON.stringify(pushed.json));
        regs[name] = reg;
      }
    });
    after(async () => c?.close());

    it('passes untouched, then reports each register\'s first broken record and the reason', async () => {
      const clean = await comptoirVerify(c);
      assert.equal(clean.code, 0, clean.output);
      assert.match(clean.output, /all 5 chains verify/);

      if (dialect === 'sqlite') {
        for (const t of ['records_no_update', 'records_no_delete']) await sql`DROP TRIGGER ${sql.raw(t)}`.execute(c.db);
      } else {
        await sql`ALTER TABLE records DISABLE TRIGGER USER`.execute(c.db);
      }
      const where = (reg: FakeRegister, number: number) => (qb: any) => qb.where('register_id', '=', reg.id).where('chain', '=', 'ticket').where('number', '=', number);
      // A total lowered in record 2, its signature left as it was.
      const row = await where(regs.edited, 2)(c.db.selectFrom('records').select('payload')).executeTakeFirstOrThrow();
      const payload = JSON.parse(row.payload);
      payload.totalCents -= 100;
      await where(regs.edited, 2)(c.db.updateTable('records').set({ payload: JSON.stringify(payload) })).execute();
      // Record 2 removed: 3 follows 1.
      await where(regs.deleted, 2)(c.db.deleteFrom('records')).execute();
      // Record 3 replaced by one validly signed (with the register's key) but linked to record 1.
      const rows = await c.db.selectFrom('records').selectAll().where('register_id', '=', regs.relinked.id).where('chain', '=', 'ticket').orderBy('number').execute();
      const forged = regs.relinked.sign({
        registerId: regs.relinked.id,
        chain: 'ticket',
        number: 3,
        recordedAt: rows[2]!.recorded_at,
        payload: JSON.parse(rows[2]!.payload),
        prevSignature: rows[0]!.signature,
      } as never);
      await where(regs.relinked, 3)(c.db.updateTable('records').set({ prev_signature: forged.prevSignature, signature: forged.signature })).execute();
      // Record 1 removed: the chain no longer starts at 1.
      await where(regs.headless, 1)(c.db.deleteFrom('records')).execute();

      const tampered = await comptoirVerify(c);
      assert.equal(tampered.code, 1, tampered.output);
      const line = (reg: FakeRegister) => tampered.output.split('\n').find((l) => l.includes(`register ${reg.id} chain ticket`)) ?? '';
      assert.match(line(regs.clean), /^ok +register .* chain ticket: 4 records$/);
      assert.match(line(regs.edited), /^BROKEN register .* chain ticket: 4 records — record 2: its signature does not verify with the register public key$/);
      assert.match(line(regs.deleted), /^BROKEN register .* chain ticket: 3 records — record 3: a number is missing/);
      assert.match(line(regs.relinked), /^BROKEN register .* chain ticket: 4 records — record 3: its previous signature is not the previous record's signature$/);
      assert.match(line(regs.headless), /^BROKEN register .* chain ticket: 3 records — record 2: the chain does not start at 1$/);
      assert.match(tampered.output, /4 chain\(s\) broken/);
    });
  });
}
