import { buildReturnLines, priceLines } from '@comptoir/domain';
import { ComptoirError, refuseGiftCardReturn, type ReturnableTicket, type ReturnQuote, type ReturnQuoteRequest, type TicketPayload } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { getTicket } from '../sales/ticket.service';
import { storeTicket } from './store-return.service';

// Read-only side of returns for the cashier screen: what is still returnable, and the exact refund
// a return would give (the same domain functions `createReturn` uses, so the screen proposes the
// amount the register will accept). Nothing here writes. A ticket of another register of the store
// is read from central (connected only: 503 UNAVAILABLE_OFFLINE otherwise).

const isOther = (ctx: RegisterContext, registerId: string | undefined): registerId is string =>
  registerId !== undefined && registerId !== ctx.identity?.registerId;

function returnedSoFar(ctx: RegisterContext, number: number): Record<number, number> {
  const already: Record<number, number> = {};
  for (const r of ctx.q.returnedByLine.all(number)) already[r.line_no] = r.quantity;
  return already;
}

export async function returnableTicket(ctx: RegisterContext, number: number, registerId?: string): Promise<ReturnableTicket> {
  if (isOther(ctx, registerId)) {
    const other = await storeTicket(ctx, registerId, number);
    if (other.ticket.kind !== 'sale') throw new ComptoirError('RETURN_REFUSED', `Ticket ${number} is a return, not a sale`);
    return other;
  }
  const ticket = await getTicket(ctx, number);
  if (ticket.kind !== 'sale') throw new ComptoirError('RETURN_REFUSED', `Ticket ${number} is a return, not a sale`);
  refuseGiftCardReturn(ticket, number);
  const already = returnedSoFar(ctx, number);
  return { ticket, lines: ticket.lines.map((l) => ({ lineNo: l.lineNo, sold: l.quantity, returned: already[l.lineNo] ?? 0 })) };
}

export async function quoteReturn(ctx: RegisterContext, req: ReturnQuoteRequest): Promise<ReturnQuote> {
  let lines: TicketPayload['lines'];
  let already: Record<number, number>;
  if (isOther(ctx, req.original.registerId)) {
    const other = await returnableTicket(ctx, req.original.number, req.original.registerId);
    lines = other.ticket.lines;
    already = Object.fromEntries(other.lines.map((l) => [l.lineNo, l.returned]));
  } else {
    const original = ctx.q.ticketByNumber.get(req.original.number);
    if (!original || original.kind !== 'sale') {
      throw new ComptoirError('RETURN_REFUSED', `No sale numbered ${req.original.number} on this register`);
    }
    lines = (JSON.parse(ctx.q.recordByKey.get('ticket', original.number)!.payload) as TicketPayload).lines;
    already = returnedSoFar(ctx, original.number);
  }
  const built = buildReturnLines(lines, already, req.lines);
  if (!built.ok) throw new ComptoirError('RETURN_REFUSED', built.message, { reason: built.code });
  const cart = priceLines(built.value);
  if (!cart.ok) throw new ComptoirError('RETURN_REFUSED', cart.message, { reason: cart.code });
  return { totalCents: cart.value.totalCents, lines: cart.value.lines, vat: cart.value.vat };
}
