import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { Receipt, ReceiptStore, TicketNumberParams, TicketReferenceLookup, TicketReferenceParams } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { actorOf } from '../auth/session.guard';
import { buildReceipt, printDuplicate } from './receipt.service';
import { printerStatus, receiptPrinterOf } from './receipt-printer';
import { readStoreIdentity } from './store-identity.service';
import { lookupTicketReference } from './ticket-reference.service';

export function receiptRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/store', { config: { access: 'cashier' }, schema: { response: { 200: ReceiptStore } } }, async () => readStoreIdentity(ctx));

  api.get('/api/tickets/:number/receipt', { config: { access: 'cashier' }, schema: { params: TicketNumberParams, response: { 200: Receipt } } }, async (req) =>
    buildReceipt(ctx, req.params.number),
  );

  /** The ticket a printed reference names (`S01-C2-000123`, the receipt's barcode): this register's or another's of the store. */
  api.get(
    '/api/ticket-references/:reference',
    { config: { access: 'cashier' }, schema: { params: TicketReferenceParams, response: { 200: TicketReferenceLookup } } },
    async (req) => lookupTicketReference(ctx, req.params.reference),
  );

  /** A reprint: a signed record of the `duplicate` chain (sent to the printer after the answer). */
  api.post('/api/tickets/:number/duplicates', { config: { access: 'cashier' }, schema: { params: TicketNumberParams, response: { 201: Receipt } } }, async (req, reply) => {
    const receipt = await printDuplicate(ctx, req.params.number, actorOf(req));
    const printer = receiptPrinterOf(ctx);
    if (printer) afterResponse.set(req, () => void printer.print(receipt));
    return reply.code(201).send(receipt);
  });

  /** The receipt printer: configured or not, and the outcome of the recent print jobs (no schema yet: `PrinterStatus`). */
  api.get('/api/printer', { config: { access: 'cashier' } }, async () => printerStatus(ctx));

  // Every new sale or return (201) is printed once its answer has been sent: the commit and the
  // acknowledgement never wait for paper. A replayed sale (200, same clientSaleId) is not reprinted.
  if (!receiptPrinterOf(ctx)) return;
  const printed = new Set(['/api/sales', '/api/returns']);
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'POST' || reply.statusCode !== 201 || !printed.has(req.routeOptions.url ?? '')) return payload;
    const number = typeof payload === 'string' ? ticketNumberOf(payload) : null;
    if (number !== null) afterResponse.set(req, () => void printTicket(ctx, number));
    return payload;
  });
  app.addHook('onResponse', async (req) => {
    const job = afterResponse.get(req);
    afterResponse.delete(req);
    job?.();
  });
}

const afterResponse = new WeakMap<FastifyRequest, () => void>();

function ticketNumberOf(body: string): number | null {
  try {
    const sale = JSON.parse(body) as { number?: unknown; training?: unknown };
    // A training ticket is not a ticket of the ticket chain: its number would print another ticket's receipt.
    if (sale.training === true) return null;
    const n = sale.number;
    return typeof n === 'number' && Number.isInteger(n) ? n : null;
  } catch {
    return null;
  }
}

async function printTicket(ctx: RegisterContext, number: number): Promise<void> {
  const printer = receiptPrinterOf(ctx);
  if (!printer) return;
  try {
    await printer.print(await buildReceipt(ctx, number));
  } catch (e) {
    printer.recordFailure(number, `receipt not built: ${e instanceof Error ? e.message : String(e)}`);
  }
}
