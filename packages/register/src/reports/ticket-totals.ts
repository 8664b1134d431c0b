import { NO_TICKET_SUMS, addTicketSums, sumTicketSums } from '@comptoir/domain';
import type { DayTotals, TicketPayload } from '@comptoir/protocol';

// The register's sums of signed tickets (domain `ticket-sums.ts`: the same the archive verifier
// recomputes a Z with), typed with the protocol's payment methods.

export const NO_TICKETS: DayTotals = NO_TICKET_SUMS;


/** The totals of two sets of tickets together (a month is the sum of its days, a day of its tickets). */
export function addTotals(a: DayTotals, b: DayTotals): DayTotals {
  return addTicketSums(a, b);
}

/** Sums signed ticket payloads: what the X report reads and a day closure signs (so a Z always equals the X read just before it). */
export function sumTickets(tickets: Iterable<TicketPayload>): DayTotals {
  return sumTicketSums(tickets, 'cash');
}
