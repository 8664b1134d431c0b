// A register under test, in-process, enrolled at the real central server the way a shop does it:
// the back office creates it (one-time code), the register enrols with that code and makes its first
// copy. It reaches central through its own TCP fault proxy (transparent until a test cuts the link),
// so a test can black-hole one register's link without touching central.
import { startFaultProxy, type FaultProxy } from '@comptoir/testing';
import type { RegisterAgentOptions, RunningRegister } from '../../src/index';
import { cashierSession, startTestRegister, tmp } from '../helpers';
import { DEMO_SKUS, type TestCentral } from './central';

export interface EnrolledRegister {
  reg: RunningRegister;
  registerId: string;
  /** A cashier session (the demo cashier). */
  token: string;
  cashierId: string;
  cashierName: string;
  /** register ⇄ central link. */
  link: FaultProxy;
  /** Central's stock of the demo products the tests sell, before this register sold anything. */
  initialStock: Map<string, number>;
  close(): Promise<void>;
}

export async function startEnrolledRegister(
  central: TestCentral,
  name: string,
  extra: Partial<RegisterAgentOptions> = {},
): Promise<EnrolledRegister> {
  const initialStock = await central.stocks(Object.values(DEMO_SKUS));
  const created = await central.createRegister(name);
  const link = await startFaultProxy({ target: { host: '127.0.0.1', port: central.port } });
  const dir = await tmp();
  let reg: RunningRegister | undefined;
  try {
    reg = await startTestRegister(dir.path, link.url, { enrolCode: created.enrolCode, ...extra });
    const session = await cashierSession(reg, central.cashier);
    const running = reg;
    return {
      reg: running,
      registerId: created.id,
      token: session.token,
      cashierId: session.cashierId,
      cashierName: session.displayName,
      link,
      initialStock,
      async close() {
        await running.close();
        await link.close();
        await dir.cleanup();
      },
    };
  } catch (e) {
    await reg?.close();
    await link.close();
    await dir.cleanup();
    throw e;
  }
}
