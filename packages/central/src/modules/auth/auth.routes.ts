import type { FastifyInstance } from 'fastify';
import { AdminLoginRequest } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { login } from './auth.service';

export function authRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.post('/api/auth/login', { config: { access: 'public' } }, async (request) =>
    login(ctxOf(request), AdminLoginRequest.parse(request.body)),
  );
}
