import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { XReport } from '@comptoir/protocol';
import type { RegisterContext } from '../context';
import { xReport } from './x-report.service';

export function xReportRoutes(app: FastifyInstance, ctx: RegisterContext): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get('/api/reports/x', { config: { access: 'cashier' }, schema: { response: { 200: XReport } } }, async () => xReport(ctx));
}
