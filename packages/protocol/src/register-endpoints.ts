import { z } from 'zod';
import { endpoint } from './api-client';
import { listOf } from './common';
import { CreditNote, GiftCard } from './peer-api';
import { JournalEventsResponse } from './event-codes';
import {
  CashierLoginRequest,
  CashierLoginResponse,
  CashMovement,
  CashMovementRequest,
  CloseDayRequest,
  DrawerOpening,
  DrawerOpenRequest,
  DrawerState,
  LocalCustomer,
  NewCustomerRequest,
  LocalProduct,
  LocalTicket,
  RegisterStatus,
  ReturnRequest,
  SaleRequest,
  SaleResponse,
  SellGiftCardRequest,
  SosCopyResult,
  TrainingRequest,
  TrainingState,
} from './register-api';
import {
  Archive,
  Closure,
  ClosureList,
  CustomerDocuments,
  HeldSale,
  HeldSaleList,
  HoldSaleRequest,
  Receipt,
  ReceiptStore,
  ReturnableTicket,
  ReturnQuote,
  ReturnQuoteRequest,
  ShelfCategory,
  TicketReferenceLookup,
  XReport,
} from './cashier-api';

/**
 * The register agent's API as its clients call it (the cashier screen, `comptoir sos-copy`, the
 * tests), with the same schemas its routes declare (`packages/register/src/<area>/*.routes.ts`).
 * `register-endpoints.test.ts` checks each one against the register's OpenAPI document.
 */
export const registerEndpoints = {
  status: endpoint('GET', '/api/status', { response: RegisterStatus }),
  login: endpoint('POST', '/api/auth/login', { body: CashierLoginRequest, response: CashierLoginResponse }),
  logout: endpoint('POST', '/api/auth/logout'),
  store: endpoint('GET', '/api/store', { response: ReceiptStore }),
  categories: endpoint('GET', '/api/categories', { response: listOf(ShelfCategory) }),
  categoryProducts: endpoint('GET', '/api/categories/:name/products', { response: listOf(LocalProduct) }),
  products: endpoint('GET', '/api/products', { response: listOf(LocalProduct) }),
  productByCode: endpoint('GET', '/api/products/by-code/:code', { response: LocalProduct }),
  customers: endpoint('GET', '/api/customers', { response: listOf(LocalCustomer) }),
  createCustomer: endpoint('POST', '/api/customers', { body: NewCustomerRequest, response: LocalCustomer }),
  customerDocuments: endpoint('GET', '/api/customers/:id/documents', { response: CustomerDocuments }),
  sale: endpoint('POST', '/api/sales', { body: SaleRequest, response: SaleResponse }),
  tickets: endpoint('GET', '/api/tickets', { response: listOf(LocalTicket) }),
  ticket: endpoint('GET', '/api/tickets/:number', { response: LocalTicket }),
  receipt: endpoint('GET', '/api/tickets/:number/receipt', { response: Receipt }),
  duplicate: endpoint('POST', '/api/tickets/:number/duplicates', { response: Receipt }),
  returnable: endpoint('GET', '/api/tickets/:number/returnable', { response: ReturnableTicket }),
  ticketReference: endpoint('GET', '/api/ticket-references/:reference', { response: TicketReferenceLookup }),
  returnQuote: endpoint('POST', '/api/returns/quote', { body: ReturnQuoteRequest, response: ReturnQuote }),
  refund: endpoint('POST', '/api/returns', { body: ReturnRequest, response: SaleResponse }),
  sosCopy: endpoint('POST', '/api/sos-copy', { response: SosCopyResult }),
  xReport: endpoint('GET', '/api/reports/x', { response: XReport }),
  closeDay: endpoint('POST', '/api/closures/day', { body: CloseDayRequest.optional(), response: Closure }),
  closures: endpoint('GET', '/api/closures', { response: ClosureList }),
  archives: endpoint('GET', '/api/archives', { response: z.object({ items: z.array(Archive) }) }),
  drawer: endpoint('GET', '/api/cash/drawer', { response: DrawerState }),
  creditNote: endpoint('GET', '/api/credit-notes/:reference', { response: CreditNote }),
  giftCard: endpoint('GET', '/api/gift-cards/:reference', { response: GiftCard }),
  sellGiftCard: endpoint('POST', '/api/gift-cards', { body: SellGiftCardRequest, response: SaleResponse }),
  cashMovement: endpoint('POST', '/api/cash/movements', { body: CashMovementRequest, response: CashMovement }),
  openDrawer: endpoint('POST', '/api/cash/drawer/open', { body: DrawerOpenRequest, response: DrawerOpening }),
  holdSale: endpoint('POST', '/api/held-sales', { body: HoldSaleRequest, response: HeldSale }),
  heldSales: endpoint('GET', '/api/held-sales', { response: HeldSaleList }),
  recallSale: endpoint('POST', '/api/held-sales/:id/recall', { response: HeldSale }),
  training: endpoint('GET', '/api/training', { response: TrainingState }),
  setTraining: endpoint('PUT', '/api/training', { body: TrainingRequest, response: TrainingState }),
  events: endpoint('GET', '/api/events', { response: JournalEventsResponse }),
} as const;
