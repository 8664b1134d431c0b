// ESC/POS receipts sent to a network printer (raw TCP). The "printer" is a real local TCP listener
// (node:net) that decodes what it receives: ESC/FS/GS commands are stripped and listed, the text is
// read in code page 858. A register with a printer prints every new sale, return and duplicate after
// answering; a printer that is down never fails a sale, and the failure is reported by GET /api/printer.
// The registers are enrolled at the real central server (one `comptoir central` process for the file),
// so receipts carry the demo store's identity and catalog as central serves them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, promSample, scrapeMetrics } from '@comptoir/testing';
import type { Receipt } from '@comptoir/protocol';
import type { RunningRegister } from '../src/index';
import { encodeDrawerKick, encodeReceiptEscPos, euros } from '../src/receipts/escpos-receipt';
import { parsePrinterUrl, sendToPrinter } from '../src/receipts/receipt-printer';
import { DEMO_SKUS, centralPerFile } from './support/central';
import { startEnrolledRegister } from './support/enrolled-register';
import { api } from './helpers';
import { FakePrinter, deadPort, decodeEscPos } from './support/fake-printer';

const CUT = /^GS V (0|1|48|49|65 \d+|66 \d+)$/;
const cash = (amountCents: number) => ({ method: 'cash', amountCents });

// ---- encoding ----

const sample: Receipt = {
  store: {
    storeId: 'store-1', name: 'Épicerie du Port', address: '1 rue du Test, Paris', siret: '12345678900011', vatNumber: 'FR00123456789',
    timezone: 'Europe/Paris', registerId: 'reg-1', registerName: 'Caisse 1', softwareName: 'Comptoir', softwareVersion: '9.8.7', mealVoucherCapCents: 2500, giftCardMaxCents: 50000,
  },
  ticket: {
    registerId: 'reg-1', number: 42, kind: 'sale', totalCents: 123456, soldAt: '2026-03-14T08:05:09.000Z', soldOffline: false,
    cashierId: 'cashier-1', customerId: 'cust-1',
    lines: [
      { lineNo: 1, sku: 'CAFE', label: 'Café moulu 250 g', quantity: 2, unitPriceCents: 450, vatRate: 550, discountCents: 50, totalCents: 850 },
      { lineNo: 2, sku: 'TV', label: 'Téléviseur', quantity: 1, unitPriceCents: 122606, vatRate: 2000, discountCents: 0, totalCents: 122606 },
    ],
    vat: [
      { rate: 550, baseCents: 806, vatCents: 44, totalCents: 850 },
      { rate: 2000, baseCents: 102172, vatCents: 20434, totalCents: 122606 },
    ],
    payments: [{ method: 'card', amountCents: 120000 }, { method: 'cash', amountCents: 5000 }],
    changeCents: 1544, signature: 'abcdefghijklmnopqrstuvwxyz', integratedAt: null, original: null,
  },
  cashierName: 'Alice', customerName: 'Marie Curie', signatureExtract: 'cgms', reference: 'S01-C1-000042', duplicate: null,
};

