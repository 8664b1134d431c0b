import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { ComptoirError, type ErrorBody } from '@comptoir/protocol';

/** The ONE place that turns failures into HTTP answers `{error:{code,message,details?}}`. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    let status: number;
    let body: ErrorBody;
    if (error instanceof ComptoirError) {
      status = error.status;
      body = { error: { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) } };
    } else if (error instanceof ZodError) {
      status = 400;
      body = {
        error: {
          code: 'VALIDATION',
          message: error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '),
          details: { issues: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) },
        },
      };
    } else if ('statusCode' in error && typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
      // Fastify's own refusals (malformed JSON, body too large, wrong content type…).
      status = error.statusCode;
      body = { error: { code: status === 400 ? 'VALIDATION' : 'BAD_REQUEST', message: error.message } };
    } else {
      request.log.error({ err: error }, 'unexpected error');
      status = 500;
      body = { error: { code: 'INTERNAL', message: 'Internal error' } };
    }
    return reply.code(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url}` } } satisfies ErrorBody),
  );
}
