import { verifyChain, type PublicKeys, type SignedRecord } from './signing';

/** The verdict on one whole chain of one register, as `comptoir verify` prints it. */
export type ChainReport = {
  registerId: string;
  chain: string;
  records: number;
  ok: boolean;
  /** Where and why the chain breaks. */
  problem?: string;
};

const REASONS = {
  gap: 'a number is missing (the chain must be gapless from 1)',
  prev_mismatch: "its previous signature is not the previous record's signature",
  bad_signature: 'its signature does not verify with the register public key',
} as const;

/** Checks a whole chain, which must start at number 1 (a stored chain is never partial). */
export function reportChain(registerId: string, chain: string, records: readonly SignedRecord[], publicKeys: PublicKeys): ChainReport {
  const base = { registerId, chain, records: records.length };
  if (records.length > 0 && records[0]!.number !== 1) {
    return { ...base, ok: false, problem: `record ${records[0]!.number}: the chain does not start at 1` };
  }
  const check = verifyChain(records, publicKeys);
  if (check.ok) return { ...base, ok: true };
  return { ...base, ok: false, problem: `record ${check.number}: ${REASONS[check.reason]}` };
}
