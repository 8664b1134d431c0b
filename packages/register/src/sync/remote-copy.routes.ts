import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { REMOTE_COPY_PATH, SosCopyResult } from '@comptoir/protocol';
import type { AgentHandle } from './register-agent';

/**
 * Central-initiated verified copy (prepare-outage): authenticated by central's HMAC headers, not by
 * a cashier session (see remote-copy.ts). Answers the copy's result, or the error (COPY_REJECTED…).
 */
export function remoteCopyRoutes(app: FastifyInstance, agent: AgentHandle): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.post(REMOTE_COPY_PATH, { config: { access: 'central' }, schema: { security: [], response: { 200: SosCopyResult } } }, async (request) =>
    agent.remoteCopy(request.headers),
  );
}
