import { createPrivateKey } from 'node:crypto';
import { existsSync, unlinkSync } from 'node:fs';
import { generateSigningKeyPair, keyIdOf, keyRotationDetails } from '@comptoir/domain';
import { ComptoirError, eventPayload, type KeyRotationResponse } from '@comptoir/protocol';
import type { Actor } from '../auth/auth.service';
import { appendRecord, chainHeadOf } from '../chain/record-chain';
import type { RegisterContext } from '../context';
import { moveKeyFile, nextKeyFileOf, writeKeyFile } from '../sync/signing-key-file';
import { addLocalKey, currentHeads, retireLocalKey } from './register-keys';

// Key rotation (NF525, issue 10). Phases: the next key pair is made and its private key written to
// `KEYFILE.next` (0600) → ONE transaction: a `key_end` event signed with the current key, naming
// the next key (id and public key) and the chain heads where the current key stops; the current
// key retired and the next one recorded (valid after those heads); the next key becomes the
// register's; a `key_start` event signed by it → the next key file replaces the key file.
// Invariant: every record after the heads is signed by the next key; the chains go on (numbers,
// previous signatures) across the change. Central learns the next key from the pushed `key_end`
// event itself (signed by a key it trusts), so a rotation works offline.
// A crash after the commit and before the file move is finished at the next start (loadIdentity).

export function rotateKey(ctx: RegisterContext, actor: Actor): KeyRotationResponse {
  if (actor.role !== 'manager' && actor.role !== 'admin') {
    throw new ComptoirError('FORBIDDEN', 'Rotating the signing key needs a manager', { reason: 'manager_required' });
  }
  const current = ctx.identity;
  if (!current) throw new ComptoirError('NOT_ENROLLED', 'This register is not enrolled yet');
  const next = generateSigningKeyPair();
  const nextKeyId = keyIdOf(next.publicKeyPem);
  const nextFile = nextKeyFileOf(ctx.keyFile);
  if (existsSync(nextFile)) unlinkSync(nextFile);
  writeKeyFile(nextFile, next.privateKeyPem);
  const clock = ctx.now().toISOString();
  let endAt: Record<string, number>;
  try {
    endAt = ctx.sqlite.transaction(() => {
      // Dated no earlier than the event chain's head: no clock event may slip between the heads and the key_end.
      const eventHead = chainHeadOf(ctx, 'event');
      const at = eventHead && clock < eventHead.recorded_at ? eventHead.recorded_at : clock;
      const heads = { ...currentHeads(ctx.sqlite), event: (eventHead?.number ?? 0) + 1 };
      appendRecord(ctx, 'event', eventPayload('key_end', keyRotationDetails({ keyId: current.keyId, nextKeyId, nextPublicKeyPem: next.publicKeyPem, endAt: heads })), at);
      retireLocalKey(ctx.sqlite, current.keyId, heads, at);
      addLocalKey(ctx.sqlite, next.publicKeyPem, nextKeyId, at, heads);
      ctx.sqlite.prepare('UPDATE register_meta SET public_key_pem = ? WHERE id = 1').run(next.publicKeyPem);
      ctx.identity = { ...current, privateKey: createPrivateKey(next.privateKeyPem), publicKeyPem: next.publicKeyPem, keyId: nextKeyId };
      appendRecord(ctx, 'event', eventPayload('key_start', { keyId: nextKeyId, previousKeyId: current.keyId, by: actor.cashierId }), at);
      return heads;
    })();
  } catch (e) {
    ctx.identity = current;
    unlinkSync(nextFile);
    throw e;
  }
  moveKeyFile(nextFile, ctx.keyFile);
  ctx.recordsAppended();
  ctx.logger.info({ keyId: nextKeyId, previousKeyId: current.keyId }, 'signing key rotated');
  return { keyId: nextKeyId, previousKeyId: current.keyId, endAt };
}
