import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from '@comptoir/http';
import { AccountingPeriodQuery, AccountsQuery, ChartOfAccounts, PutAccountsRequest, SalesJournal } from '@comptoir/protocol';
import type { RouteDeps } from '../../routes';
import { getChart, putChart } from './chart.service';
import { fecExport } from './fec.service';
import { journalCsv, salesJournal } from './sales-journal.service';

/** Accounting for the back office and the accountant: staff only (a manager for their own store). */
export function accountingRoutes(app: FastifyInstance, { ctxOf }: RouteDeps): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const staff = { access: 'staff' as const };
  api.get('/api/accounting/accounts', { config: staff, schema: { querystring: AccountsQuery, response: { 200: ChartOfAccounts } } }, async (request) =>
    getChart(ctxOf(request), request.query),
  );
  api.put('/api/accounting/accounts', { config: staff, schema: { body: PutAccountsRequest, response: { 200: ChartOfAccounts } } }, async (request) =>
    putChart(ctxOf(request), request.body),
  );
  api.get('/api/accounting/journal', { config: staff, schema: { querystring: AccountingPeriodQuery, response: { 200: SalesJournal } } }, async (request) =>
    salesJournal(ctxOf(request), request.query),
  );
  api.get('/api/accounting/journal.csv', { config: staff, schema: { querystring: AccountingPeriodQuery, produces: ['text/csv'] } }, async (request, reply) => {
    const csv = journalCsv(await salesJournal(ctxOf(request), request.query));
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="journal-ventes-${request.query.from}-${request.query.to}.csv"`)
      .send(csv);
  });
  api.get('/api/accounting/fec', { config: staff, schema: { querystring: AccountingPeriodQuery, produces: ['text/plain'] } }, async (request, reply) => {
    const fec = await fecExport(ctxOf(request), request.query);
    return reply
      .type('text/plain; charset=iso-8859-15')
      .header('content-disposition', `attachment; filename="${fec.filename}"`)
      .send(fec.body);
  });
}
