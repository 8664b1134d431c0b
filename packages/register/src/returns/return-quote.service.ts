import { buildReturnLines, priceLines } from '@comptoir/domain';
import { ComptoirError, type ReturnableTicket, type ReturnQuote, type ReturnQuoteRequest, type TicketPayload } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { getTicket } from '../sales/ticket.service';

// Read-only side of returns for the cashier screen: what is still returnable, and the exact refund
// a return would give (the same domain functions `createReturn` uses, so the screen proposes the
// amount the register will accept). Nothing here writes.

function returnedSoFar(ctx: RegisterContext, number: number): Record<number, number> {
  const already: Record<number, number> = {};
  for (const r of ctx.q.returnedByLine.all(number)) already[r.line_no] = r.quantity;
  return already;
}

export async function returnableTicket(ctx: RegisterContext, number: number): Promise<ReturnableTicket> {
  const ticket = await getTicket(ctx, number);
  if (ticket.kind !== 'sale') throw new ComptoirError('RETURN_REFUSED', `Ticket ${number} is a return, not a sale`);
  const already = returnedSoFar(ctx, number);
  return { ticket, lines: ticket.lines.map((l) => ({ lineNo: l.lineNo, sold: l.quantity, returned: already[l.lineNo] ?? 0 })) };
}

export function quoteReturn(ctx: RegisterContext, req: ReturnQuoteRequest): ReturnQuote {
  const original = ctx.q.ticketByNumber.get(req.original.number);
  if (!original || original.kind !== 'sale') {
    throw new ComptoirError('RETURN_REFUSED', `No sale numbered ${req.original.number} on this register`);
  }
  const payload = JSON.parse(ctx.q.recordByKey.get('ticket', original.number)!.payload) as TicketPayload;
  const built = buildReturnLines(payload.lines, returnedSoFar(ctx, original.number), req.lines);
  if (!built.ok) throw new ComptoirError('RETURN_REFUSED', built.message, { reason: built.code });
  const cart = priceLines(built.value);
  if (!cart.ok) throw new ComptoirError('RETURN_REFUSED', cart.message, { reason: cart.code });
  return { totalCents: cart.value.totalCents, lines: cart.value.lines, vat: cart.value.vat };
}
