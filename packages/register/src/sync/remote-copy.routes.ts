import type { FastifyInstance } from 'fastify';
import { REMOTE_COPY_PATH } from '@comptoir/protocol';
import type { AgentHandle } from './register-agent';

/**
 * Central-initiated verified copy (prepare-outage): authenticated by central's HMAC headers, not by
 * a cashier session (see remote-copy.ts). Answers the copy's result, or the error (COPY_REJECTED…).
 */
export function remoteCopyRoutes(app: FastifyInstance, agent: AgentHandle): void {
  app.post(REMOTE_COPY_PATH, async (request) => agent.remoteCopy(request.headers));
}
