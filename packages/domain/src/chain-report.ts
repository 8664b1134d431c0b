import { verifyChain, type PublicKeys, type SignedRecord } from './signing';

/** The verdict on one whole chain of one register, as `comptoir verify` prints it. */
export type ChainReport = {
  registerId: string;
  chain: string;
  records: number;
  ok: boolean;
  /** Where and why the chain breaks. */
  problem?: string;
  /** Where a chain held only in part was checked from (its purged months: what anchored it). */
  note?: string;
};

/** One line of `comptoir verify` (and of a backup's check) for a chain's verdict. */
export function chainReportLine(r: ChainReport): string {
  return `${r.ok ? 'ok   ' : 'BROKEN'} register ${r.registerId} chain ${r.chain}: ${r.records} records${r.note ? ` (${r.note})` : ''}${r.problem ? ` — ${r.problem}` : ''}`;
}

const REASONS = {
  gap: 'a number is missing (the chain must be gapless from 1)',
  prev_mismatch: "its previous signature is not the previous record's signature",
  bad_signature: 'its signature does not verify with the register public key',
} as const;

/** Where a chain kept on this database starts when it does not start at 1 (a replaced till continues central's chain). */
export type ChainAnchor = { number: number; signature: string };

/**
 * Checks a whole chain, which must start at number 1 (a stored chain is never partial) or, with an
 * `anchor`, right after it (its first record following the anchor's signature).
 */
export function reportChain(registerId: string, chain: string, records: readonly SignedRecord[], publicKeys: PublicKeys, anchor?: ChainAnchor): ChainReport {
  const base = { registerId, chain, records: records.length };
  const first = (anchor?.number ?? 0) + 1;
  if (records.length > 0 && records[0]!.number !== first) {
    return { ...base, ok: false, problem: `record ${records[0]!.number}: the chain does not start at ${first}` };
  }
  if (anchor && records.length > 0 && records[0]!.prevSignature !== anchor.signature) {
    return { ...base, ok: false, problem: `record ${first}: ${REASONS.prev_mismatch} (the head this till continued from)` };
  }
  const check = verifyChain(records, publicKeys);
  if (check.ok) return { ...base, ok: true };
  if (check.reason === 'key_not_valid') {
    return { ...base, ok: false, problem: `record ${check.number}: signed with key ${check.keyId.slice(0, 16)}… outside its validity (${check.detail})` };
  }
  return { ...base, ok: false, problem: `record ${check.number}: ${REASONS[check.reason]}` };
}
