// Signed invoices (issue 10), against the real central server (its own process): a register issues
// them offline (its link to central black-holed) in its `invoice` chain, numbered gapless; the same
// ticket asked again answers the same invoice; another customer is refused; training and returns
// are never invoiced; a reprint is a signed duplicate. Back online, central integrates each invoice
// exactly once, `comptoir verify` passes on both databases, and the back office's PDF (read back
// with pdftotext) prints the signed invoice number — asking the register to issue one when the
// ticket has none. A tampered invoice is a tamper alert at central and a break for `comptoir verify`;
// a register that cannot be reached is a coded 503.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { eventually, pdfText, runComptoir } from '@comptoir/testing';
import { REMOTE_INVOICE_PATH, remoteInvoiceSigningString, type Invoice, type RemoteInvoiceRequest } from '@comptoir/protocol';
import { createHash, createHmac } from 'node:crypto';
import { DEMO_CUSTOMER, DEMO_SKUS, centralPerFile, type TestCentral } from './support/central';
import { startEnrolledRegister, type EnrolledRegister } from './support/enrolled-register';
import { api, cashierSession } from './helpers';
import type { RunningRegister } from '../src/index';

const centralOfFile = centralPerFile();
const MANAGER = { login: 'gerant', pin: '9999' };
const OTHER_CUSTOMER = 'demo-customer-02';

const modeReached = (reg: RunningRegister, mode: string) => eventually(`mode ${mode}`, async () => reg.status().mode === mode, 30_000, 10);
const drained = (reg: RunningRegister) => eventually('drained', async () => reg.status().mode === 'connected' && reg.status().pendingRecords === 0, 30_000);


async function invoicePdf(central: TestCentral, registerId: string, number: number, query = ''): Promise<{ status: number; body: Buffer; json: unknown }> {
  const res = await fetch(`${central.url}/api/documents/${registerId}/${number}/invoice.pdf${query}`, { headers: { authorization: `Bearer ${central.adminToken}` } });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, body, json: res.headers.get('content-type')?.includes('json') ? JSON.parse(body.toString('utf8')) : null };
}

const invoiceHead = (reg: RunningRegister) => (reg.ctx.sqlite.prepare("SELECT count(*) AS n FROM records WHERE chain = 'invoice'").get() as { n: number }).n;

