import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { TrainingRequest, TrainingState } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { actorOf } from '../auth/session.guard';
import { setTraining, trainingEnabled } from './training.service';

export function trainingRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/training', { config: { access: 'cashier' }, schema: { response: { 200: TrainingState } } }, async () => ({ training: trainingEnabled(ctx) }));
  api.put('/api/training', { config: { access: 'cashier' }, schema: { body: TrainingRequest, response: { 200: TrainingState } } }, async (req) =>
    setTraining(ctx, actorOf(req), req.body.enabled),
  );
}
