import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRun, type AckedTicket, type FinalState, type RegisterFinalState } from '../src/chaos/chaos-checker';

// The checker must be able to fail: a consistent state passes, and each broken invariant is named.
const ticket = (number: number, totalCents: number, qty = 1, kind: 'sale' | 'return' = 'sale') => ({
  number, kind, totalCents, signature: `sig-${number}`, lines: [{ sku: 'A', quantity: kind === 'sale' ? qty : -qty }],
});
function consistent(): { acks: AckedTicket[]; state: FinalState } {
  const tickets = [ticket(1, 100), ticket(2, 200, 2), ticket(3, -100, 1, 'return')];
  const closure = { number: 1, signature: 'z1', payload: { period: 'day', firstTicket: 1, lastTicket: 3, totalCents: 200, ticketCount: 3 } };
  const reg: RegisterFinalState = {
    registerId: 'r1', name: 'register-1',
    localTickets: tickets.map((t) => ({ ...t })), centralTickets: tickets.map((t) => ({ ...t })),
    localClosures: [closure], centralClosures: [structuredClone(closure)], pendingRecords: 0, blockedChains: [],
  };
  const acks: AckedTicket[] = tickets.map((t, i) => ({ registerId: 'r1', number: t.number, kind: t.kind, totalCents: t.totalCents, signature: t.signature, clientSaleId: `c${i}`, replayed: false }));
  return { acks, state: { registers: [reg], initialStock: new Map([['A', 10]]), finalStock: new Map([['A', 8]]), verify: [{ where: 'central', code: 0, output: '' }] } };
}

test('a consistent history passes', () => {
  const { acks, state } = consistent();
  assert.deepEqual(checkRun(acks, state), []);
});

const cases: [string, RegExp, (c: ReturnType<typeof consistent>) => void][] = [
  ['acknowledged ticket lost at central', /acknowledged ticket #2 is at central 0 times/, (c) => { c.state.registers[0]!.centralTickets.splice(1, 1); }],
  ['ticket twice at central', /#1 is at central 2 times/, (c) => { c.state.registers[0]!.centralTickets.push(ticket(1, 100)); }],
  ['a clientSaleId naming two tickets', /clientSaleId c0 acknowledged as r1#1 and as r1#2/, (c) => { c.acks.push({ ...c.acks[1]!, clientSaleId: 'c0' }); }],
  ['gap in the numbering', /not 1\.\.2/, (c) => { c.state.registers[0]!.localTickets.splice(1, 1); }],
  ['stock moved twice', /stock of A: 7 at central, expected 8/, (c) => { c.state.finalStock.set('A', 7); }],
  ['Z not equal to its tickets', /Z #1 says 250 cents, its tickets sum to 200/, (c) => { c.state.registers[0]!.centralClosures[0]!.payload.totalCents = 250; }],
  ['the two ends disagree', /ticket #3 differs between register and central/, (c) => { c.state.registers[0]!.localTickets[2]!.signature = 'other'; }],
  ['outbox not drained', /1 records still in the outbox/, (c) => { c.state.registers[0]!.pendingRecords = 1; }],
  ['verify refused a chain', /comptoir verify central exited 1/, (c) => { c.state.verify[0] = { where: 'central', code: 1, output: 'chain broken' }; }],
];
for (const [what, expected, breakIt] of cases) {
  test(`the checker reports: ${what}`, () => {
    const c = consistent();
    breakIt(c);
    const violations = checkRun(c.acks, c.state);
    assert.ok(violations.some((v) => expected.test(v)), `expected ${expected} in ${JSON.stringify(violations)}`);
  });
}
