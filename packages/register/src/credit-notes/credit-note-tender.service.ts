import type { SaleRequest } from '@comptoir/protocol';
import type { Approver } from '../auth/approval.service';
import type { RegisterContext } from '../context';
import type { SaleOutcome } from '../sales/sale.service';
import { trainingEnabled } from '../training/training.service';
import { checkCreditNoteTenders, releaseTenders, type CreditNoteTender } from './credit-note.service';

/**
 * A sale, with its avoir tenders checked first (credit-note.service.ts): `commit` runs the sale's
 * one transaction; if it fails after reservations were made, they are freed (best effort).
 */
export async function sellWithCreditNotes(
  ctx: RegisterContext,
  req: SaleRequest,
  approver: Approver | null,
  commit: (creditNotes: { tenders: CreditNoteTender[]; reasons: string[] }) => SaleOutcome,
): Promise<SaleOutcome> {
  // Training mode signs no avoir spend: the sale's own transaction refuses it.
  if (!req.payments.some((p) => p.method === 'credit_note') || trainingEnabled(ctx)) return commit({ tenders: [], reasons: [] });
  const known = req.clientSaleId !== undefined && ctx.q.ticketByClientSaleId.get(req.clientSaleId) !== undefined;
  if (known) return commit({ tenders: [], reasons: [] });
  const checked = await checkCreditNoteTenders(ctx, req, approver);
  try {
    return commit(checked);
  } catch (e) {
    await releaseTenders(ctx, checked.tenders);
    throw e;
  }
}
