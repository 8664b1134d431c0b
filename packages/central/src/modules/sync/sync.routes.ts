import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { ChangesQuery, ChangesResponse, CopyQuery, copyExtrasOf, HeartbeatRequest, HeartbeatResponse, PushRequest, PushResponse, SNAPSHOT_STREAM_TYPE, Snapshot } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { registerOf } from '../auth/auth.guard';
import { pushRecords, type RawRecord } from './ingest.service';
import { DEFAULT_SOS_DOCUMENTS_PER_CUSTOMER, changesSince, heartbeat, snapshot } from './sync.service';
import { snapshotStream } from './snapshot-stream.service';

/** A push of 500 signed tickets is well under this (every other route: 64 KB). */
const PUSH_BODY_LIMIT = 32 * 1024 * 1024;

/** Each push request's body as received: its JSON text and its records before the schema normalised them. */
const received = new WeakMap<object, { text: string; records: RawRecord[] }>();

// The sync API: register tokens only (enrolment, which has no token yet, lives in registers).
export function syncRoutes(app: FastifyInstance, { ctxOf, heartbeatIntervalMs, sosDocumentsPerCustomer, metrics, admission }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  // The push route lives in its own scope, whose JSON parser also keeps the body as received:
  // signatures are checked against the records exactly as sent (the validated copy may be
  // normalised), and signature workers parse the text themselves (one string copy).
  api.register(async (scope) => {
    const parseJson = scope.getDefaultJsonParser('error', 'error');
    scope.removeContentTypeParser('application/json');
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: PUSH_BODY_LIMIT }, (request, body, done) => {
      parseJson(request, body as string, (err, value) => {
        if (!err) received.set(request, { text: body as string, records: arrayOrEmpty((value as { records?: unknown } | null)?.records) });
        done(err, value);
      });
    });
    // A refused body is counted with the other refused pushes (attachValidation: thrown inside).
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/sync/push',
      { config: { access: 'register' }, onRequest: admission.push.onRequest, bodyLimit: PUSH_BODY_LIMIT, attachValidation: true, schema: { body: PushRequest, response: { 200: PushResponse } } },
      async (request) => {
        const raw = received.get(request);
        return metrics.push(raw?.records.length ?? 0, async () => {
          if (request.validationError) throw request.validationError;
          const ctx = ctxOf(request);
          const register = registerOf(request);
          let res: Awaited<ReturnType<typeof pushRecords>>;
          try {
            res = await pushRecords(ctx, register, request.body.records, raw?.records ?? [], raw?.text);
          } catch (e) {
            // Refused (maybe after a part was integrated): the heads every instance remembers may be stale.
            await ctx.presence?.forgetHeads(ctx, register.registerId);
            throw e;
          }
          // Committed: these are the register's heads now (the next heartbeat reads nothing); other instances forget theirs.
          await ctx.presence?.headsIntegrated(ctx, register.registerId, res.heads);
          return res;
        });
      },
    );
  });
  api.post('/api/sync/heartbeat', { config: { access: 'register' }, schema: { body: HeartbeatRequest, response: { 200: HeartbeatResponse } } }, async (request) =>
    heartbeat(ctxOf(request), registerOf(request).registerId, request.body, heartbeatIntervalMs, request.ip),
  );
  api.get('/api/sync/snapshot', { config: { access: 'register' }, onRequest: admission.copy.onRequest, schema: { querystring: CopyQuery, response: { 200: Snapshot } } }, async (request) => {
    const reg = registerOf(request);
    return snapshot(ctxOf(request), reg.storeId, reg.registerId, sosDocumentsPerCustomer ?? DEFAULT_SOS_DOCUMENTS_PER_CUSTOMER, copyExtrasOf(request.query.with));
  });
  /** The streamed copy (NDJSON, manifest last): what registers use for every full copy. */
  api.get('/api/sync/snapshot/stream', { config: { access: 'register' }, onRequest: admission.copy.onRequest, schema: { querystring: CopyQuery, produces: [SNAPSHOT_STREAM_TYPE] } }, async (request, reply) => {
    const reg = registerOf(request);
    const extras = copyExtrasOf(request.query.with);
    const stream = await snapshotStream(ctxOf(request), reg.storeId, reg.registerId, sosDocumentsPerCustomer ?? DEFAULT_SOS_DOCUMENTS_PER_CUSTOMER, extras);
    return reply.type(SNAPSHOT_STREAM_TYPE).send(stream);
  });
  api.get('/api/sync/changes', { config: { access: 'register' }, onRequest: admission.copy.onRequest, schema: { querystring: ChangesQuery, response: { 200: ChangesResponse } } }, async (request) =>
    changesSince(ctxOf(request), registerOf(request).storeId, request.query.since, copyExtrasOf(request.query.with)),
  );
}

function arrayOrEmpty(v: unknown): RawRecord[] {
  return Array.isArray(v) ? (v as RawRecord[]) : [];
}
