import { eventJournalRoutes } from '../events/event-journal.routes';
import type { FastifyInstance } from 'fastify';
import type { RegisterContext } from '../context';
import { sessionRoutes } from '../auth/session.routes';
import { shelfRoutes } from '../catalog/shelf.routes';
import { customerDocumentRoutes } from '../customers/customer-documents.routes';
import { tillCustomerRoutes } from '../customers/till-customer.routes';
import { receiptRoutes } from '../receipts/receipt.routes';
import { invoiceRoutes } from '../invoices/invoice.routes';
import { archiveRoutes } from '../archives/archive.routes';
import { closureRoutes } from '../closures/closure.routes';
import { drawerRoutes } from '../cash/drawer.routes';
import { xReportRoutes } from '../reports/x-report.routes';
import { trainingRoutes } from '../training/training.routes';
import { keyRotationRoutes } from '../keys/key-rotation.routes';
import { returnQuoteRoutes } from '../returns/return-quote.routes';
import { heldSaleRoutes } from '../held-sales/held-sale.routes';
import { cashierWebRoutes } from './cashier-web.routes';

/** Everything the cashier screen needs beyond the core register API, and the screen itself. */
export function cashierScreenRoutes(app: FastifyInstance, ctx: RegisterContext, webDir?: string): void {
  sessionRoutes(app, ctx);
  shelfRoutes(app, ctx);
  receiptRoutes(app, ctx);
  invoiceRoutes(app, ctx);
  customerDocumentRoutes(app, ctx);
  tillCustomerRoutes(app, ctx);
  xReportRoutes(app, ctx);
  closureRoutes(app, ctx);
  drawerRoutes(app, ctx);
  trainingRoutes(app, ctx);
  keyRotationRoutes(app, ctx);
  archiveRoutes(app, ctx);
  eventJournalRoutes(app, ctx);
  returnQuoteRoutes(app, ctx);
  heldSaleRoutes(app, ctx);
  cashierWebRoutes(app, webDir);
}
