import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { ComptoirError, errorHeaders, httpStatusOf, type ErrorBody, type ErrorCode, type ValidationIssue } from '@comptoir/protocol';

/**
 * The ONE place, for both servers, where failures become HTTP answers `{error:{code,message,details?}}`:
 * - ComptoirError → its code's status (`packages/protocol/src/errors.ts`), its message and details;
 * - a request that fails its route's zod schema, or a ZodError thrown by a service → 400 VALIDATION,
 *   `details.issues: [{path, message}]`;
 * - a full disk (SQLITE_FULL, PostgreSQL 53100, ENOSPC) → 507 DISK_FULL: the transaction was rolled back whole;
 * - Fastify's own 4xx (malformed JSON, body too large, unsupported content type…) → that status, BAD_REQUEST;
 * - anything else, including an answer that does not match its response schema → 500 INTERNAL
 *   (logged, message hidden).
 */
export function errorAnswer(error: unknown): { status: number; body: ErrorBody; log: boolean } {
  if (error instanceof ComptoirError) return { status: error.status, body: errorBody(error.code, error.message, error.details), log: false };
  if (error instanceof ZodError) {
    return validation(error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })));
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext ?? 'body';
    return validation(error.validation.map((v) => ({ path: v.instancePath.split('/').filter(Boolean).join('.'), message: v.message ?? 'invalid' })), where);
  }
  if (isResponseSerializationError(error)) return internal();
  if (isDiskFull(error)) {
    return { status: httpStatusOf('DISK_FULL'), body: errorBody('DISK_FULL', 'The disk is full: nothing was recorded. Free some space, then try again.'), log: true };
  }
  const fe = error as FastifyError;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: errorBody('BAD_REQUEST', fe.message), log: false };
  }
  return internal();
}

/** SQLite's SQLITE_FULL (better-sqlite3) or PostgreSQL's disk_full (53100) / ENOSPC: the write was refused whole. */
function isDiskFull(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_FULL' || code === '53100' || code === 'ENOSPC';
}

export function errorBody(code: ErrorCode, message: string, details?: Record<string, unknown>): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

function validation(issues: ValidationIssue[], where = 'body'): { status: number; body: ErrorBody; log: boolean } {
  const message = issues.map((i) => `${i.path || `(${where})`}: ${i.message}`).join('; ');
  return { status: httpStatusOf('VALIDATION'), body: errorBody('VALIDATION', message || 'Invalid request', { issues }), log: false };
}

function internal(): { status: number; body: ErrorBody; log: boolean } {
  return { status: httpStatusOf('INTERNAL'), body: errorBody('INTERNAL', 'Internal error'), log: true };
}

/** Installs the answer above as the app's error handler, and a JSON 404 for unknown routes. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const { status, body, log } = errorAnswer(error);
    if (log) request.log.error({ err: error }, 'unexpected error');
    if (error instanceof ComptoirError) void reply.headers(errorHeaders(error));
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(errorBody('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`)),
  );
}

/**
 * Fastify's router refusals, which never reach the error handler (a path parameter longer than the
 * router allows: 414; a malformed URL: 400), in the same coded answer. The `frameworkErrors` option of
 * both servers' Fastify factory. Found by the HTTP fuzzer (it answered `{error, code: FST_ERR_…}`).
 */
export function frameworkErrors(error: FastifyError, _request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = errorAnswer(error);
  void reply.status(status).send(body);
}
