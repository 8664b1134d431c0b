import type { z } from 'zod';
import { ErrorBody, ValidationIssue } from './common';

/**
 * The ONE HTTP client of Comptoir's API, for the two web apps, the `comptoir` command and the tests
 * (docs/architecture.md §7). Browser-safe: standard `fetch` only (Node's is undici), no Node built-in.
 *
 * - A failure is an `ApiError` read from the one error body of both servers (`packages/http`'s error
 *   handler: `{error:{code,message,details?}}`, a 400 VALIDATION carrying `details.issues`); a server
 *   that does not answer at all is status 0 with the client's `unreachableCode`.
 * - An endpoint (`endpoint()`, the catalogues in `endpoints.ts`) pairs a method and path with the zod
 *   schemas of its request body and its answer: the body is typed by the schema and the answer is
 *   checked against it (`validateResponses`, on by default), so a client and a server that disagree
 *   fail loudly in the tests instead of showing wrong figures.
 */

/** A refusal or failure answered by a Comptoir server (or `status` 0: nobody answered). */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The invalid fields of a 400 VALIDATION answer (`details.issues`), empty otherwise. */
  get issues(): ValidationIssue[] {
    const parsed = ValidationIssue.array().safeParse(this.details?.issues);
    return parsed.success ? parsed.data : [];
  }

  /** The error of an answer's body: the server's code and message when it is the one error shape, `HTTP_<status>` otherwise. */
  static of(status: number, body: unknown, statusText = ''): ApiError {
    const parsed = ErrorBody.safeParse(body);
    if (parsed.success) return new ApiError(status, parsed.data.error.code, parsed.data.error.message, parsed.data.error.details);
    const text = typeof body === 'string' ? body.slice(0, 200) : '';
    return new ApiError(status, `HTTP_${status}`, text || statusText || `HTTP ${status}`);
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The `:name` segments of a path, as a type: `'/api/tickets/:number'` → `'number'`. */
type ParamNames<P extends string> = P extends `${string}:${infer N}/${infer Rest}`
  ? N | ParamNames<`/${Rest}`>
  : P extends `${string}:${infer N}`
    ? N
    : never;
export type PathParams<P extends string> = [ParamNames<P>] extends [never] ? undefined : Record<ParamNames<P>, string | number>;

/** One route of a server's API as a client sees it: method, path (with `:params`), request and answer schemas. */
export interface Endpoint<P extends string = string, B extends z.ZodType | undefined = z.ZodType | undefined, R extends z.ZodType | undefined = z.ZodType | undefined> {
  readonly method: HttpMethod;
  readonly path: P;
  readonly body: B;
  readonly response: R;
}

export function endpoint<const P extends string, B extends z.ZodType | undefined = undefined, R extends z.ZodType | undefined = undefined>(
  method: HttpMethod,
  path: P,
  schemas: { body?: B; response?: R } = {},
): Endpoint<P, B, R> {
  return { method, path, body: schemas.body as B, response: schemas.response as R };
}

export type Query = Record<string, string | number | boolean | undefined | null>;

/** What one call sends, besides its method and path. */
export interface SendOptions {
  /** A JSON body. */
  body?: unknown;
  /** A text body (CSV…) sent as is, with `contentType` (default `text/csv`). */
  text?: string;
  contentType?: string;
  /** Added as a query string (undefined, null and '' values left out). */
  query?: Query;
  /** This call's token instead of the client's (`null`: none). */
  token?: string | null;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

type CallInput<E extends Endpoint> = Omit<SendOptions, 'body'> &
  (E['body'] extends z.ZodType ? { body: z.input<E['body']> } : { body?: undefined }) &
  (PathParams<E['path']> extends undefined ? { params?: undefined } : { params: PathParams<E['path']> });

export type Answer<E extends Endpoint> = E['response'] extends z.ZodType ? z.output<E['response']> : unknown;

/** An answer whatever its status (`exchange`): the tests' view of the API. */
export interface Exchange<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON, the text when not JSON, `null` when empty. */
  body: T;
}

/** A screen's session: the token its calls carry, and who hears when the server ends it (a 401). */
export interface ScreenSession {
  token(): string | null;
  setToken(token: string | null): void;
  /** `fn` runs when a call that carried the token is answered 401. */
  onSessionLost(fn: () => void): void;
  lost(): void;
}

export function screenSession(): ScreenSession {
  let token: string | null = null;
  let onLost: () => void = () => {};
  return {
    token: () => token,
    setToken: (t) => {
      token = t;
    },
    onSessionLost: (fn) => {
      onLost = fn;
    },
    lost: () => onLost(),
  };
}

export interface ApiClientOptions {
  /** Where the server is; '' (default) = the page's own origin. */
  baseUrl?: string | URL;
  /** The session whose token every call carries and which hears of a 401 (instead of `token` / `onUnauthenticated`). */
  session?: ScreenSession;
  /** The token sent as `Authorization: Bearer`, read at each call. */
  token?: string | null | (() => string | null | undefined);
  /** Each call's deadline (default 15 s). */
  timeoutMs?: number;
  /** Called on a 401 to a call that carried a token (the session ended). */
  onUnauthenticated?: () => void;
  /** The code of the ApiError (status 0) when nobody answers (default `UNREACHABLE`). */
  unreachableCode?: string;
  /** Check answers against their endpoint's schema (default true). */
  validateResponses?: boolean;
  /** Endpoints whose schema checks the answers of `json()` calls made by method and path (the back office's screens). */
  endpoints?: Record<string, Endpoint>;
  fetch?: typeof fetch;
}

export interface ApiClient {
  /** Calls a typed endpoint: the answer, checked against its schema; an ApiError on any failure. */
  call<E extends Endpoint>(e: E, ...input: CallInput<E> extends { params?: undefined; body?: undefined } ? [CallInput<E>?] : [CallInput<E>]): Promise<Answer<E>>;
  /** JSON answer of a call by method and path (checked when `endpoints` knows the route); an ApiError on any failure. */
  json<T = unknown>(method: HttpMethod, path: string, opts?: SendOptions): Promise<T>;
  /** The raw answer of a successful call (files, CSV); an ApiError on any failure. */
  send(method: HttpMethod, path: string, opts?: SendOptions): Promise<Response>;
  /** Any answer with its status, never an ApiError for an HTTP status (only when nobody answers). */
  exchange<T = any>(method: HttpMethod, path: string, opts?: SendOptions): Promise<Exchange<T>>;
}

const DEFAULT_TIMEOUT_MS = 15_000;

/** `/api/tickets/:number` with `{number: 12}` → `/api/tickets/12` (each value URI-encoded). */
export function pathOf(path: string, params?: Record<string, string | number>): string {
  return path.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
    const v = params?.[name];
    if (v === undefined) throw new Error(`missing path parameter ${name} for ${path}`);
    return encodeURIComponent(String(v));
  });
}