describe('ESC/POS receipt encoding', () => {
  test('every NF525 mention is printed, then a cut', () => {
    const { text, commands } = decodeEscPos(encodeReceiptEscPos(sample));
    assert.equal(commands[0], 'ESC @', 'starts by initializing the printer');
    for (const s of [
      'Épicerie du Port', '1 rue du Test', 'SIRET 12345678900011', 'N° TVA FR00123456789', 'Vente - Ticket n° 42',
      '14/03/2026 09:05:09', 'Caisse : Caisse 1', 'Caissier : Alice', 'Client : Marie Curie',
      'Café moulu 250 g', '2 x 4,50 € (TVA 5,5 %) - Remise 0,50 €', 'Téléviseur', 'TOTAL TTC', '1 234,56 €',
      '5,5 %', '8,06 €', '0,44 €', '1 021,72 €', '204,34 €', 'Carte', '1 200,00 €', 'Espèces', '50,00 €', 'Rendu', '15,44 €',
      'Signature cgms', 'Logiciel Comptoir 9.8.7',
    ]) {
      assert.ok(text.includes(s), `missing ${JSON.stringify(s)} in:\n${text}`);
    }
    assert.ok(!text.includes('DUPLICATA'));
    assert.match(commands.at(-1)!, CUT, 'ends with a cut');
    assert.ok(text.split('\n').every((l) => l.length <= 48), 'fits 48 columns');
  });

  test('the ticket reference is printed and as a Code 128 barcode (code set B), only when the copy has one', () => {
    const { text, commands } = decodeEscPos(encodeReceiptEscPos(sample));
    assert.ok(text.includes('S01-C1-000042'), text);
    assert.ok(commands.includes('GS k 73 {BS01-C1-000042'), commands.join('\n'));
    const without = decodeEscPos(encodeReceiptEscPos({ ...sample, reference: null }));
    assert.ok(!without.commands.some((c) => c.startsWith('GS k')), 'no barcode without a reference');
  });

  test("a gift card's sale prints the card as its line, outside VAT, with the card's reference and its Code 128", () => {
    const card: Receipt = {
      ...sample,
      ticket: { ...sample.ticket, lines: [], vat: [], totalCents: 5000, payments: [{ method: 'cash', amountCents: 5000 }], changeCents: 0, giftCard: { reference: 'CC-1A2B3C4D-42', amountCents: 5000 } },
    };
    const { text, commands } = decodeEscPos(encodeReceiptEscPos(card));
    assert.ok(text.includes('Carte cadeau CC-1A2B3C4D-42'), text);
    assert.ok(text.includes('50,00 €') && text.includes('Hors champ de TVA'), text);
    assert.ok(commands.includes('GS k 73 {BCC-1A2B3C4D-42'), commands.join('\n'));
    assert.ok(text.split('\n').every((l) => l.length <= 48), 'fits 48 columns');
    const spent = decodeEscPos(encodeReceiptEscPos({ ...sample, ticket: { ...sample.ticket, payments: [{ method: 'gift_card', amountCents: sample.ticket.totalCents, reference: 'CC-1A2B3C4D-42' }] } }));
    assert.ok(spent.text.includes('Carte cadeau CC-1A2B3C4D-42'), 'a spend names the card on the payment line');
  });

  test('a reprint says DUPLICATA, with its number and signature extract', () => {
    const dup: Receipt = { ...sample, duplicate: { number: 3, printedAt: '2026-03-14T10:00:00.000Z', cashierName: 'Bob', signatureExtract: 'WXYZ' } };
    const { text, commands } = decodeEscPos(encodeReceiptEscPos(dup));
    assert.ok(text.includes('DUPLICATA'));
    assert.ok(text.includes('Duplicata n° 3 - 14/03/2026 11:00:00'), text);
    assert.ok(text.includes('Signature cgms / WXYZ'));
    assert.ok(text.includes('Ticket n° 42'));
    assert.match(commands.at(-1)!, CUT);
  });

  test('a return prints its original ticket and negative amounts', () => {
    const ret: Receipt = {
      ...sample,
      ticket: { ...sample.ticket, kind: 'return', number: 43, totalCents: -850, original: { registerId: 'reg-1', number: 42 }, payments: [{ method: 'cash', amountCents: -850 }], changeCents: 0 },
    };
    const { text } = decodeEscPos(encodeReceiptEscPos(ret));
    assert.ok(text.includes('Retour - Ticket n° 43'));
    assert.ok(text.includes("Ticket d'origine n° 42"));
    assert.ok(text.includes('-8,50 €'));
    assert.equal(euros(-123456789), '-1 234 567,89 €');
  });

  test('the drawer kick is the ESC/POS pulse after an initialize: ESC p on pin 2, 100 ms on, 500 ms off; no text, no cut', () => {
    const { text, commands } = decodeEscPos(encodeDrawerKick());
    assert.deepEqual(commands, ['ESC @', 'FS .', 'ESC M 0', 'ESC p 0 50 250']);
    assert.equal(text, '');
  });

  test('printer URLs', () => {
    assert.deepEqual(parsePrinterUrl('tcp://10.0.0.9:9100'), { host: '10.0.0.9', port: 9100 });
    assert.deepEqual(parsePrinterUrl('tcp://printer.local'), { host: 'printer.local', port: 9100 });
    assert.deepEqual(parsePrinterUrl('tcp://[::1]:9101'), { host: '::1', port: 9101 });
    assert.throws(() => parsePrinterUrl('http://printer:9100'));
    assert.throws(() => parsePrinterUrl('tcp://printer:99999'));
  });

  test('sendToPrinter: the listener receives the bytes; a closed port is refused', async () => {
    const printer = new FakePrinter();
    await printer.start();
    try {
      const bytes = encodeReceiptEscPos(sample);
      await sendToPrinter({ host: '127.0.0.1', port: printer.port }, bytes);
      const got = await eventually('the job received', async () => printer.jobs[0]);
      assert.deepEqual(new Uint8Array(got), bytes);
    } finally {
      await printer.stop();
    }
    await assert.rejects(sendToPrinter({ host: '127.0.0.1', port: await deadPort() }, new Uint8Array([0x1b, 0x40])), /ECONNREFUSED/);
  });
});

