import { eventPayload, type TrainingState } from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { approvalDetails, requireManager, type Approver } from '../auth/approval.service';
import { appendRecord } from '../chain/record-chain';
import type { RegisterContext } from '../context';

// Training mode (NF525, issue 10): while it is on, every sale is a training ticket signed into the
// register's `training` chain (its own gapless numbering), never into `ticket`: so it never counts
// in the X report, a Z, a grand total or the archive's ticket range, moves no stock (no ticket row,
// no movement), and central stores it without making a ticket of it (no dashboard, no FEC, no
// journal). Switching needs a manager: one signed in, or a cashier with a manager's
// `approval: {login, pin}` (approval.service.ts; 403 APPROVAL_REQUIRED `{reasons: ['training']}`
// otherwise, nothing changes). The switch and its signed event (`training_start` / `training_end`,
// naming who asked and who approved) are one transaction. The mode survives a restart
// (register_meta.training).

export function trainingEnabled(ctx: RegisterContext): boolean {
  const row = ctx.sqlite.prepare('SELECT training FROM register_meta WHERE id = 1').get() as { training: number } | undefined;
  return row?.training === 1;
}

/** `PUT /api/training {enabled, approval?}`: switches the mode (approved by a manager); the same mode again changes nothing. */
export function setTraining(ctx: RegisterContext, actor: Actor, enabled: boolean, approver: Approver | null): TrainingState {
  const approvedBy = requireManager(approver, ['training']);
  if (trainingEnabled(ctx) !== enabled) {
    ctx.sqlite.transaction(() => {
      ctx.sqlite.prepare('UPDATE register_meta SET training = ? WHERE id = 1').run(enabled ? 1 : 0);
      appendRecord(ctx, 'event', eventPayload(enabled ? 'training_start' : 'training_end', approvalDetails(actor, approvedBy)), ctx.now().toISOString());
    })();
    ctx.recordsAppended();
  }
  return { training: enabled };
}
