/**
 * Real node identities for tests: data directories made by initDataDir, and the example bilateral agreement
 * re-made with their keys, certificate fingerprints and URLs, signed by both.
 */
import { join } from 'node:path';
import { example } from '../protocol/agreement-fixtures.js';
import { tempDir } from '../support/temp.js';
import { initDataDir, openDataDir, type NodeFiles } from '../../src/node/data-dir.js';
import { signAgreement, type SignedAgreement } from '../../src/protocol/agreement-signature.js';

export const AGREEMENT_ID = 'avalon-borduria';

/** A fresh data directory for `party` of the example agreement; ports differ per party so URLs differ too. */
export async function initParty(party: string, port: number, root = tempDir('parley-identity-')): Promise<NodeFiles> {
  const dir = join(root, party);
  await initDataDir({ dir, agreementId: AGREEMENT_ID, party, federationPort: port });
  return openDataDir(dir);
}

/** The example agreement with these nodes' real vkeys, fingerprints and URLs, signed by every one of them. */
export function agreementFor(nodes: NodeFiles[]): SignedAgreement {
  const a = example('avalon-borduria');
  for (const n of nodes) {
    const p = a.parties.find((x) => x.id === n.config.party);
    if (!p) throw new Error(`no party ${n.config.party} in the example agreement`);
    p.signingKey = n.vkey;
    p.encryptionKey = n.encryptionKey;
    p.tlsFingerprint = n.fingerprint;
    p.node = n.config.federation.url;
  }
  return { agreement: a, signatures: nodes.map((n) => signAgreement(a, n.config.party, n.signingKey)) };
}

/** Avalon and Borduria, each with its own data directory, and the agreement between them installed in neither. */
export async function twoParties(): Promise<{ avalon: NodeFiles; borduria: NodeFiles; signed: SignedAgreement }> {
  const root = tempDir('parley-identity-');
  const avalon = await initParty('avalon', 18443, root);
  const borduria = await initParty('borduria', 18444, root);
  return { avalon, borduria, signed: agreementFor([avalon, borduria]) };
}