// ---- through the register's HTTP API ----

const centralOfFile = centralPerFile();

/** A register enrolled at the real central, with `printer` (or none), and what its receipts show. */
const METRICS_TOKEN = 'printer-metrics-token-0123456789';

async function startRegisterWith(printer: string | undefined, name: string) {
  const central = await centralOfFile();
  const env = await startEnrolledRegister(central, name, { metricsToken: METRICS_TOKEN, ...(printer ? { printer } : {}) });
  const [store, coffee, wine, pasta] = await Promise.all([
    central.store(),
    central.product(DEMO_SKUS.coffee),
    central.product(DEMO_SKUS.wine),
    central.product(DEMO_SKUS.pasta),
  ]);
  return { ...env, registerName: name, store, coffee, wine, pasta };
}

describe('register with a network printer', () => {
  const printer = new FakePrinter();
  let env: Awaited<ReturnType<typeof startRegisterWith>>;
  let reg: RunningRegister;

  before(async () => {
    await printer.start();
    env = await startRegisterWith(printer.url, 'Caisse imprimante');
    reg = env.reg;
  });
  after(async () => {
    await env?.close();
    await printer.stop();
  });

  const jobsFor = async (ticket: number) => {
    const st = await api(reg.url, 'GET', '/api/printer', { token: env.token });
    assert.equal(st.status, 200);
    return (st.body.jobs as Array<{ ticketNumber: number; kind: string; printed: boolean | null; reason: string | null; duplicateNumber: number | null }>).filter(
      (j) => j.ticketNumber === ticket,
    );
  };

  test('a sale is printed after it is committed, a duplicate prints DUPLICATA, a return prints too', async () => {
    const { coffee, wine, pasta, store } = env;
    const total = 2 * coffee.priceCents + wine.priceCents;
    const sale = await api(reg.url, 'POST', '/api/sales', {
      token: env.token,
      body: { lines: [{ sku: coffee.sku, quantity: 2 }, { sku: wine.sku, quantity: 1 }], payments: [cash(total + 310)] },
    });
    assert.equal(sale.status, 201, JSON.stringify(sale.body));
    const n = sale.body.number as number;

    const first = await eventually('the sale printed', async () => printer.jobs[0]);
    const { text, commands } = decodeEscPos(first);
    for (const s of [
      `Ticket n° ${n}`, store.name, `SIRET ${store.siret}`, `N° TVA ${store.vatNumber}`, `Caisse : ${env.registerName}`, `Caissier : ${env.cashierName}`,
      coffee.label, wine.label, euros(total), euros(2 * coffee.priceCents), euros(wine.priceCents), 'Espèces', euros(total + 310), 'Rendu', '3,10 €',
      'Logiciel Comptoir',
    ]) {
      assert.ok(text.includes(s), `missing ${JSON.stringify(s)} in:\n${text}`);
    }
    const receipt = await api(reg.url, 'GET', `/api/tickets/${n}/receipt`, { token: env.token });
    assert.ok(text.includes(`Signature ${receipt.body.signatureExtract}`));
    assert.ok(!text.includes('DUPLICATA'));
    assert.match(commands.at(-1)!, CUT);
    const job = await eventually('the job reported printed', async () => (await jobsFor(n)).find((j) => j.printed !== null));
    assert.deepEqual({ printed: job.printed, reason: job.reason, kind: job.kind }, { printed: true, reason: null, kind: 'ticket' });

    // A replayed sale (same clientSaleId → 200) is not printed again.
    const clientSaleId = '7b0e2c3a-4f1d-4a8e-9c2b-1d2e3f4a5b6c';
    const replayable = { clientSaleId, lines: [{ sku: pasta.sku, quantity: 1 }], payments: [cash(pasta.priceCents)] };
    const once = await api(reg.url, 'POST', '/api/sales', { token: env.token, body: replayable });
    assert.equal(once.status, 201, JSON.stringify(once.body));
    await eventually('the second job', async () => printer.jobs.length === 2);
    const again = await api(reg.url, 'POST', '/api/sales', { token: env.token, body: replayable });
    assert.equal(again.status, 200);

    const dup = await api(reg.url, 'POST', `/api/tickets/${n}/duplicates`, { token: env.token });
    assert.equal(dup.status, 201, JSON.stringify(dup.body));
    await eventually('the duplicate printed', async () => printer.jobs.length === 3);
    const reprint = decodeEscPos(printer.jobs[2]!);
    assert.ok(reprint.text.includes('DUPLICATA'), reprint.text);
    assert.ok(reprint.text.includes(`Duplicata n° ${dup.body.duplicate.number}`));
    assert.ok(reprint.text.includes(`Ticket n° ${n}`));
    assert.ok(reprint.text.includes(`SIRET ${store.siret}`));
    assert.match(reprint.commands.at(-1)!, CUT);
    const dupJob = await eventually('the duplicate job reported', async () => (await jobsFor(n)).find((j) => j.kind === 'duplicate' && j.printed !== null));
    assert.equal(dupJob.printed, true);
    assert.equal(dupJob.duplicateNumber, dup.body.duplicate.number);

    const ret = await api(reg.url, 'POST', '/api/returns', {
      token: env.token,
      body: { original: { number: n }, lines: [{ lineNo: 1, quantity: 1 }], refunds: [cash(coffee.priceCents)], approval: (await centralOfFile()).manager },
    });
    assert.equal(ret.status, 201, JSON.stringify(ret.body));
    await eventually('the return printed', async () => printer.jobs.length === 4);
    const back = decodeEscPos(printer.jobs[3]!).text;
    assert.ok(back.includes(`Retour - Ticket n° ${ret.body.number}`), back);
    assert.ok(back.includes(`Ticket d'origine n° ${n}`));
    assert.ok(back.includes(euros(-coffee.priceCents)));
    assert.equal(printer.jobs.length, 4, 'the replayed sale was not printed');
  });
});

