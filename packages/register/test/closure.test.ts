// Closures (Z) across days, a month end and a year end, on a register whose clock the test moves
// (the `clock` option), against the real central server. A month (year) closure is the sum of its
// day closures, signed just before the first day closure of the next month (year); grand totals
// run on; a clock set back cannot close a day before the last closure.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createPublicKey } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { readFileSync, statSync } from 'node:fs';
import { archiveBody, archiveDigest, archiveFile, keyFingerprint, signRecord, verifyArchive } from '@comptoir/domain';
import { eventually, http, runComptoir } from '@comptoir/testing';
import type { Archive, Closure } from '@comptoir/protocol';
import { DEMO_SKUS, assertIntegratedExactlyOnce, centralPerFile, type TestCentral } from './support/central';
import { startEnrolledRegister, type EnrolledRegister } from './support/enrolled-register';
import { api, cashierSession, tmp } from './helpers';

const centralOfFile = centralPerFile();

describe('closures over a month end and a year end', () => {
  let central: TestCentral;
  let env: EnrolledRegister;
  // The register's clock: real time running from a chosen store-local instant (Paris is UTC+1 in winter).
  let offsetMs = 0;
  const setClock = (iso: string) => {
    offsetMs = Date.parse(iso) - Date.now();
  };

  before(async () => {
    central = await centralOfFile();
    setClock('2026-12-30T09:00:00Z');
    env = await startEnrolledRegister(central, 'Caisse clôtures', { clock: () => new Date(Date.now() + offsetMs) });
  });
  after(async () => env?.close());

  /** A session valid at the register's current date (moving the clock days ahead expires the old one). */
  async function token(): Promise<string> {
    return (await cashierSession(env.reg, central.cashier)).token;
  }

  async function sell(t: string, quantity: number): Promise<number> {
    const r = await api(env.reg.url, 'POST', '/api/sales', {
      token: t,
      body: { lines: [{ sku: DEMO_SKUS.coffee, quantity }], payments: [{ method: 'cash', amountCents: 100_00 }] },
    });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body.totalCents as number;
  }

  async function closeDay(t: string): Promise<{ status: number; body: any }> {
    // A cashier closes the day with the manager's approval (approval.service.ts).
    return api(env.reg.url, 'POST', '/api/closures/day', { token: t, body: { approval: central.manager } });
  }

  test('day, day, then month + year + day at the first closure of the new year; a clock set back is refused', async () => {
    let t = await token();
    const d1 = (await sell(t, 1)) + (await sell(t, 2));
    const z1 = await closeDay(t);
    assert.equal(z1.status, 201, JSON.stringify(z1.body));
    assert.deepEqual([z1.body.payload.period, z1.body.payload.periodKey, z1.body.payload.totalCents], ['day', '2026-12-30', d1]);

    setClock('2026-12-31T17:00:00Z');
    t = await token();
    const d2 = await sell(t, 3);
    const z2 = await closeDay(t);
    assert.equal(z2.status, 201, JSON.stringify(z2.body));
    assert.equal(z2.body.payload.periodKey, '2026-12-31');
    assert.equal(z2.body.payload.firstTicket, 3);
    assert.equal(z2.body.payload.grandTotalCents, d1 + d2);

    setClock('2027-01-02T10:00:00Z');
    t = await token();
    const d3 = await sell(t, 1);
    const z3 = await closeDay(t);
    assert.equal(z3.status, 201, JSON.stringify(z3.body));
    assert.equal(z3.body.payload.periodKey, '2027-01-02');
    assert.equal(z3.body.payload.totalCents, d3);
    assert.equal(z3.body.payload.grandTotalCents, d1 + d2 + d3);

    const list: Closure[] = (await api(env.reg.url, 'GET', '/api/closures', { token: t })).body.items;
    assert.deepEqual(
      list.map((c) => [c.number, c.payload.period, c.payload.periodKey]),
      [
        [5, 'day', '2027-01-02'],
        [4, 'year', '2026'],
        [3, 'month', '2026-12'],
        [2, 'day', '2026-12-31'],
        [1, 'day', '2026-12-30'],
      ],
    );
    for (const period of [list[1]!, list[2]!]) {
      // A month (year) is its days: counts, totals, per-VAT and per-method sums; tickets 1..3.
      assert.equal(period.payload.ticketCount, 3);
      assert.equal(period.payload.totalCents, d1 + d2);
      assert.equal(period.payload.grandTotalCents, d1 + d2);
      assert.deepEqual([period.payload.firstTicket, period.payload.lastTicket], [1, 3]);
      assert.equal(period.payload.vat.reduce((s, v) => s + v.totalCents, 0), d1 + d2);
      assert.deepEqual(period.payload.payments, [{ method: 'cash', amountCents: d1 + d2, count: 3 }]);
    }

    // The clock set back to a day already behind the last closure: refused, nothing written.
    setClock('2027-01-01T10:00:00Z');
    t = await token();
    const back = await closeDay(t);
    assert.equal(back.status, 409);
    assert.equal(back.body.error.details.periodKey, '2027-01-02');
    assert.equal((await api(env.reg.url, 'GET', '/api/closures', { token: t })).body.items.length, 5);

    // Every closure reaches central, signed and chained, exactly once.
    const registerId = env.registerId;
    const atCentral = await eventually('five closures at central', async () => {
      const r = await http(central.url, 'GET', `/api/closures?registerId=${registerId}`, { token: central.adminToken });
      return r.body.items.length === 5 ? r.body.items : null;
    });
    assert.deepEqual(
      atCentral.map((c: Closure) => c.payload).sort((a: any, b: any) => a.periodKey.localeCompare(b.periodKey) || a.period.localeCompare(b.period)),
      list.map((c) => c.payload).sort((a, b) => a.periodKey.localeCompare(b.periodKey) || a.period.localeCompare(b.period)),
    );
    await eventually('outbox drained', async () => env.reg.status().pendingRecords === 0);
    await assertIntegratedExactlyOnce(central, env.reg, env.initialStock);
  });

  test('the closed month is archived: a signed archive of its tickets, its closures and the events, checkable on its own', async () => {
    const t = await token();
    const all: Archive[] = (await api(env.reg.url, 'GET', '/api/archives', { token: t })).body.items;
    // Newest first: the fiscal year 2026's archive was signed right after December's.
    assert.deepEqual(all.map((a) => [a.number, a.payload.periodKey]), [[2, '2026'], [1, '2026-12']]);
    const archives = [all[1]!];
    const archive = archives[0]!.payload;
    assert.equal(archive.periodKey, '2026-12');
    // Who archived, signed with it: the store's SIRET, the store, the software version, the key ids.
    const store = env.reg.ctx.sqlite.prepare('SELECT id, name, siret FROM copy_store').get() as { id: string; name: string; siret: string };
    assert.deepEqual([archive.siret, archive.storeId, archive.storeName], [store.siret, store.id, store.name]);
    assert.match(archive.softwareVersion ?? '', /^\S+ \d+\.\d+\.\d+/);
    assert.deepEqual(archive.keys?.map((k) => k.keyId), [env.reg.ctx.identity!.keyId]);
    const range = (chain: string) => archive.ranges.find((r) => r.chain === chain);
    // December's tickets only (the ticket of 2 January waits for the next archive); the closures signed up to the archive.
    assert.deepEqual(range('ticket'), { chain: 'ticket', from: 1, to: 3, prevSignature: '' });
    assert.deepEqual([range('closure')?.from, range('closure')?.to], [1, 4]);
    assert.ok((range('event')?.to ?? 0) >= 1, 'the events are archived too');
    assert.equal(archive.recordCount, archive.ranges.reduce((s, r) => s + r.to - r.from + 1, 0));

    // The file, from the register: it checks on its own, with the register's key.
    const file = await fetch(`${env.reg.url}/api/archives/${archives[0]!.number}/file`, { headers: { authorization: `Bearer ${t}` } });
    assert.equal(file.status, 200);
    assert.match(file.headers.get('content-disposition') ?? '', /comptoir-archive-.*-2026-12\.ndjson/);
    const text = await file.text();
    const check = verifyArchive(text);
    assert.ok(check.ok, JSON.stringify(check));
    assert.equal(check.records, archive.recordCount);
    assert.equal(check.keyFingerprint, keyFingerprint(createPublicKey(env.reg.ctx.identity!.publicKeyPem)));
    // One character changed in a record (a total) breaks it.
    const tampered = text.replace(/"totalCents":(\d)/, (_m, d: string) => `"totalCents":${(Number(d) + 1) % 10}`);
    assert.notEqual(tampered, text);
    const broken = verifyArchive(tampered);
    assert.equal(broken.ok, false);
    assert.equal(!broken.ok && broken.reason, 'the body does not match the signed SHA-256');

    // Central holds the archive record and rebuilds the same file, byte for byte, from its own records.
    await eventually('archive at central', async () => {
      const r = await http(central.url, 'GET', `/api/archives?registerId=${env.registerId}`, { token: central.adminToken });
      return r.body.items?.length === 2;
    });
    const atCentral = await fetch(`${central.url}/api/archives/${env.registerId}/${archives[0]!.number}/file`, {
      headers: { authorization: `Bearer ${central.adminToken}` },
    });
    assert.equal(atCentral.status, 200);
    assert.equal(await atCentral.text(), text);

    // The file was written when the archive was signed: 0600, in DATA/archives, named with the
    // SIRET, the register and the period, its SHA-256 recorded and named by the archive_produced event.
    const written = env.reg.ctx.sqlite.prepare('SELECT file, sha256 FROM archive_files WHERE number = ?').get(archives[0]!.number) as { file: string; sha256: string };
    assert.equal(dirname(written.file), join(dirname(env.reg.ctx.sqlite.name), 'archives'));
    assert.match(basename(written.file), new RegExp(`^\\d{14}-comptoir-archive-${env.registerId}-2026-12\\.ndjson$`));
    assert.equal(statSync(written.file).mode & 0o777, 0o600);
    assert.equal(readFileSync(written.file, 'utf8'), text, 'the written file is the served file');
    assert.equal(written.sha256, createHash('sha256').update(text).digest('hex'));
    const produced = env.reg.ctx.sqlite.prepare("SELECT payload FROM records WHERE chain = 'event' AND json_extract(payload, '$.event') = 'archive_produced'").all() as { payload: string }[];
    assert.equal(produced.length, 2, 'one archive_produced event per archive');
    assert.deepEqual([JSON.parse(produced[0]!.payload).details.file, JSON.parse(produced[0]!.payload).details.fileSha256], [basename(written.file), written.sha256]);

    // `comptoir verify --archive` recomputes every Z of the file from its tickets.
    const dir = await tmp();
    try {
      const good = join(dir.path, 'good.ndjson');
      await writeFile(good, text);
      const keyId = env.reg.ctx.identity!.keyId;
      const ok = await runComptoir(['verify', '--archive', good, '--key-id', keyId]);
      assert.equal(ok.code, 0, ok.output);
      assert.match(ok.output, /^closures recomputed from their tickets: 4$/m);

      // A forger holding the register's key raises the first day Z by 1.00 (total, sales, first VAT
      // line, cash, both grand totals, and the grand totals of every later closure), re-signs the
      // closure chain from there and the archive record: every signature verifies, only the
      // recomputation from the tickets catches it.
      const key = env.reg.ctx.identity!.privateKey;
      const lines = text.split('\n');
      const header = JSON.parse(lines[0]!);
      const records = lines.slice(1).filter((l) => l).map((l) => JSON.parse(l));
      let prev: string | undefined;
      for (const r of records) {
        if (r.chain !== 'closure') continue;
        const p = r.payload;
        if (r.number === 1) {
          p.totalCents += 100;
          p.salesCents += 100;
          p.vat[0].totalCents += 100;
          p.vatSales[0].totalCents += 100;
          p.payments[0].amountCents += 100;
        }
        p.grandTotalCents += 100;
        p.grandTotalAbsCents += 100;
        if (prev !== undefined) r.prevSignature = prev;
        const { signature: _old, ...unsigned } = r;
        r.signature = signRecord(key, unsigned);
        prev = r.signature;
      }
      const body = archiveBody(records);
      const archive = { ...header.archive, payload: { ...header.archive.payload, sha256: archiveDigest(body) } };
      const { signature: _s, ...unsignedArchive } = archive;
      archive.signature = signRecord(key, unsignedArchive);
      const forgedFile = join(dir.path, 'forged.ndjson');
      await writeFile(forgedFile, archiveFile({ registerId: header.registerId, publicKeyPem: header.publicKeyPem, archive, ...(header.publicKeys ? { publicKeys: header.publicKeys } : {}) }, body));
      const forgedCheck = verifyArchive(await readFile(forgedFile, 'utf8'));
      assert.ok(forgedCheck.ok, `every signature of the forgery verifies: ${JSON.stringify(forgedCheck)}`);
      const caught = await runComptoir(['verify', '--archive', forgedFile, '--key-id', keyId]);
      assert.equal(caught.code, 1, caught.output);
      assert.match(caught.output, /^ARCHIVE BROKEN: closure 1 \(day 2026-12-30\): totalCents is \d+, tickets 1\.\.2 sum to \d+$/m);
    } finally {
      await dir.cleanup();
    }
  });

  test('the closed fiscal year is archived too: every record of the year, the month archives included, written 0600 and checkable', async () => {
    const t = await token();
    const [year, month] = (await api(env.reg.url, 'GET', '/api/archives', { token: t })).body.items as Archive[];
    assert.equal(year!.payload.periodKey, '2026');
    const range = (chain: string) => year!.payload.ranges.find((r) => r.chain === chain);
    // The whole fiscal year (this register's first): its three tickets, its closures up to the year
    // closure, and December's archive record, which the year archive's own record follows.
    assert.deepEqual(range('ticket'), { chain: 'ticket', from: 1, to: 3, prevSignature: '' });
    assert.deepEqual([range('closure')?.from, range('closure')?.to], [1, 4]);
    assert.deepEqual(range('archive'), { chain: 'archive', from: 1, to: 1, prevSignature: '' });
    assert.equal(year!.payload.siret, month!.payload.siret);
    assert.ok(year!.payload.keys?.length === 1);

    const written = env.reg.ctx.sqlite.prepare('SELECT file, sha256 FROM archive_files WHERE number = ?').get(year!.number) as { file: string; sha256: string };
    assert.match(basename(written.file), new RegExp(`^\\d{14}-comptoir-archive-${env.registerId}-2026\\.ndjson$`));
    assert.equal(statSync(written.file).mode & 0o777, 0o600);
    const text = readFileSync(written.file, 'utf8');
    const served = await fetch(`${env.reg.url}/api/archives/${year!.number}/file`, { headers: { authorization: `Bearer ${t}` } });
    assert.equal(await served.text(), text, 'the written file is the served file');
    assert.equal(written.sha256, createHash('sha256').update(text).digest('hex'));

    const dir = await tmp();
    try {
      const yearFile = join(dir.path, 'year.ndjson');
      const monthFile = join(dir.path, 'month.ndjson');
      await writeFile(yearFile, text);
      await writeFile(monthFile, readFileSync((env.reg.ctx.sqlite.prepare('SELECT file FROM archive_files WHERE number = ?').get(month!.number) as { file: string }).file, 'utf8'));
      const keyId = env.reg.ctx.identity!.keyId;
      const ok = await runComptoir(['verify', '--archive', yearFile, '--key-id', keyId]);
      assert.equal(ok.code, 0, ok.output);
      assert.match(ok.output, /^period 2026 \(fiscal year\)$/m);
      assert.match(ok.output, /^chain archive: records 1\.\.1 \(1 record\)$/m);
      assert.match(ok.output, new RegExp(`^siret ${year!.payload.siret}$`, 'm'));
      assert.match(ok.output, /^software \S+ \d/m);
      assert.match(ok.output, /^closures recomputed from their tickets: 4$/m);
      // December's archive, then the year's: consecutive in the archive chain.
      const both = await runComptoir(['verify', '--archive', monthFile, '--archive', yearFile, '--key-id', keyId]);
      assert.equal(both.code, 0, both.output);
      assert.match(both.output, /^2 archives consecutive$/m);
      const swapped = await runComptoir(['verify', '--archive', yearFile, '--archive', monthFile, '--key-id', keyId]);
      assert.equal(swapped.code, 1, swapped.output);
      assert.match(swapped.output, /^ARCHIVES NOT CONSECUTIVE: archive 2026-12 after 2026: archive record 1 does not follow 2/m);
    } finally {
      await dir.cleanup();
    }
  });
});

