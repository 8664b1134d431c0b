import { MAX_CUSTOMER_PUSH } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { applyCentralAnswer, waitingTillCustomerCount, waitingTillCustomers } from '../customers/till-customer.service';
import { CentralCallError, type CentralClient } from './central-client';

/**
 * The queue of customers created at this till on their way to central (`till_customers` rows with
 * `pushed_at` null; phases in customers/till-customer.service.ts). A separate queue from the record
 * outbox on purpose: that one carries signed records in chain order, acknowledged by chain heads; a
 * customer is no fiscal record, has no chain, and must never block or be blocked by one. Invariants:
 * - a row is written in the same transaction as the customer, so every customer the till can sell
 *   to reaches central; it leaves the queue only in the transaction that applies central's answer;
 * - ONE push in flight, ≤ MAX_CUSTOMER_PUSH customers, oldest first, only while the link can push;
 * - pushed after each creation, at start, and after every answered heartbeat while any waits: so
 *   after a reintegration, and a failed push (network, 5xx, busy, refusal) is retried at the
 *   heartbeat's pace; failures are logged and never reported to the link monitor (heartbeats judge
 *   the link). A push central refuses (a 4xx: not expected, the register checks the same rules
 *   first) is retried and logged the same way, and holds back the customers queued after it;
 * - central integrates by the customer's UUID: a push whose answer was lost is pushed again and
 *   answered the same, never a second customer.
 */
export class CustomerOutbox {
  private running = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly ctx: RegisterContext,
    private readonly client: CentralClient,
    private readonly canPush: () => boolean,
  ) {}

  /** Pushes what waits, on the next turn of the loop (joins a push in flight). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    setImmediate(() => {
      void this.run().finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
    });
  }

  /** After an answered heartbeat: push when any customer waits. */
  kickIfWaiting(): void {
    if (waitingTillCustomerCount(this.ctx) > 0) this.kick();
  }

  stop(): void {
    this.stopped = true;
  }

  private async run(): Promise<void> {
    for (;;) {
      if (this.stopped || !this.ctx.identity || !this.canPush()) return;
      const customers = waitingTillCustomers(this.ctx, MAX_CUSTOMER_PUSH);
      if (customers.length === 0) return;
      try {
        applyCentralAnswer(this.ctx, await this.client.pushCustomers({ customers }));
      } catch (e) {
        if (!(e instanceof CentralCallError)) this.ctx.logger.error({ err: e }, 'customer push crashed');
        else this.ctx.logger.warn({ status: e.status, code: e.code, waiting: customers.length }, `customer push failed (retried after the next heartbeat): ${e.message}`);
        return;
      }
    }
  }
}
