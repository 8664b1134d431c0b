import { ApiError, centralDemoEndpoints, centralEndpoints, createApiClient, queryString, screenSession, type HttpMethod } from '@comptoir/protocol';

// The back office's one way to the central API (same origin, bearer token), through the one API
// client of @comptoir/protocol: an answer of a route central's catalogue knows is checked against its
// schema. A failure is thrown as ApiError with the server's stable code and message (shown to the user).

export { ApiError };

const session = screenSession();
export const setToken = session.setToken;
export const onSessionLost = session.onSessionLost;

// Long enough for a whole store's prepare-outage or a catalog import of 5000 lines.
const central = createApiClient({ session, endpoints: { ...centralEndpoints, ...centralDemoEndpoints }, timeoutMs: 180_000 });

/** Ends the session on central (`POST /api/auth/logout`); the caller forgets the token whatever the answer. */
export async function endSession(): Promise<void> {
  if (!session.token()) return;
  try {
    await central.send('POST', '/api/auth/logout');
  } catch {
    /* already ended, or central unreachable: the token is forgotten here anyway */
  }
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return central.json<T>(method as HttpMethod, path, { body });
}

export async function apiText(method: string, path: string, body?: string, contentType = 'text/csv'): Promise<string> {
  return (await central.send(method as HttpMethod, path, { text: body, contentType })).text();
}

export async function apiCsv<T>(path: string, csv: string): Promise<T> {
  return central.json<T>('POST', path, { text: csv, contentType: 'text/csv' });
}

export async function apiBlob(path: string): Promise<Blob> {
  return (await central.send('GET', path)).blob();
}

/** Query string of the defined, non-empty values. */
export const qs = queryString;
