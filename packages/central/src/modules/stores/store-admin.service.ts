import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { defaultStoreCode } from '@comptoir/domain';
import { ComptoirError, type CreateStoreRequest, type PatchStoreRequest, type Store } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { nextChangeVersion } from '../../db/change-version';
import type { CentralDb } from '../../db/schema';
import { toStore } from './store-list.service';

// A chain's stores, created and edited by an admin (issue 9). Every change takes a new change
// version, so the store's registers pull the new identity (receipts, time zone, business day).
// The short code (ticket references, docs/architecture.md §18) is unique in the chain: a store
// created without one gets the first free `S<rank>`; a code already taken is 409 CONFLICT.

async function assertCodeFree(trx: Kysely<CentralDb>, code: string, storeId: string): Promise<void> {
  const taken = await trx.selectFrom('stores').select('id').where('code', '=', code).where('id', '!=', storeId).executeTakeFirst();
  if (taken) throw new ComptoirError('CONFLICT', `The store code ${code} is already used by another store`, { field: 'code', code });
}

async function firstFreeCode(trx: Kysely<CentralDb>): Promise<string> {
  const used = new Set((await trx.selectFrom('stores').select('code').execute()).map((r) => r.code));
  let rank = 1;
  while (used.has(defaultStoreCode(rank))) rank++;
  return defaultStoreCode(rank);
}

export async function createStore(ctx: Ctx, req: CreateStoreRequest): Promise<Store> {
  return ctx.db.transaction().execute(async (trx) => {
    const version = await nextChangeVersion(trx);
    const id = randomUUID();
    const code = req.code ?? (await firstFreeCode(trx));
    await assertCodeFree(trx, code, id);
    await trx
      .insertInto('stores')
      .values({
        id,
        name: req.name,
        address: req.address,
        siret: req.siret,
        vat_number: req.vatNumber,
        timezone: req.timezone,
        code,
        ...(req.businessDayCutoff !== undefined ? { business_day_cutoff: req.businessDayCutoff } : {}),
        ...(req.fiscalYearStartMonth !== undefined ? { fiscal_year_start_month: req.fiscalYearStartMonth } : {}),
        ...(req.mealVoucherCapCents !== undefined ? { meal_voucher_cap_cents: req.mealVoucherCapCents } : {}),
        ...(req.giftCardMaxCents !== undefined ? { gift_card_max_cents: req.giftCardMaxCents } : {}),
        change_version: version,
      })
      .execute();
    ctx.log.info({ storeId: id, name: req.name }, 'store created');
    return toStore(await trx.selectFrom('stores').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  });
}

export async function patchStore(ctx: Ctx, id: string, req: PatchStoreRequest): Promise<Store> {
  return ctx.db.transaction().execute(async (trx) => {
    const version = await nextChangeVersion(trx);
    if (req.code !== undefined) await assertCodeFree(trx, req.code, id);
    const res = await trx
      .updateTable('stores')
      .set({
        ...(req.name !== undefined ? { name: req.name } : {}),
        ...(req.address !== undefined ? { address: req.address } : {}),
        ...(req.siret !== undefined ? { siret: req.siret } : {}),
        ...(req.vatNumber !== undefined ? { vat_number: req.vatNumber } : {}),
        ...(req.timezone !== undefined ? { timezone: req.timezone } : {}),
        ...(req.businessDayCutoff !== undefined ? { business_day_cutoff: req.businessDayCutoff } : {}),
        ...(req.fiscalYearStartMonth !== undefined ? { fiscal_year_start_month: req.fiscalYearStartMonth } : {}),
        ...(req.mealVoucherCapCents !== undefined ? { meal_voucher_cap_cents: req.mealVoucherCapCents } : {}),
        ...(req.giftCardMaxCents !== undefined ? { gift_card_max_cents: req.giftCardMaxCents } : {}),
        ...(req.code !== undefined ? { code: req.code } : {}),
        change_version: version,
      })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(res.numUpdatedRows) === 0) throw new ComptoirError('NOT_FOUND', `Unknown store ${id}`, { storeId: id });
    ctx.log.info({ storeId: id, fields: Object.keys(req) }, 'store changed');
    return toStore(await trx.selectFrom('stores').selectAll().where('id', '=', id).executeTakeFirstOrThrow());
  });
}
