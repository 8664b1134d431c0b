import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { KeyRotationResponse } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { actorOf } from '../auth/session.guard';
import { rotateKey } from './key-rotation.service';

export function keyRotationRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // A cashier session; the service refuses anyone but a manager (403 manager_required).
  api.post('/api/keys/rotate', { config: { access: 'cashier' }, schema: { response: { 200: KeyRotationResponse } } }, async (req) => rotateKey(ctx, actorOf(req)));
}
