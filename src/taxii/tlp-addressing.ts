/**
 * Who a statement of shared objects is addressed to, by its TLP 2.0 level — which is who receives and may read it:
 *  - CLEAR, GREEN: every other party (the community of the agreement); naming recipients is refused as pointless;
 *  - AMBER, AMBER+STRICT: the parties named in `to`, or every other party when none are named;
 *  - RED: only the parties named in `to`, which the poster must give.
 */
import type { NodeApi } from '../node/node-api.js';
import { sharedWithEveryParty, type TlpLevel } from '../stix/tlp.js';
import { TaxiiError } from './taxii-errors.js';

function named(node: NodeApi, to: string | undefined): string[] | undefined {
  if (to === undefined) return undefined;
  const parties = [...new Set(to.split(',').map((p) => p.trim()).filter((p) => p !== ''))].sort();
  if (parties.length === 0) throw new TaxiiError(400, 'taxii.to', '`to` names no party');
  const known = new Set(node.agreement.parties.map((p) => p.id));
  for (const p of parties) {
    if (p === node.party) throw new TaxiiError(400, 'taxii.to', `\`to\` names this party (${p}) itself`);
    if (!known.has(p)) throw new TaxiiError(400, 'taxii.to', `\`to\`: ${JSON.stringify(p.slice(0, 64))} is not a party to agreement ${node.agreement.id}`);
  }
  return parties;
}

export function addresseesFor(node: NodeApi, tlp: TlpLevel, to: string | undefined): string[] {
  const recipients = named(node, to);
  const everyone = node.agreement.parties.map((p) => p.id).filter((p) => p !== node.party).sort();
  if (sharedWithEveryParty(tlp)) {
    if (recipients && recipients.join(',') !== everyone.join(',')) {
      throw new TaxiiError(422, 'tlp.addressees', `TLP:${tlp} objects go to every party of the agreement; leave out \`to\` or mark them AMBER or RED`);
    }
    return everyone;
  }
  if (tlp === 'RED' && !recipients) {
    throw new TaxiiError(422, 'tlp.red-recipients', 'TLP:RED objects go only to named recipients: add ?to=<party>[,<party>…] to the URL');
  }
  return recipients ?? everyone;
}
