import { randomUUID } from 'node:crypto';
import type { LocalCustomer, NewCustomerRequest, TillCustomer, TillCustomersAnswer } from '@comptoir/protocol';
import type { RegisterContext } from '../context';

// Customers created at the till (issue 12 §4, docs/architecture.md §16). Phases of one customer:
//  1. created: ONE transaction writes its row of the copy's `customers` (active: the sale and the
//     invoices may name it at once, online or offline) and its row of `till_customers` (the queue,
//     pushed_at null), under a UUID made here — the id central will know it by;
//  2. pushed (sync/customer-outbox.ts) until central answers; a lost answer is pushed again and
//     central answers the same (integration by id);
//  3. answered: ONE transaction sets pushed_at and central_id. When central linked it to an existing
//     customer of the store (same e-mail or phone), that customer is upserted into the copy and the
//     till's own row deactivated; `customerInUse` maps the till's id to central's from then on, so a
//     sale or an invoice asked with the till's id (a cart that held it) names the linked customer.
// Invariants: a customer the till can sell to is in the queue or answered; a full copy (which
// replaces `customers`) is followed, in its swap transaction, by `restoreTillCustomers`, so no copy
// read before central integrated a till customer makes it disappear. Never a signed record.

type TillCustomerRow = { id: string; name: string; email: string | null; phone: string | null; created_at: string };

/** Creates the customer in the register's copy and queues it for central (one transaction). */
export function createTillCustomer(ctx: RegisterContext, req: NewCustomerRequest): LocalCustomer {
  const customer: LocalCustomer = { id: randomUUID(), name: req.name, email: req.email ?? null, phone: req.phone ?? null };
  const at = ctx.now().toISOString();
  ctx.sqlite.transaction(() => {
    ctx.sqlite.prepare('INSERT INTO customers (id, name, email, phone, active) VALUES (?, ?, ?, ?, 1)').run(customer.id, customer.name, customer.email, customer.phone);
    ctx.sqlite
      .prepare('INSERT INTO till_customers (id, name, email, phone, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(customer.id, customer.name, customer.email, customer.phone, at);
  })();
  ctx.logger.info({ customerId: customer.id }, 'customer created at the till');
  ctx.customersCreated();
  return customer;
}

/** The customer to name for `id`: central's when it linked this till's customer to an existing one, else `id`. */
export function customerInUse(ctx: RegisterContext, id: string): string {
  const row = ctx.sqlite.prepare('SELECT central_id FROM till_customers WHERE id = ? AND central_id IS NOT NULL').get(id) as { central_id: string } | undefined;
  return row?.central_id ?? id;
}

/** The oldest customers still waiting for central, at most `limit`. */
export function waitingTillCustomers(ctx: RegisterContext, limit: number): TillCustomer[] {
  const rows = ctx.sqlite
    .prepare('SELECT id, name, email, phone, created_at FROM till_customers WHERE pushed_at IS NULL ORDER BY created_at, id LIMIT ?')
    .all(limit) as TillCustomerRow[];
  return rows.map((r) => ({ id: r.id, name: r.name, email: r.email, phone: r.phone, createdAt: r.created_at }));
}

export function waitingTillCustomerCount(ctx: RegisterContext): number {
  return (ctx.sqlite.prepare('SELECT count(*) AS n FROM till_customers WHERE pushed_at IS NULL').get() as { n: number }).n;
}

/** Central's answer to a push, applied in one transaction (phase 3). */
export function applyCentralAnswer(ctx: RegisterContext, answer: TillCustomersAnswer): void {
  const at = ctx.now().toISOString();
  ctx.sqlite.transaction(() => {
    const mark = ctx.sqlite.prepare('UPDATE till_customers SET pushed_at = ?, central_id = ? WHERE id = ?');
    const upsert = ctx.sqlite.prepare('INSERT OR REPLACE INTO customers (id, name, email, phone, active) VALUES (?, ?, ?, ?, ?)');
    const deactivate = ctx.sqlite.prepare('UPDATE customers SET active = 0 WHERE id = ?');
    for (const a of answer.customers) {
      mark.run(at, a.customerId, a.id);
      if (!a.linked) continue;
      const c = a.customer;
      upsert.run(c.id, c.name, c.email, c.phone, c.active ? 1 : 0);
      deactivate.run(a.id);
    }
  })();
  const linked = answer.customers.filter((a) => a.linked).map((a) => ({ id: a.id, customerId: a.customerId }));
  ctx.logger.info({ integrated: answer.customers.length, linked }, 'till customers integrated by central');
}

/**
 * After a full copy replaced `customers` (caller holds the swap transaction): the till's customers
 * the copy lacks are put back — active unless central linked them to another customer (that one
 * comes with the copy). A customer the copy has keeps central's version (maybe edited since).
 */
export function restoreTillCustomers(ctx: RegisterContext): void {
  ctx.sqlite
    .prepare(
      `INSERT OR IGNORE INTO customers (id, name, email, phone, active)
       SELECT id, name, email, phone, CASE WHEN central_id IS NULL OR central_id = id THEN 1 ELSE 0 END FROM till_customers`,
    )
    .run();
}
