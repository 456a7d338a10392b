/**
 * The STIX objects a case cites: those of the `indicators` statements that belong to the case, as far as this
 * party may see them (the same TLP rule as the TAXII server's: a case view is one more way out).
 */
import type { NodeApi } from '../node/node-api.js';
import { carriedBy } from './served-objects.js';

export interface CitedObjects {
  author: string;
  index: number;
  hash: string;
  tlp: string;
  objects: Array<Record<string, unknown>>;
}

export async function citedObjects(node: NodeApi, caseId: string): Promise<CitedObjects[]> {
  const cited: CitedObjects[] = [];
  for (const h of await node.statementsOfType(['indicators'])) {
    if (h.statement.case !== caseId) continue;
    const carried = carriedBy(node.party, h.statement, h.hash);
    if (!carried) continue;
    const p = carried.provenance;
    cited.push({ author: p.author, index: p.index, hash: p.hash, tlp: p.tlp, objects: carried.objects.map((o) => o.object) });
  }
  return cited;
}
