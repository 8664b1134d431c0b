import { z } from 'zod';

export const DemoRegister = z.object({ id: z.string(), name: z.string(), url: z.string() });
export type DemoRegister = z.infer<typeof DemoRegister>;

/** DIR/demo.json (docs/architecture.md §8): the seed credentials plus where everything runs. */
export const DemoFile = z.object({
  admin: z.object({ username: z.string(), password: z.string() }),
  cashier: z.object({ login: z.string(), pin: z.string() }),
  storeId: z.string(),
  centralUrl: z.string(),
  registers: z.array(DemoRegister),
});
export type DemoFile = z.infer<typeof DemoFile>;
