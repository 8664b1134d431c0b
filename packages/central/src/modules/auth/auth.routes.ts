import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { AdminLoginRequest, LoginResponse } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { login } from './auth.service';

export function authRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post('/api/auth/login', { config: { access: 'public' }, schema: { security: [], body: AdminLoginRequest, response: { 200: LoginResponse } } }, async (request) =>
    login(ctxOf(request), request.body),
  );
}
