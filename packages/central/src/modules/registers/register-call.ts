import { createHmac } from 'node:crypto';
import { request, type Agent } from 'undici';
import { ERROR_CODES, ErrorBody } from '@comptoir/protocol';
import { nowIso, type Ctx } from '../../context';

// Central → register calls (a verified copy, an invoice the back office asks for): POST on the
// register's advertised URL, signed with HMAC-SHA256 keyed by the register's token hash (central
// stores exactly that hash, the register holds the token; protocol/sos-copy.ts), over a signing
// string that names the path, the register, the timestamp and whatever the call's body decides.

export type RegisterTarget = { id: string; token_hash: string | null; advertised_url: string | null };

/** What came back: a JSON answer (any status), an answer not read (too big, not JSON), or none. */
export type RegisterAnswer =
  | { kind: 'answer'; status: number; json: unknown }
  | { kind: 'unreadable'; status: number; reason: string }
  | { kind: 'unreachable'; reason: string };

export async function callRegister(
  ctx: Ctx,
  agent: Agent,
  target: RegisterTarget & { token_hash: string },
  path: string,
  signingString: (registerId: string, timestamp: string) => string,
  opts: { body?: unknown; timeoutMs: number },
): Promise<RegisterAnswer> {
  if (!target.advertised_url) return { kind: 'unreachable', reason: 'The register has not reported its URL yet (no heartbeat seen)' };
  const timestamp = nowIso(ctx);
  const signature = createHmac('sha256', target.token_hash).update(signingString(target.id, timestamp)).digest('hex');
  let status: number;
  let text: string | null;
  try {
    const res = await request(new URL(path, target.advertised_url), {
      method: 'POST',
      headers: {
        'x-comptoir-register': target.id,
        'x-comptoir-timestamp': timestamp,
        'x-comptoir-signature': signature,
        ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      dispatcher: agent,
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
    status = res.statusCode;
    text = await cappedText(res.body, MAX_ANSWER_BYTES);
  } catch (e) {
    const err = e as Error & { code?: string; cause?: { code?: string } };
    return { kind: 'unreachable', reason: `${target.advertised_url}: ${err.code ?? err.cause?.code ?? err.name}: ${err.message}` };
  }
  if (text === null) return { kind: 'unreadable', status, reason: `Answer over ${MAX_ANSWER_BYTES / 1024} KB: not read` };
  try {
    return { kind: 'answer', status, json: JSON.parse(text) };
  } catch {
    return { kind: 'unreadable', status, reason: `Answer is not JSON (status ${status})` };
  }
}

/** The code of a register's error answer, if it is one of our own catalogue (what a register says is never shown as is). */
export function registerErrorCode(status: number, json: unknown): string {
  const err = ErrorBody.safeParse(json);
  return err.success && err.data.error.code in ERROR_CODES ? err.data.error.code : `HTTP_${status}`;
}

/** A register's answer is a small JSON object: beyond `max` bytes it is not read (a register cannot flood central). */
const MAX_ANSWER_BYTES = 64 * 1024;

async function cappedText(body: AsyncIterable<Buffer> & { destroy(): unknown }, max: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      return null;
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
