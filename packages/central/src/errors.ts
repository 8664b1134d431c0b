import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { ComptoirError, type ErrorBody } from '@comptoir/protocol';

/**
 * The ONE place where failures become HTTP responses: ComptoirError → its code's status;
 * ZodError → 400 VALIDATION with the issues; Fastify's own 4xx (bad JSON, body too large…) →
 * BAD_REQUEST; anything else → 500 INTERNAL (logged, message hidden).
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof ComptoirError) {
      return reply.status(error.status).send(body(error.code, error.message, error.details));
    }
    if (error instanceof ZodError) {
      return reply.status(400).send(body('VALIDATION', 'Invalid request', { issues: error.issues }));
    }
    const fe = error as FastifyError;
    if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
      return reply.status(fe.statusCode).send(body('BAD_REQUEST', fe.message));
    }
    request.log.error({ err: error }, 'unexpected error');
    return reply.status(500).send(body('INTERNAL', 'Internal error'));
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send(body('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`));
  });
}

function body(code: string, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}
