import { chartKeys, defaultAccount, FRENCH_VAT_RATES, PAYMENT_METHODS, type Account, type AccountKey } from '@comptoir/domain';
import { ComptoirError, type ChartOfAccounts, type PutAccountsRequest } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { nowIso } from '../../context';
import { accountingStoreId } from './accounting-period.service';

// A store's chart of accounts: the French defaults (domain `defaultAccount`), overridden key by key
// by what the store set in the back office (`store_accounts`). The VAT rates shown are the French
// rates plus every rate of the catalogue.

async function overrides(ctx: Ctx, storeId: string): Promise<Map<string, Account>> {
  const rows = await ctx.db.selectFrom('store_accounts').select(['account_key', 'account_num', 'account_label']).where('store_id', '=', storeId).execute();
  return new Map(rows.map((r) => [r.account_key, { num: r.account_num, label: r.account_label }]));
}

/** The account of each key for a store (its own, or the default). */
export async function chartOf(ctx: Ctx, storeId: string): Promise<(key: AccountKey) => Account> {
  const own = await overrides(ctx, storeId);
  return (key) => own.get(key) ?? defaultAccount(key);
}

export async function getChart(ctx: Ctx, query: { storeId?: string | undefined }): Promise<ChartOfAccounts> {
  const storeId = await accountingStoreId(ctx, query.storeId);
  const own = await overrides(ctx, storeId);
  const catalogRates = await ctx.db.selectFrom('products').select('vat_rate').distinct().execute();
  const rates = [...FRENCH_VAT_RATES, ...catalogRates.map((r) => r.vat_rate)];
  const keys = chartKeys(rates, PAYMENT_METHODS);
  // Keys the store set for a rate no product has any more stay visible.
  for (const k of own.keys()) if (!keys.includes(k as AccountKey)) keys.push(k as AccountKey);
  return {
    storeId,
    items: keys.map((key) => {
      const a = own.get(key);
      return { key, ...(a ?? defaultAccount(key)), isDefault: !a };
    }),
  };
}

/** Sets the given accounts of a store's chart, all or nothing; answers the whole chart. */
export async function putChart(ctx: Ctx, body: PutAccountsRequest): Promise<ChartOfAccounts> {
  const storeId = await accountingStoreId(ctx, body.storeId);
  const keys = body.items.map((i) => i.key);
  if (new Set(keys).size !== keys.length) throw new ComptoirError('VALIDATION', 'Each account key at most once', { keys });
  const by = ctx.user?.kind === 'user' ? ctx.user.userId : 'system';
  const at = nowIso(ctx);
  await ctx.db.transaction().execute(async (trx) => {
    for (const i of body.items) {
      await trx
        .insertInto('store_accounts')
        .values({ store_id: storeId, account_key: i.key, account_num: i.num, account_label: i.label, updated_at: at, updated_by: by })
        .onConflict((oc) => oc.columns(['store_id', 'account_key']).doUpdateSet({ account_num: i.num, account_label: i.label, updated_at: at, updated_by: by }))
        .execute();
    }
  });
  ctx.log.info({ storeId, keys, by }, 'chart of accounts changed');
  return getChart(ctx, { storeId });
}
