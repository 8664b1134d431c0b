import { CashierLoginResponse, ErrorBody, SosCopyResult } from '@comptoir/protocol';
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
  const call = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(new URL(path, config.register), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(config.timeoutMs),
    });
    const text = await res.text();
    let json: unknown = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: res.status, json, text };
  };
  const fail = (what: string, r: { status: number; json: unknown; text: string }) => {
    const e = ErrorBody.safeParse(r.json);
    console.error(`${what}: ${r.status} ${e.success ? `${e.data.error.code}: ${e.data.error.message}` : r.text.slice(0, 200)}`);
    process.exit(1);
  };
  let login;
  try {
    login = await call('/api/auth/login', { login: config.login, pin: config.pin });
  } catch (e) {
    console.error(`register ${config.register} unreachable: ${(e as Error).message}`);
    process.exit(1);
  }
  if (login.status !== 200) fail('login refused', login);
  const token = CashierLoginResponse.parse(login.json).token;
  const copy = await call('/api/sos-copy', {}, token);
  if (copy.status !== 200) fail('copy refused, the previous copy is kept', copy);
  const r = SosCopyResult.parse(copy.json);
  const counts = Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(', ');
  console.log(`SOS copy verified (${r.kind}) at ${r.at}: ${counts}; change version ${r.changeVersion}; checksum ${r.checksum}; ${r.durationMs} ms`);
  process.exit(0);
}
