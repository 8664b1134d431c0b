import type { ErrorBody } from '@comptoir/protocol';

// The back office's one way to the central API: same origin, bearer token, JSON in and out.
// A failure is thrown as ApiError with the server's stable code and message (shown to the user).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

let token: string | null = null;
let onUnauthenticated: () => void = () => {};

export function setToken(t: string | null): void {
  token = t;
}
export function onSessionLost(fn: () => void): void {
  onUnauthenticated = fn;
}

/** Ends the session on central (`POST /api/auth/logout`); the caller forgets the token whatever the answer. */
export async function endSession(): Promise<void> {
  if (!token) return;
  try {
    await request('POST', '/api/auth/logout');
  } catch {
    /* already ended, or central unreachable: the token is forgotten here anyway */
  }
}

async function request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<Response> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = contentType;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : contentType === 'application/json' ? JSON.stringify(body) : (body as string),
  });
  if (!res.ok) {
    let err: ErrorBody['error'] = { code: `HTTP_${res.status}`, message: res.statusText };
    try {
      err = ((await res.json()) as ErrorBody).error;
    } catch {
      /* not JSON */
    }
    if (res.status === 401 && path !== '/api/auth/login') onUnauthenticated();
    throw new ApiError(res.status, err.code, err.message, err.details);
  }
  return res;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await request(method, path, body);
  return (await res.json()) as T;
}

export async function apiText(method: string, path: string, body?: string, contentType = 'text/csv'): Promise<string> {
  return (await request(method, path, body, contentType)).text();
}

export async function apiCsv<T>(path: string, csv: string): Promise<T> {
  return (await (await request('POST', path, csv, 'text/csv')).json()) as T;
}

export async function apiBlob(path: string): Promise<Blob> {
  return (await request('GET', path)).blob();
}

/** Query string of the defined, non-empty values. */
export function qs(params: Record<string, string | number | boolean | undefined | null>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}