/** Query string of the defined, non-empty values (with its `?`), or ''. */
export function queryString(params: Query): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

function routeMatcher(endpoints: Record<string, Endpoint>): (method: string, path: string) => Endpoint | undefined {
  const table = Object.values(endpoints).map((e) => ({
    e,
    re: new RegExp('^' + e.path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z_][A-Za-z0-9_]*/g, '[^/]+') + '$'),
  }));
  return (method, path) => table.find((t) => t.e.method === method && t.re.test(path.split('?')[0]!))?.e;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const doFetch = options.fetch ?? ((...a: Parameters<typeof fetch>) => fetch(...a));
  const validate = options.validateResponses ?? true;
  const known = options.endpoints ? routeMatcher(options.endpoints) : () => undefined;
  const tokenNow = (): string | null | undefined =>
    options.session ? options.session.token() : typeof options.token === 'function' ? options.token() : options.token;
  const sessionLost = (): void => (options.session ? options.session.lost() : options.onUnauthenticated?.());

  async function raw(method: HttpMethod, path: string, opts: SendOptions): Promise<{ res: Response; sentToken: boolean }> {
    const token = opts.token !== undefined ? opts.token : tokenNow();
    const headers: Record<string, string> = { ...opts.headers };
    if (token) headers.authorization = `Bearer ${token}`;
    let body: string | undefined;
    if (opts.text !== undefined) {
      headers['content-type'] = opts.contentType ?? 'text/csv';
      body = opts.text;
    } else if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const target = path + (opts.query ? queryString(opts.query) : '');
    const url = options.baseUrl ? new URL(target, options.baseUrl).toString() : target;
    try {
      const res = await doFetch(url, { method, headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? options.timeoutMs ?? DEFAULT_TIMEOUT_MS) });
      return { res, sentToken: Boolean(token) };
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new ApiError(0, options.unreachableCode ?? 'UNREACHABLE', `${method} ${path}: ${cause ?? (e as Error).message ?? String(e)}`, undefined, { cause: e });
    }
  }

  async function send(method: HttpMethod, path: string, opts: SendOptions = {}): Promise<Response> {
    const { res, sentToken } = await raw(method, path, opts);
    if (!res.ok) {
      const error = ApiError.of(res.status, await readBody(res), res.statusText);
      if (res.status === 401 && sentToken) sessionLost();
      throw error;
    }
    return res;
  }

  function checked(schema: z.ZodType | undefined, method: string, path: string, body: unknown): unknown {
    if (!schema || !validate) return body;
    const parsed = schema.safeParse(body);
    if (parsed.success) return parsed.data;
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(answer)'}: ${i.message}`).join('; ');
    throw new ApiError(0, 'BAD_RESPONSE', `${method} ${path} answered outside its schema: ${where}`);
  }

  async function json<T>(method: HttpMethod, path: string, opts: SendOptions = {}, schema = known(method, path)?.response): Promise<T> {
    const res = await send(method, path, opts);
    return checked(schema, method, path, await readBody(res)) as T;
  }

  return {
    call(e, ...input) {
      const { params, ...opts } = (input[0] ?? {}) as SendOptions & { params?: Record<string, string | number> };
      return json(e.method, pathOf(e.path, params), opts, e.response) as never;
    },
    json,
    send,
    async exchange(method, path, opts = {}) {
      const { res } = await raw(method, path, opts);
      return { status: res.status, headers: res.headers, body: (await readBody(res)) as never };
    },
  };
}
