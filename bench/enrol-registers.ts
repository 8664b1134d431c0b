import { http, type CentralProcess } from '@comptoir/testing';
import { generateSigningKeyPair } from './signed-tickets';

export type EnrolledRegister = { id: string; token: string; privateKeyPem: string };

/**
 * Creates and enrols `n` registers through the admin API and one-time codes, 16 at a time.
 * `sharedKey`: one key pair for all (when nothing is signed: the fleet benchmark's heartbeats);
 * otherwise each register gets its own (its tickets are signed and verified).
 */
export async function enrolRegisters(central: CentralProcess, n: number, prefix: string, opts: { sharedKey?: boolean } = {}): Promise<EnrolledRegister[]> {
  const admin = (await http(central.url, 'POST', '/api/auth/login', { body: central.credentials().admin })).body.token as string;
  const shared = opts.sharedKey ? generateSigningKeyPair() : null;
  const out: EnrolledRegister[] = new Array(n);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < n; i = next++) {
      const created = await http(central.url, 'POST', '/api/registers', { token: admin, body: { name: `${prefix} ${i + 1}` } });
      if (created.status !== 201) throw new Error(`create register: ${created.status} ${JSON.stringify(created.body)}`);
      const keys = shared ?? generateSigningKeyPair();
      const enrolled = await http(central.url, 'POST', '/api/registers/enrol', { body: { enrolCode: created.body.enrolCode, publicKeyPem: keys.publicKeyPem } });
      if (enrolled.status !== 200) throw new Error(`enrol: ${enrolled.status} ${JSON.stringify(enrolled.body)}`);
      out[i] = { id: created.body.id as string, token: enrolled.body.token as string, privateKeyPem: keys.privateKeyPem };
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return out;
}
