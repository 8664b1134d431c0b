import { z } from 'zod';
import type { Endpoint } from '@comptoir/protocol';

type JsonSchema = { type?: string; properties?: Record<string, unknown>; items?: JsonSchema };
type Operation = {
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
};
export type OpenApiDocument = { paths: Record<string, Record<string, Operation>> };

/** The top-level field names of a JSON schema (an array: its items'), sorted, to compare two shapes. */
function fieldsOf(s: JsonSchema | undefined): string {
  if (!s) return '(none)';
  if (s.type === 'array') return `[${fieldsOf(s.items)}]`;
  return Object.keys(s.properties ?? {}).sort().join(',') || String(s.type ?? 'any');
}

/**
 * How a client's endpoint catalogue (`registerEndpoints`, `centralEndpoints`) disagrees with a
 * server's OpenAPI document: an endpoint the server does not route, a body or answer the client
 * types that the server does not declare, or whose fields differ. Empty when they agree.
 */
export function endpointsOutsideDocument(doc: OpenApiDocument, endpoints: Record<string, Endpoint>): string[] {
  const wrong: string[] = [];
  for (const [name, e] of Object.entries(endpoints)) {
    const path = e.path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
    const op = doc.paths[path]?.[e.method.toLowerCase()];
    if (!op) {
      wrong.push(`${name}: ${e.method} ${path} is not a route`);
      continue;
    }
    const shape = (schema: z.ZodType) => fieldsOf(z.toJSONSchema(schema, { unrepresentable: 'any', io: 'output' }) as JsonSchema);
    if (e.body) {
      const declared = op.requestBody?.content?.['application/json']?.schema;
      if (!declared) wrong.push(`${name}: the server declares no JSON body`);
      else if (fieldsOf(declared) !== shape(e.body)) wrong.push(`${name}: body ${shape(e.body)} ≠ server's ${fieldsOf(declared)}`);
    }
    if (e.response) {
      const answers = Object.entries(op.responses ?? {}).filter(([status]) => status.startsWith('2'));
      const declared = answers.map(([, r]) => r.content?.['application/json']?.schema).find(Boolean);
      if (!declared) wrong.push(`${name}: the server declares no JSON answer`);
      else if (fieldsOf(declared) !== shape(e.response)) wrong.push(`${name}: answer ${shape(e.response)} ≠ server's ${fieldsOf(declared)}`);
    }
  }
  return wrong;
}