describe('register with a printer that is down', () => {
  let env: Awaited<ReturnType<typeof startRegisterWith>>;
  let url: string;

  before(async () => {
    url = `tcp://127.0.0.1:${await deadPort()}`;
    env = await startRegisterWith(url, 'Caisse imprimante éteinte');
  });
  after(async () => {
    await env?.close();
  });

  test('the sale succeeds, the failure is reported, and the receipt stays reprintable', async () => {
    const { reg, token, coffee } = env;
    const oneCoffee = { lines: [{ sku: coffee.sku, quantity: 1 }], payments: [cash(coffee.priceCents)] };
    const sale = await api(reg.url, 'POST', '/api/sales', { token, body: oneCoffee });
    assert.equal(sale.status, 201, JSON.stringify(sale.body));
    const n = sale.body.number as number;

    const job = await eventually('the failed job reported', async () => {
      const st = await api(reg.url, 'GET', '/api/printer', { token });
      return (st.body.jobs as any[]).find((j) => j.ticketNumber === n && j.printed !== null);
    });
    assert.equal(job.printed, false);
    assert.match(job.reason, /ECONNREFUSED/);
    const st = await api(reg.url, 'GET', '/api/printer', { token });
    assert.equal(st.body.configured, true);
    assert.equal(st.body.printer, url);

    assert.equal((await api(reg.url, 'GET', `/api/tickets/${n}/receipt`, { token })).status, 200);
    const dup = await api(reg.url, 'POST', `/api/tickets/${n}/duplicates`, { token });
    assert.equal(dup.status, 201, 'a reprint is still recorded while the printer is down');
    const dupJob = await eventually('the failed duplicate job reported', async () => {
      const s = await api(reg.url, 'GET', '/api/printer', { token });
      return (s.body.jobs as any[]).find((j) => j.kind === 'duplicate' && j.printed !== null);
    });
    assert.equal(dupJob.printed, false);
    const metrics = await scrapeMetrics(reg.url, METRICS_TOKEN);
    assert.equal(promSample(metrics, 'comptoir_printer_failures_total'), 2, 'the ticket and its duplicate did not print');

    const next = await api(reg.url, 'POST', '/api/sales', { token, body: oneCoffee });
    assert.equal(next.status, 201, 'selling goes on');
  });
});

describe('register without a printer (the default)', () => {
  let env: Awaited<ReturnType<typeof startRegisterWith>>;
  before(async () => {
    env = await startRegisterWith(undefined, 'Caisse sans imprimante');
  });
  after(async () => {
    await env?.close();
  });

  test('no paper: the sale and its receipt are there, the printer is reported as not configured', async () => {
    const { reg, token, coffee } = env;
    const sale = await api(reg.url, 'POST', '/api/sales', { token, body: { lines: [{ sku: coffee.sku, quantity: 1 }], payments: [cash(coffee.priceCents)] } });
    assert.equal(sale.status, 201);
    assert.equal((await api(reg.url, 'GET', `/api/tickets/${sale.body.number}/receipt`, { token })).status, 200);
    const st = await api(reg.url, 'GET', '/api/printer', { token });
    assert.deepEqual(st.body, { configured: false, printer: null, jobs: [] });
  });
});
