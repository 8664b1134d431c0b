/// <reference lib="dom" />
import type {
  Approval,
  CashierLoginResponse,
  CashMovement,
  CashMovementRequest,
  CloseDayRequest,
  Closure,
  DrawerState,
  HeldSale,
  HeldSaleList,
  HoldSaleRequest,
  ClosureList,
  CustomerDocuments,
  ErrorBody,
  LocalCustomer,
  LocalProduct,
  LocalTicket,
  Receipt,
  ReceiptStore,
  RegisterStatus,
  ReturnableTicket,
  ReturnQuote,
  ReturnQuoteRequest,
  ReturnRequest,
  SaleRequest,
  SaleResponse,
  ShelfCategory,
  SosCopyResult,
  XReport,
} from '@comptoir/protocol';

// The screen's only way to the register agent (same origin). Types come from @comptoir/protocol;
// nothing else of the server is imported. Errors are ApiError with the server's stable code, or
// AGENT_UNREACHABLE when the local agent itself does not answer.

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

type List<T> = { items: T[]; total: number };

let token: string | null = null;
let onUnauthenticated: () => void = () => {};

export function setToken(t: string | null): void {
  token = t;
}
export function onSessionLost(fn: () => void): void {
  onUnauthenticated = fn;
}

async function request<T>(method: string, path: string, body?: unknown, timeoutMs = 15_000): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new ApiError(0, 'AGENT_UNREACHABLE', String(e));
  }
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const err = (json as ErrorBody | undefined)?.error;
    if (res.status === 401 && token) onUnauthenticated();
    throw new ApiError(res.status, err?.code ?? 'HTTP_' + res.status, err?.message ?? res.statusText, err?.details);
  }
  return json as T;
}

const enc = encodeURIComponent;

export const api = {
  status: () => request<RegisterStatus>('GET', '/api/status', undefined, 2000),
  login: (login: string, pin: string) => request<CashierLoginResponse>('POST', '/api/auth/login', { login, pin }),
  logout: () => request<void>('POST', '/api/auth/logout'),
  store: () => request<ReceiptStore>('GET', '/api/store'),
  categories: () => request<List<ShelfCategory>>('GET', '/api/categories'),
  productsIn: (category: string) => request<List<LocalProduct>>('GET', `/api/categories/${enc(category)}/products?limit=200`),
  search: (q: string) => request<List<LocalProduct>>('GET', `/api/products?q=${enc(q)}&limit=60`),
  byCode: (code: string) => request<LocalProduct>('GET', `/api/products/by-code/${enc(code)}`),
  customers: (q: string) => request<List<LocalCustomer>>('GET', `/api/customers?q=${enc(q)}&limit=20`),
  customerDocuments: (id: string) => request<CustomerDocuments>('GET', `/api/customers/${enc(id)}/documents`),
  sell: (req: SaleRequest) => request<SaleResponse>('POST', '/api/sales', req),
  ticket: (n: number) => request<LocalTicket>('GET', `/api/tickets/${n}`),
  recentTickets: () => request<List<LocalTicket>>('GET', '/api/tickets?limit=20'),
  receipt: (n: number) => request<Receipt>('GET', `/api/tickets/${n}/receipt`),
  duplicate: (n: number) => request<Receipt>('POST', `/api/tickets/${n}/duplicates`),
  returnable: (n: number) => request<ReturnableTicket>('GET', `/api/tickets/${n}/returnable`),
  quoteReturn: (req: ReturnQuoteRequest) => request<ReturnQuote>('POST', '/api/returns/quote', req),
  refund: (req: ReturnRequest) => request<SaleResponse>('POST', '/api/returns', req),
  sosCopy: () => request<SosCopyResult>('POST', '/api/sos-copy', undefined, 120_000),
  xReport: () => request<XReport>('GET', '/api/reports/x'),
  closeDay: (body?: CloseDayRequest) => request<Closure>('POST', '/api/closures/day', body),
  drawer: () => request<DrawerState>('GET', '/api/cash/drawer'),
  cashMovement: (body: CashMovementRequest) => request<CashMovement>('POST', '/api/cash/movements', body),
  holdSale: (body: HoldSaleRequest) => request<HeldSale>('POST', '/api/held-sales', body),
  heldSales: () => request<HeldSaleList>('GET', '/api/held-sales'),
  recallSale: (id: number) => request<HeldSale>('POST', `/api/held-sales/${id}/recall`),
  closures: () => request<ClosureList>('GET', '/api/closures?limit=7'),
};
