import type { FastifyInstance } from 'fastify';
import type { RegisterContext } from '../context';
import { authenticate } from '../auth/auth.service';
import { xReport } from './x-report.service';

export function xReportRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  app.get('/api/reports/x', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return xReport(ctx);
  });
}
