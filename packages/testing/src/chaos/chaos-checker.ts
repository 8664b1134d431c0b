// The chaos run's checker: pure functions over the recorded history and the final state read from
// central and from every register once the run is quiet. Each violated invariant is one line in the
// answer; an empty list means the run kept every promise. Invariants checked:
//  1. every acknowledged sale/return (a 201, or a 200 for a repeated clientSaleId) is at central
//     exactly once, with the number, total and signature the seller was given;
//  2. a clientSaleId always named the same ticket (retries never made a second one);
//  3. per register, ticket numbers are gapless (1..N) at both ends;
//  4. stock at central = initial − sold + returned, summed over every ticket central holds;
//  5. every day closure (Z) equals the sum of its tickets, and consecutive Zs leave no ticket out;
//  6. register and central agree on every ticket and every closure (same numbers, totals, signatures);
//  7. `comptoir verify` accepts the chains at both ends.

export interface AckedTicket {
  registerId: string;
  number: number;
  kind: 'sale' | 'return';
  totalCents: number;
  signature: string;
  clientSaleId: string;
  /** True when the acknowledgement was a 200 to a repeated request. */
  replayed: boolean;
}

export interface TicketView {
  number: number;
  kind: 'sale' | 'return';
  totalCents: number;
  signature: string;
  lines?: { sku: string; quantity: number }[];
}

export interface ClosureView {
  number: number;
  signature: string;
  payload: { period: string; firstTicket: number | null; lastTicket: number; totalCents: number; ticketCount: number };
}

export interface RegisterFinalState {
  registerId: string;
  name: string;
  localTickets: TicketView[];
  centralTickets: TicketView[];
  localClosures: ClosureView[];
  centralClosures: ClosureView[];
  pendingRecords: number;
  blockedChains: string[];
}

export interface FinalState {
  registers: RegisterFinalState[];
  initialStock: Map<string, number>;
  finalStock: Map<string, number>;
  verify: { where: string; code: number | null; output: string }[];
}

export function checkRun(acks: readonly AckedTicket[], state: FinalState): string[] {
  const violations: string[] = [];
  const fail = (msg: string) => {
    if (violations.length < 200) violations.push(msg);
  };

  // 2. one ticket per clientSaleId.
  const byClientId = new Map<string, AckedTicket>();
  for (const a of acks) {
    const seen = byClientId.get(a.clientSaleId);
    if (seen && (seen.registerId !== a.registerId || seen.number !== a.number)) {
      fail(`clientSaleId ${a.clientSaleId} acknowledged as ${seen.registerId}#${seen.number} and as ${a.registerId}#${a.number}`);
    }
    if (!seen) byClientId.set(a.clientSaleId, a);
  }

  const regs = new Map(state.registers.map((r) => [r.registerId, r]));
  for (const a of acks) {
    const r = regs.get(a.registerId);
    if (!r) {
      fail(`acknowledged ticket ${a.registerId}#${a.number}: unknown register`);
      continue;
    }
    // 1. exactly once at central, as acknowledged.
    const at = r.centralTickets.filter((t) => t.number === a.number);
    if (at.length !== 1) fail(`${r.name}: acknowledged ticket #${a.number} is at central ${at.length} times`);
    else if (at[0]!.totalCents !== a.totalCents || at[0]!.signature !== a.signature || at[0]!.kind !== a.kind) {
      fail(`${r.name}: ticket #${a.number} at central differs from its acknowledgement (${at[0]!.totalCents} vs ${a.totalCents} cents)`);
    }
  }

  const soldBySku = new Map<string, number>();
  for (const r of state.registers) {
    if (r.pendingRecords !== 0) fail(`${r.name}: ${r.pendingRecords} records still in the outbox after the heal`);
    if (r.blockedChains.length) fail(`${r.name}: chains blocked by central: ${r.blockedChains.join(', ')}`);

    // 3. gapless numbering at both ends.
    for (const [where, list] of [['register', r.localTickets], ['central', r.centralTickets]] as const) {
      const numbers = list.map((t) => t.number).sort((x, y) => x - y);
      for (let i = 0; i < numbers.length; i++) {
        if (numbers[i] !== i + 1) {
          fail(`${r.name}: ticket numbers at the ${where} are not 1..${numbers.length} (position ${i + 1} holds #${numbers[i]})`);
          break;
        }
      }
    }

    // 6. both ends agree on every ticket.
    const central = new Map(r.centralTickets.map((t) => [t.number, t]));
    if (r.localTickets.length !== r.centralTickets.length) {
      fail(`${r.name}: ${r.localTickets.length} tickets at the register, ${r.centralTickets.length} at central`);
    }
    for (const t of r.localTickets) {
      const c = central.get(t.number);
      if (!c) fail(`${r.name}: ticket #${t.number} is at the register, not at central`);
      else if (c.signature !== t.signature || c.totalCents !== t.totalCents || c.kind !== t.kind) {
        fail(`${r.name}: ticket #${t.number} differs between register and central`);
      }
    }

    // 4. (collect) what every ticket central holds moved.
    for (const t of r.centralTickets) {
      for (const l of t.lines ?? []) soldBySku.set(l.sku, (soldBySku.get(l.sku) ?? 0) + l.quantity);
    }

    // 5. every Z is the sum of its tickets; Zs follow each other without a hole.
    const days = r.centralClosures.filter((c) => c.payload.period === 'day').sort((x, y) => x.number - y.number);
    let previousLast = 0;
    for (const z of days) {
      const { firstTicket, lastTicket, totalCents, ticketCount } = z.payload;
      if (firstTicket !== null && firstTicket !== previousLast + 1) {
        fail(`${r.name}: Z #${z.number} starts at ticket ${firstTicket}, the previous Z ended at ${previousLast}`);
      }
      let sum = 0;
      let count = 0;
      for (let n = firstTicket ?? lastTicket + 1; n <= lastTicket; n++) {
        const t = central.get(n);
        if (!t) {
          fail(`${r.name}: Z #${z.number} covers ticket #${n}, which central does not hold`);
          continue;
        }
        sum += t.totalCents;
        count++;
      }
      if (sum !== totalCents) fail(`${r.name}: Z #${z.number} says ${totalCents} cents, its tickets sum to ${sum}`);
      if (count !== ticketCount) fail(`${r.name}: Z #${z.number} says ${ticketCount} tickets, it covers ${count}`);
      previousLast = lastTicket;
    }
    const centralZ = new Map(r.centralClosures.map((c) => [c.number, c]));
    if (r.localClosures.length !== r.centralClosures.length) {
      fail(`${r.name}: ${r.localClosures.length} closures at the register, ${r.centralClosures.length} at central`);
    }
    for (const z of r.localClosures) {
      if (centralZ.get(z.number)?.signature !== z.signature) fail(`${r.name}: closure #${z.number} differs between register and central`);
    }
  }

  // 4. stock = initial − sold + returned (return lines carry negative quantities).
  for (const [sku, initial] of state.initialStock) {
    const expected = initial - (soldBySku.get(sku) ?? 0);
    const got = state.finalStock.get(sku);
    if (got !== expected) fail(`stock of ${sku}: ${String(got)} at central, expected ${expected} (initial ${initial} − net sold ${soldBySku.get(sku) ?? 0})`);
  }
  for (const sku of soldBySku.keys()) if (!state.initialStock.has(sku)) fail(`stock of ${sku}: sold but not followed`);

  // 7. chains verify at both ends.
  for (const v of state.verify) if (v.code !== 0) fail(`comptoir verify ${v.where} exited ${String(v.code)}: ${v.output.trim().split('\n').slice(-3).join(' | ')}`);

  return violations;
}
