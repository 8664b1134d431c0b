import type { CentralClosure, ClosurePayload } from '@comptoir/protocol';
import type { Ctx } from '../../context';
import { listChainRecords } from '../records/chain-records.service';

/** Closures (Z) as the registers signed them: records of the `closure` chain. Newest first. */
export function listClosures(ctx: Ctx, query: { registerId?: string | undefined; limit: number }): Promise<{ items: CentralClosure[] }> {
  return listChainRecords<ClosurePayload>(ctx, 'closure', query);
}
