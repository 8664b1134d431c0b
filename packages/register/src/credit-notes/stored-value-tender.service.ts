import type { SaleRequest } from '@comptoir/protocol';
import type { Approver } from '../auth/approval.service';
import type { RegisterContext } from '../context';
import { checkSaleTenders, type SaleOutcome } from '../sales/sale.service';
import { trainingEnabled } from '../training/training.service';
import { checkStoredValueTenders, isStoredValueMethod, releaseTenders, type CheckedStoredValues } from './stored-value.service';

/**
 * A sale, with its avoir and gift-card tenders checked first (stored-value.service.ts): `commit` runs
 * the sale's one transaction; if it fails after reservations were made, they are freed (best effort).
 */
export async function sellWithStoredValues(
  ctx: RegisterContext,
  req: SaleRequest,
  approver: Approver | null,
  commit: (storedValues: CheckedStoredValues) => SaleOutcome,
): Promise<SaleOutcome> {
  // Training mode signs no spend: the sale's own transaction refuses it.
  if (!req.payments.some((p) => isStoredValueMethod(p.method)) || trainingEnabled(ctx)) return commit({ tenders: [], reasons: [] });
  const known = req.clientSaleId !== undefined && ctx.q.ticketByClientSaleId.get(req.clientSaleId) !== undefined;
  if (known) return commit({ tenders: [], reasons: [] });
  // The tender rules first (no change out of a card, the meal-voucher cap…): a tender refused for its
  // amount must leave no reservation behind. One freed later (the sale refused after the reserve) is
  // reported freed to the issuing register by its next pull (releasedStoredValueSpends, §19).
  checkSaleTenders(ctx, req);
  const checked = await checkStoredValueTenders(ctx, req, approver);
  try {
    return commit(checked);
  } catch (e) {
    await releaseTenders(ctx, checked.tenders);
    throw e;
  }
}
