import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { TrainingRequest, TrainingState } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { actorOf } from '../auth/session.guard';
import { approverOf } from '../auth/approval.service';
import { setTraining, trainingEnabled } from './training.service';

/** Training mode: any cashier reads it; switching it needs a manager's approval (training.service). */
export function trainingRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/training', { config: { access: 'cashier' }, schema: { response: { 200: TrainingState } } }, async () => ({ training: trainingEnabled(ctx) }));
  api.put('/api/training', { config: { access: 'cashier' }, schema: { body: TrainingRequest, response: { 200: TrainingState } } }, async (req) => {
    const actor = actorOf(req);
    return setTraining(ctx, actor, req.body.enabled, await approverOf(ctx, actor, req.body.approval, req.ip));
  });
}
