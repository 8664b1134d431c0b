import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { RouteDeps } from '../../routes';

export function healthRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  app.get('/api/health', { config: { access: 'public' } }, async (request) => {
    const ctx = ctxOf(request);
    await sql`select 1`.execute(ctx.db);
    return { ok: true as const, database: ctx.dialect };
  });
}