describe('signed invoices', () => {
  let central: TestCentral;
  let env: EnrolledRegister;

  before(async () => {
    central = await centralOfFile();
    env = await startEnrolledRegister(central, 'Caisse factures');
  });
  after(async () => env?.close());

  const sale = (body: Record<string, unknown> = {}) =>
    api(env.reg.url, 'POST', '/api/sales', { token: env.token, body: { lines: [{ sku: DEMO_SKUS.wine, quantity: 1 }, { sku: DEMO_SKUS.coffee, quantity: 2 }], payments: [{ method: 'cash', amountCents: 200_00 }], ...body } });
  const issue = (number: number, body: Record<string, unknown> = {}) => api(env.reg.url, 'POST', `/api/tickets/${number}/invoice`, { token: env.token, body });

  test('issued offline, numbered gapless, once per ticket; integrated once at central; the PDF prints the signed number', async () => {
    const s1 = await sale({ customerId: DEMO_CUSTOMER.id });
    const s2 = await sale();
    assert.equal(s1.status, 201, JSON.stringify(s1.body));
    await drained(env.reg);

    // Bad requests write nothing.
    assert.equal((await issue(999)).status, 404);
    const noCustomer = await issue(s2.body.number);
    assert.equal(noCustomer.status, 400, JSON.stringify(noCustomer.body));
    const ghost = await issue(s2.body.number, { customerId: 'ghost' });
    assert.deepEqual([ghost.status, ghost.body.error.code], [422, 'UNKNOWN_CUSTOMER']);
    assert.equal((await api(env.reg.url, 'POST', `/api/tickets/${s1.body.number}/invoice`, { body: {} })).status, 401, 'a cashier session is needed');
    assert.equal(invoiceHead(env.reg), 0);

    // Offline: the link black-holed.
    await env.link.setMode({ kind: 'blackhole' });
    await modeReached(env.reg, 'autonomous');
    const s3 = await sale({ customerId: DEMO_CUSTOMER.id });
    assert.equal(s3.body.soldOffline, true);

    const i1 = await issue(s1.body.number);
    assert.equal(i1.status, 201, JSON.stringify(i1.body));
    const inv1 = i1.body as Invoice;
    assert.equal(inv1.invoiceNumber, 1);
    assert.equal(inv1.reference, `FA-${env.registerId.slice(0, 8).toUpperCase()}-000001`);
    assert.equal(inv1.integratedAt, null, 'issued offline, waiting in the outbox');
    const p = inv1.payload;
    assert.equal(p.customer.id, DEMO_CUSTOMER.id);
    assert.equal(p.customer.name, 'Camille Laurent');
    assert.equal(p.cashierId, env.cashierId);
    assert.deepEqual(p.ticket, { number: s1.body.number, soldAt: s1.body.soldAt, signature: s1.body.signature }, 'names the signed ticket');
    assert.deepEqual([p.totalCents, p.lines.length, p.vat.length], [s1.body.totalCents, 2, 2], 'lines, VAT and total from the signed ticket');
    assert.equal(p.totalExclVatCents + p.vatCents, p.totalCents);
    assert.ok(p.seller.siret.length > 0 && p.seller.vatNumber.length > 0 && p.seller.name.length > 0, 'the seller as the copy names it');

    // The same ticket again: the same invoice, never a new number; another customer is refused.
    const again = await issue(s1.body.number, { customerId: DEMO_CUSTOMER.id });
    assert.equal(again.status, 200);
    assert.deepEqual([again.body.invoiceNumber, again.body.signature], [1, inv1.signature]);
    const other = await issue(s1.body.number, { customerId: OTHER_CUSTOMER });
    assert.equal(other.status, 409, JSON.stringify(other.body));
    assert.equal(other.body.error.code, 'INVOICE_CUSTOMER_FIXED');
    assert.equal(other.body.error.details.invoiceNumber, 1);

    // Gapless over several tickets, offline.
    const i2 = await issue(s2.body.number, { customerId: OTHER_CUSTOMER });
    const i3 = await issue(s3.body.number);
    assert.deepEqual([i2.status, i2.body.invoiceNumber, i3.status, i3.body.invoiceNumber], [201, 2, 201, 3]);
    assert.equal(i2.body.prevSignature, inv1.signature, 'chained');

    // A return is not invoiced; a reprint is a signed duplicate naming the invoice.
    const ret = await api(env.reg.url, 'POST', '/api/returns', {
      token: (await cashierSession(env.reg, MANAGER)).token,
      body: { original: { number: s2.body.number }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [{ method: 'cash', amountCents: s2.body.lines[0].totalCents }] },
    });
    assert.equal(ret.status, 201, JSON.stringify(ret.body));
    const retInvoice = await issue(ret.body.number, { customerId: DEMO_CUSTOMER.id });
    assert.deepEqual([retInvoice.status, retInvoice.body.error.code, retInvoice.body.error.details.reason], [422, 'INVOICE_REFUSED', 'return']);
    const dup = await api(env.reg.url, 'POST', '/api/invoices/1/duplicates', { token: env.token });
    assert.equal(dup.status, 201, JSON.stringify(dup.body));
    assert.equal(dup.body.invoiceNumber, 1);
    assert.ok(dup.body.duplicate.number >= 1);
    assert.equal((await api(env.reg.url, 'POST', '/api/invoices/77/duplicates', { token: env.token })).status, 404);
    assert.equal(invoiceHead(env.reg), 3);

    // Back online: each invoice integrated exactly once at central, with its number and signature.
    await env.link.setMode({ kind: 'up' });
    await drained(env.reg);
    const atCentral = central.records(env.registerId).filter((r) => r.chain === 'invoice');
    assert.deepEqual(atCentral.map((r) => [r.number, r.payload.reference]), [1, 2, 3].map((n) => [n, `FA-${env.registerId.slice(0, 8).toUpperCase()}-00000${n}`]));
    assert.equal(atCentral[0]!.signature, inv1.signature);
    const dupAtCentral = central.records(env.registerId).filter((r) => r.chain === 'duplicate' && r.payload.invoiceNumber === 1);
    assert.equal(dupAtCentral.length, 1, 'the reprint reached central');
    assert.ok((await api(env.reg.url, 'GET', '/api/invoices/1', { token: env.token })).body.integratedAt, 'acknowledged');

    // The back office's PDF is the signed invoice: its number, its customer.
    const pdf1 = await invoicePdf(central, env.registerId, s1.body.number);
    assert.equal(pdf1.status, 200, JSON.stringify(pdf1.json));
    const text1 = pdfText(pdf1.body);
    assert.match(text1, new RegExp(`N° ${inv1.reference}`));
    assert.match(text1, /Camille Laurent/);
    assert.match(text1, /chaîne invoice n° 1/);
    assert.match(pdfText((await invoicePdf(central, env.registerId, s2.body.number)).body), /Julien Moreau/);
    const fixed = await invoicePdf(central, env.registerId, s1.body.number, `?customerId=${OTHER_CUSTOMER}`);
    assert.equal(fixed.status, 409);

    // A ticket without an invoice: central asks the register to issue it, and prints what it signed.
    const s4 = await sale();
    await drained(env.reg);
    const pdf4 = await invoicePdf(central, env.registerId, s4.body.number, `?customerId=${DEMO_CUSTOMER.id}`);
    assert.equal(pdf4.status, 200, JSON.stringify(pdf4.json));
    const at4 = await api(env.reg.url, 'GET', `/api/tickets/${s4.body.number}/invoice`, { token: env.token });
    assert.equal(at4.status, 200);
    assert.equal(at4.body.invoiceNumber, 4, 'the next number of the chain');
    assert.equal(at4.body.payload.cashierId, null, 'asked by the back office');
    assert.ok(at4.body.payload.requestedBy, 'the back-office user is signed');
    assert.match(pdfText(pdf4.body), new RegExp(`N° ${at4.body.reference}`));
    assert.equal((await issue(s4.body.number)).status, 200, 'the same invoice at the till');
    await drained(env.reg);
    assert.deepEqual(central.records(env.registerId).filter((r) => r.chain === 'invoice').map((r) => r.number), [1, 2, 3, 4]);

    // Central's call is authenticated over its body too: a body other than the one signed, or a
    // signature by another key, is a 401 and issues nothing.
    const s5 = await sale();
    const signedBody: RemoteInvoiceRequest = { ticketNumber: s5.body.number, customerId: DEMO_CUSTOMER.id, requestedBy: 'user-1' };
    const centralCall = async (body: RemoteInvoiceRequest, token: string) => {
      const timestamp = new Date().toISOString();
      const key = createHash('sha256').update(token).digest('hex');
      const signature = createHmac('sha256', key).update(remoteInvoiceSigningString(env.registerId, timestamp, signedBody)).digest('hex');
      const res = await fetch(`${env.reg.url}${REMOTE_INVOICE_PATH}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-comptoir-register': env.registerId, 'x-comptoir-timestamp': timestamp, 'x-comptoir-signature': signature },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as { error?: { code: string }; invoiceNumber?: number } };
    };
    const token = env.reg.ctx.identity!.token;
    const swapped = await centralCall({ ...signedBody, customerId: OTHER_CUSTOMER }, token);
    assert.deepEqual([swapped.status, swapped.body.error?.code], [401, 'UNAUTHENTICATED'], 'the customer is signed');
    const forged = await centralCall(signedBody, 'not-the-register-token');
    assert.deepEqual([forged.status, forged.body.error?.code], [401, 'UNAUTHENTICATED']);
    assert.equal(invoiceHead(env.reg), 4, 'nothing issued');
    const relayed = await centralCall(signedBody, token);
    assert.deepEqual([relayed.status, relayed.body.invoiceNumber], [201, 5], 'the body central signed is issued');

    // Training: the number a cashier sees is a training ticket's, never invoiced.
    const manager = (await cashierSession(env.reg, MANAGER)).token;
    assert.equal((await api(env.reg.url, 'PUT', '/api/training', { token: manager, body: { enabled: true } })).status, 200);
    const training = await sale({ customerId: DEMO_CUSTOMER.id });
    assert.equal(training.body.training, true);
    const refused = await issue(training.body.number, { customerId: DEMO_CUSTOMER.id });
    assert.deepEqual([refused.status, refused.body.error.code, refused.body.error.details.reason], [422, 'INVOICE_REFUSED', 'training']);
    assert.equal((await api(env.reg.url, 'PUT', '/api/training', { token: manager, body: { enabled: false } })).status, 200);
    assert.equal(invoiceHead(env.reg), 5, 'training wrote no invoice');

    // `comptoir verify` on both databases: the invoice chain verifies.
    const regVerify = await runComptoir(['verify', '--data', dirname(env.reg.ctx.sqlite.name)]);
    assert.equal(regVerify.code, 0, regVerify.output);
    assert.match(regVerify.output, /invoice/);
    const centralVerify = await runComptoir(['verify', '--data', dirname(central.file)]);
    assert.equal(centralVerify.code, 0, centralVerify.output);
  });

  test('a tampered invoice is refused by central and caught by verify; an unreachable register is a coded 503', async () => {
    const env2 = await startEnrolledRegister(central, 'Caisse falsifiée');
    let closed = false;
    try {
      const online = await api(env2.reg.url, 'POST', '/api/sales', { token: env2.token, body: { lines: [{ sku: DEMO_SKUS.pasta, quantity: 1 }], payments: [{ method: 'cash', amountCents: 100_00 }] } });
      assert.equal(online.status, 201, JSON.stringify(online.body));
      await drained(env2.reg);
      await env2.link.setMode({ kind: 'blackhole' });
      await modeReached(env2.reg, 'autonomous');
      const offline = await api(env2.reg.url, 'POST', '/api/sales', { token: env2.token, body: { lines: [{ sku: DEMO_SKUS.pasta, quantity: 1 }], payments: [{ method: 'cash', amountCents: 100_00 }] } });
      const inv = await api(env2.reg.url, 'POST', `/api/tickets/${offline.body.number}/invoice`, { token: env2.token, body: { customerId: DEMO_CUSTOMER.id } });
      assert.equal(inv.status, 201);
      // Someone with the database file renames the customer of the signed invoice (lifting the trigger first).
      const db = env2.reg.ctx.sqlite;
      db.exec('DROP TRIGGER records_no_update');
      db.prepare("UPDATE records SET payload = json_set(payload, '$.customer.name', 'Quelqu''un d''autre') WHERE chain = 'invoice' AND number = 1").run();
      const caught = await runComptoir(['verify', '--data', dirname(db.name)]);
      assert.notEqual(caught.code, 0, caught.output);
      assert.match(caught.output, /invoice/);

      await env2.link.setMode({ kind: 'up' });
      await eventually('tamper alert', async () => (await central.tamperAlerts(env2.registerId)).some((a) => a.chain === 'invoice' && a.number === 1), 30_000);
      assert.equal(central.records(env2.registerId).filter((r) => r.chain === 'invoice').length, 0, 'nothing of the batch stored');

      // The register gone: central cannot issue the invoice of its pushed ticket.
      await env2.close();
      closed = true;
      const gone = await invoicePdf(central, env2.registerId, online.body.number, `?customerId=${DEMO_CUSTOMER.id}`);
      assert.equal(gone.status, 503, JSON.stringify(gone.json));
      assert.equal((gone.json as { error: { code: string } }).error.code, 'REGISTER_UNREACHABLE');
    } finally {
      if (!closed) await env2.close();
    }
  });
});
