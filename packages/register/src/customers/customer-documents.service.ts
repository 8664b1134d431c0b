import { ComptoirError, type CustomerDocuments } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { getTicket } from '../sales/ticket.service';

/**
 * A customer's documents as this register knows them: its own tickets for the customer, most
 * recent first, each with its integration time (null while it waits in the outbox). Read from the
 * local database only, so the answer is the same connected or autonomous.
 */
export async function customerDocuments(ctx: RegisterContext, customerId: string, limit = 100): Promise<CustomerDocuments> {
  const customer = ctx.sqlite.prepare('SELECT id, name, email, phone FROM customers WHERE id = ?').get(customerId) as
    | CustomerDocuments['customer']
    | undefined;
  if (!customer) throw new ComptoirError('NOT_FOUND', `Unknown customer: ${customerId}`);
  const numbers = ctx.sqlite
    .prepare('SELECT number FROM tickets WHERE customer_id = ? ORDER BY number DESC LIMIT ?')
    .all(customerId, limit) as { number: number }[];
  const { n } = ctx.sqlite.prepare('SELECT count(*) AS n FROM tickets WHERE customer_id = ?').get(customerId) as { n: number };
  const items = [];
  for (const { number } of numbers) items.push(await getTicket(ctx, number));
  return { customer, source: 'local', items, total: n };
}
