/// <reference lib="dom" />
import { ApiError, createApiClient, registerEndpoints, screenSession } from '@comptoir/protocol';
import type {
  CashMovementRequest,
  CloseDayRequest,
  DrawerOpenRequest,
  HoldSaleRequest,
  NewCustomerRequest,
  ReturnQuoteRequest,
  ReturnRequest,
  SaleRequest,
  SellGiftCardRequest,
  TrainingRequest,
} from '@comptoir/protocol';

// The screen's only way to the register agent (same origin), through the one API client of
// @comptoir/protocol: request bodies typed by the register's schemas, answers checked against them.
// Errors are ApiError with the server's stable code, or AGENT_UNREACHABLE (status 0) when the local
// agent itself does not answer.

export { ApiError };

const session = screenSession();
export const setToken = session.setToken;
export const onSessionLost = session.onSessionLost;

const register = createApiClient({ session, unreachableCode: 'AGENT_UNREACHABLE' });
const e = registerEndpoints;

export const api = {
  status: () => register.call(e.status, { timeoutMs: 2000 }),
  login: (login: string, pin: string) => register.call(e.login, { body: { login, pin } }),
  logout: () => register.call(e.logout),
  store: () => register.call(e.store),
  categories: () => register.call(e.categories),
  productsIn: (category: string) => register.call(e.categoryProducts, { params: { name: category }, query: { limit: 200 } }),
  search: (q: string) => register.call(e.products, { query: { q, limit: 60 } }),
  byCode: (code: string) => register.call(e.productByCode, { params: { code } }),
  customers: (q: string) => register.call(e.customers, { query: { q, limit: 20 } }),
  createCustomer: (body: NewCustomerRequest) => register.call(e.createCustomer, { body }),
  customerDocuments: (id: string) => register.call(e.customerDocuments, { params: { id } }),
  sell: (req: SaleRequest) => register.call(e.sale, { body: req }),
  ticket: (n: number) => register.call(e.ticket, { params: { number: n } }),
  recentTickets: () => register.call(e.tickets, { query: { limit: 20 } }),
  receipt: (n: number) => register.call(e.receipt, { params: { number: n } }),
  duplicate: (n: number) => register.call(e.duplicate, { params: { number: n } }),
  returnable: (n: number, registerId?: string) => register.call(e.returnable, { params: { number: n }, query: { registerId } }),
  ticketReference: (reference: string) => register.call(e.ticketReference, { params: { reference } }),
  quoteReturn: (req: ReturnQuoteRequest) => register.call(e.returnQuote, { body: req }),
  refund: (req: ReturnRequest) => register.call(e.refund, { body: req }),
  sosCopy: () => register.call(e.sosCopy, { timeoutMs: 120_000 }),
  xReport: () => register.call(e.xReport),
  closeDay: (body?: CloseDayRequest) => register.call(e.closeDay, { body }),
  drawer: () => register.call(e.drawer),
  creditNote: (reference: string) => register.call(e.creditNote, { params: { reference } }),
  giftCard: (reference: string) => register.call(e.giftCard, { params: { reference } }),
  sellGiftCard: (body: SellGiftCardRequest) => register.call(e.sellGiftCard, { body }),
  cashMovement: (body: CashMovementRequest) => register.call(e.cashMovement, { body }),
  openDrawer: (body: DrawerOpenRequest) => register.call(e.openDrawer, { body }),
  setTraining: (body: TrainingRequest) => register.call(e.setTraining, { body }),
  holdSale: (body: HoldSaleRequest) => register.call(e.holdSale, { body }),
  heldSales: () => register.call(e.heldSales),
  recallSale: (id: number) => register.call(e.recallSale, { params: { id } }),
  closures: () => register.call(e.closures, { query: { limit: 7 } }),
};
