import { ComptoirError, type TrainingState } from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { writeEvent } from '../chain/record-chain';
import type { RegisterContext } from '../context';

// Training mode (NF525, issue 10): while it is on, every sale is a training ticket signed into the
// register's `training` chain (its own gapless numbering), never into `ticket`: so it never counts
// in the X report, a Z, a grand total or the archive's ticket range, moves no stock (no ticket row,
// no movement), and central stores it without making a ticket of it (no dashboard, no FEC, no
// journal). Switching is a signed event (`training_start` / `training_end`) and needs a manager.
// The mode survives a restart (register_meta.training).

export function trainingEnabled(ctx: RegisterContext): boolean {
  const row = ctx.sqlite.prepare('SELECT training FROM register_meta WHERE id = 1').get() as { training: number } | undefined;
  return row?.training === 1;
}

/** `PUT /api/training {enabled}`: a manager (or an admin) switches the mode; the same mode again changes nothing. */
export function setTraining(ctx: RegisterContext, actor: Actor, enabled: boolean): TrainingState {
  if (actor.role !== 'manager' && actor.role !== 'admin') {
    throw new ComptoirError('FORBIDDEN', 'Switching training mode needs a manager', { reason: 'manager_required' });
  }
  if (trainingEnabled(ctx) !== enabled) {
    ctx.sqlite.transaction(() => {
      ctx.sqlite.prepare('UPDATE register_meta SET training = ? WHERE id = 1').run(enabled ? 1 : 0);
    })();
    writeEvent(ctx, enabled ? 'training_start' : 'training_end', { by: actor.cashierId });
  }
  return { training: enabled };
}
