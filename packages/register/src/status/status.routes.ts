import type { FastifyInstance } from 'fastify';
import type { RegisterContext } from '../context';
import { authenticate } from '../auth/auth.service';
import type { AgentHandle } from '../sync/register-agent';

export function statusRoutes(app: FastifyInstance, ctx: RegisterContext, agent: AgentHandle): void {
  /** No token: the screen shows the banner before anyone logs in. */
  app.get('/api/status', async () => agent.status());

  /** Manual SOS copy: any logged-in user of the register. */
  app.post('/api/sos-copy', async (req) => {
    authenticate(ctx, req.headers.authorization);
    return agent.manualCopy();
  });
}
