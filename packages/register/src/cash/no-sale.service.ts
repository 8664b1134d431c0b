import { ComptoirError, type DrawerOpening, type DrawerOpenRequest, type EventPayload } from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { approvalDetails, requireManager, type Approver } from '../auth/approval.service';
import { writeEvent } from '../chain/record-chain';
import { recordEntries } from '../chain/record-entries';
import type { RegisterContext } from '../context';
import { journalEvent } from '../events/event-journal.service';
import { receiptPrinterOf } from '../receipts/receipt-printer';

// Opening the cash drawer without a sale (a "no sale", issue 9 item 7, NF525 JET), online or offline.
// Phases: (1) the approval: a manager signed in, or a cashier with a manager's `approval` (checked by
// the route before, approval.service.ts); none → 403 APPROVAL_REQUIRED `{reasons: ['no_sale']}`
// and nothing is signed nor kicked. (2) The `drawer_opened_no_sale` event (code 1090) is signed in
// the `event` chain, naming who asked, who approved and why; it is pushed to central with the
// other records. (3) Only then the drawer's pulse goes to the receipt printer, when one is
// configured: a printer that is down leaves the event signed (the opening was asked and approved)
// and the answer says the drawer did not open. Invariant: no pulse without its signed event before it.

export async function openDrawerWithoutSale(ctx: RegisterContext, actor: Actor, req: DrawerOpenRequest, approver: Approver | null): Promise<DrawerOpening> {
  const identity = ctx.identity;
  if (!identity) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const approvedBy = requireManager(approver, ['no_sale']);
  const details = { ...approvalDetails(actor, approvedBy), reason: req.reason };
  const appended = writeEvent(ctx, 'drawer_opened_no_sale', details);
  // The answer is the event as the journal lists it (read back from the chain).
  const [entry] = recordEntries<EventPayload>(ctx, 'event', 'AND r.number = ?', appended.number);
  const event = journalEvent(identity.registerId, entry!);
  const printer = receiptPrinterOf(ctx);
  if (!printer) return { event, kick: 'no_printer', kickError: null };
  const kick = await printer.kickDrawer();
  return { event, kick: kick.sent ? 'sent' : 'failed', kickError: kick.reason };
}
