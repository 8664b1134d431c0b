import { z } from 'zod';
import { endpoint } from './api-client';
import { listOf } from './common';
import { JournalEventsResponse } from './event-codes';
import { ChartOfAccounts, PutAccountsRequest, SalesJournal } from './accounting-api';
import { PartitionsResponse, PurgeRequest, PurgeResponse } from './partitions-api';
import {
  AdjustmentRequest,
  CreateStoreRequest,
  CustomerDetail,
  DashboardResponse,
  DocumentDetail,
  DocumentsResponse,
  FleetResponse,
  ImportResult,
  MovementsResponse,
  PatchCustomerRequest,
  PatchStoreRequest,
  PatchUserRequest,
  PutProductRequest,
  ReceptionRequest,
  ReviewItem,
  ReviewResponse,
  StockChangeResult,
  StockListResponse,
  Store,
} from './backoffice-api';
import {
  AdminLoginRequest,
  AdvertisedUrlRequest,
  CentralArchive,
  CentralClosure,
  CentralTicket,
  CreateCustomerRequest,
  CreateProductRequest,
  CreateRegisterRequest,
  CreateRegisterResponse,
  CreateUserRequest,
  Customer,
  DemoLink,
  DemoLinkRequest,
  FleetRegister,
  LoginResponse,
  PatchProductRequest,
  Product,
  RegisterKeysResponse,
  SosScheduleRequest,
  StockLevel,
  TamperAlert,
  UserSummary,
} from './central-api';
import { PrepareOutageItem, PrepareOutageResponse } from './sos-copy';
import { SaveStockCountRequest, StartStockCountRequest, StockCount, StockCountsResponse } from './stock-count-api';

/**
 * The central server's API as its clients call it (the back office, `comptoir demo`, the tests),
 * with the same schemas its routes declare (`packages/central/src/modules/<area>/*.routes.ts`).
 * `central-endpoints.test.ts` checks each one against central's OpenAPI document. The register's
 * own calls to central (`/api/sync/*`) go through its `CentralClient` (undici, hard deadlines).
 */
