import { ApiError, createApiClient, registerEndpoints } from '@comptoir/protocol';
import { SosCopyConfig, parseConfig, withEnv } from '../config';

/**
 * `comptoir sos-copy --register URL --login L --pin P`: a manual, verified full SOS copy on a running
 * register. Logs in like the cashier screen does (any user of the register with a PIN), then calls
 * `POST /api/sos-copy`. Prints the counts and checksum; exits 0 when the copy was verified and
 * swapped in, 1 when the register refused it (the previous copy stays), 2 on bad usage.
 */
export async function runSosCopy(flags: Record<string, unknown>): Promise<void> {
  const config = parseConfig(
    SosCopyConfig,
    withEnv(flags, { register: 'COMPTOIR_REGISTER_URL', login: 'COMPTOIR_LOGIN', pin: 'COMPTOIR_PIN', timeoutMs: 'COMPTOIR_TIMEOUT_MS' }),
  );
  const register = createApiClient({ baseUrl: config.register, timeoutMs: config.timeoutMs });
  const fail = (what: string, e: unknown): never => {
    if (!(e instanceof ApiError)) throw e;
    console.error(e.status === 0 ? `register ${config.register} unreachable: ${e.message}` : `${what}: ${e.status} ${e.code}: ${e.message}`);
    process.exit(1);
  };
  const { token } = await register.call(registerEndpoints.login, { body: { login: config.login, pin: config.pin } }).catch((e: unknown) => fail('login refused', e));
  const r = await register.call(registerEndpoints.sosCopy, { token }).catch((e: unknown) => fail('copy refused, the previous copy is kept', e));
  const counts = Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`SOS copy verified (${r.kind}) at ${r.at}: ${counts}; change version ${r.changeVersion}; checksum ${r.checksum}; ${r.durationMs} ms`);
  process.exit(0);
}
