import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { RegisterStatus, SosCopyResult } from '@comptoir/protocol';
import type { AgentHandle } from '../sync/register-agent';

export function statusRoutes(app: FastifyInstance, agent: AgentHandle): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  /** No token: the screen shows the banner before anyone logs in. */
  api.get('/api/status', { config: { access: 'public' }, schema: { security: [], response: { 200: RegisterStatus } } }, async () => agent.status());

  /** Manual SOS copy: any logged-in user of the register. */
  api.post('/api/sos-copy', { config: { access: 'cashier' }, schema: { response: { 200: SosCopyResult } } }, async () => agent.manualCopy());
}
