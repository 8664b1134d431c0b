import { eventually, type FakeClock } from '@comptoir/testing';
import { cashierLogin, type Shop, type ShopRegister } from './shop';

/**
 * Moves a register's faked clock (libfaketime, `packages/testing/src/faketime.ts`) and waits until
 * its process tells that time (its HTTP Date header, within 30 s); then signs the cashier in again
 * (the register dates sessions with its own clock).
 */
export async function moveRegisterClock(shop: Shop, reg: ShopRegister, clock: FakeClock, iso: string): Promise<void> {
  const target = new Date(iso);
  clock.set(target);
  await eventually(`the register's clock at ${iso}`, async () => {
    const res = await fetch(`${reg.process.url}/api/status`);
    await res.arrayBuffer();
    return Math.abs(Date.parse(res.headers.get('date') ?? '') - target.getTime()) < 30_000;
  }, 10_000, 200);
  reg.cashierToken = await cashierLogin(reg.process.url, shop.central.credentials().cashier);
}