export const centralEndpoints = {
  login: endpoint('POST', '/api/auth/login', { body: AdminLoginRequest, response: LoginResponse }),
  logout: endpoint('POST', '/api/auth/logout'),
  stores: endpoint('GET', '/api/stores', { response: listOf(Store) }),
  createStore: endpoint('POST', '/api/stores', { body: CreateStoreRequest, response: Store }),
  patchStore: endpoint('PATCH', '/api/stores/:id', { body: PatchStoreRequest, response: Store }),
  prepareOutage: endpoint('POST', '/api/stores/:id/prepare-outage', { response: PrepareOutageResponse }),
  registers: endpoint('GET', '/api/registers', { response: listOf(FleetRegister) }),
  createRegister: endpoint('POST', '/api/registers', { body: CreateRegisterRequest, response: CreateRegisterResponse }),
  sosSchedule: endpoint('PUT', '/api/registers/:id/sos-schedule', { body: SosScheduleRequest, response: FleetRegister }),
  advertisedUrl: endpoint('PUT', '/api/registers/:id/advertised-url', { body: AdvertisedUrlRequest, response: FleetRegister }),
  revokeRegister: endpoint('POST', '/api/registers/:id/revoke', { response: FleetRegister }),
  enrolCode: endpoint('POST', '/api/registers/:id/enrol-code', { response: CreateRegisterResponse }),
  registerKeys: endpoint('GET', '/api/registers/:id/keys', { response: RegisterKeysResponse }),
  copyNow: endpoint('POST', '/api/registers/:id/copy-now', { response: PrepareOutageItem }),
  fleet: endpoint('GET', '/api/fleet', { response: FleetResponse }),
  products: endpoint('GET', '/api/products', { response: listOf(Product) }),
  product: endpoint('GET', '/api/products/:sku', { response: Product }),
  createProduct: endpoint('POST', '/api/products', { body: CreateProductRequest, response: Product }),
  patchProduct: endpoint('PATCH', '/api/products/:sku', { body: PatchProductRequest, response: Product }),
  putProduct: endpoint('PUT', '/api/products/:sku', { body: PutProductRequest, response: Product }),
  importCatalog: endpoint('POST', '/api/catalog/import', { response: ImportResult }),
  customers: endpoint('GET', '/api/customers', { response: listOf(Customer) }),
  createCustomer: endpoint('POST', '/api/customers', { body: CreateCustomerRequest, response: Customer }),
  customer: endpoint('GET', '/api/customers/:id', { response: CustomerDetail }),
  patchCustomer: endpoint('PATCH', '/api/customers/:id', { body: PatchCustomerRequest, response: Customer }),
  users: endpoint('GET', '/api/users', { response: listOf(UserSummary) }),
  createUser: endpoint('POST', '/api/users', { body: CreateUserRequest, response: UserSummary }),
  patchUser: endpoint('PATCH', '/api/users/:id', { body: PatchUserRequest, response: UserSummary }),
  partitions: endpoint('GET', '/api/partitions', { response: PartitionsResponse }),
  purgePartitions: endpoint('POST', '/api/partitions/purge', { body: PurgeRequest, response: PurgeResponse }),
  tickets: endpoint('GET', '/api/tickets', { response: listOf(CentralTicket) }),
  ticket: endpoint('GET', '/api/tickets/:registerId/:number', { response: CentralTicket }),
  documents: endpoint('GET', '/api/documents', { response: DocumentsResponse }),
  document: endpoint('GET', '/api/documents/:registerId/:number', { response: DocumentDetail }),
  review: endpoint('GET', '/api/review', { response: ReviewResponse }),
  acknowledge: endpoint('POST', '/api/review/:registerId/:number/ack', { response: ReviewItem }),
  tamperAlerts: endpoint('GET', '/api/tamper-alerts', { response: listOf(TamperAlert) }),
  closures: endpoint('GET', '/api/closures', { response: z.object({ items: z.array(CentralClosure) }) }),
  archives: endpoint('GET', '/api/archives', { response: z.object({ items: z.array(CentralArchive) }) }),
  events: endpoint('GET', '/api/events', { response: JournalEventsResponse }),
  stockLevel: endpoint('GET', '/api/stock/:sku', { response: StockLevel }),
  stock: endpoint('GET', '/api/stock', { response: StockListResponse }),
  stockMovements: endpoint('GET', '/api/stock/:sku/movements', { response: MovementsResponse }),
  reception: endpoint('POST', '/api/stock/receptions', { body: ReceptionRequest, response: StockChangeResult }),
  adjustment: endpoint('POST', '/api/stock/adjustments', { body: AdjustmentRequest, response: StockChangeResult }),
  stockCounts: endpoint('GET', '/api/stock-counts', { response: StockCountsResponse }),
  startStockCount: endpoint('POST', '/api/stock-counts', { body: StartStockCountRequest, response: StockCount }),
  stockCount: endpoint('GET', '/api/stock-counts/:id', { response: StockCount }),
  saveStockCount: endpoint('PUT', '/api/stock-counts/:id/lines', { body: SaveStockCountRequest, response: StockCount }),
  postStockCount: endpoint('POST', '/api/stock-counts/:id/post', { response: StockCount }),
  dashboard: endpoint('GET', '/api/dashboard', { response: DashboardResponse }),
  accounts: endpoint('GET', '/api/accounting/accounts', { response: ChartOfAccounts }),
  putAccounts: endpoint('PUT', '/api/accounting/accounts', { body: PutAccountsRequest, response: ChartOfAccounts }),
  salesJournal: endpoint('GET', '/api/accounting/journal', { response: SalesJournal }),
} as const;

/** Central's routes that exist only under `comptoir demo` (the cuttable links). */
export const centralDemoEndpoints = {
  demoLinks: endpoint('GET', '/api/demo/links', { response: listOf(DemoLink) }),
  setDemoLink: endpoint('POST', '/api/demo/links/:registerId', { body: DemoLinkRequest, response: DemoLink }),
} as const;
