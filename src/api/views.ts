/** What the API shows of statements and cases: plain JSON, the signed statement as its author wrote it. */
import type { CaseState } from '../protocol/case-state.js';
import type { HashedStatement, Statement } from '../protocol/statement.js';
import type { NodeApi, StatementView } from '../node/node-api.js';
import { citedObjects, type CitedObjects } from '../taxii/case-citations.js'; // issue 5: STIX objects a case cites

export interface SentView {
  author: string;
  index: number;
  hash: string;
  statement: Statement;
}

export function sentView(h: HashedStatement): SentView {
  return { author: h.statement.author, index: h.statement.index, hash: h.hash, statement: h.statement };
}

export interface StatementJson extends SentView {
  storedAt: string;
  /** Receipts the addressees returned: who, and where the receipt is in their log. */
  receipts: Array<{ party: string; index: number; hash: string; storedAt: string }>;
  cosignedBy: string[];
}

export function statementJson(v: StatementView): StatementJson {
  return {
    ...sentView(v.statement),
    storedAt: v.stored.storedAt,
    receipts: v.receipts.map((r) => ({ party: r.party, index: r.receiptIndex, hash: r.receiptHash, storedAt: r.storedAt })),
    cosignedBy: v.cosignedBy,
  };
}

/** A case with each timeline entry's statement, as far as this node holds it, and the STIX objects it cites. */
export async function caseJson(node: NodeApi, c: CaseState): Promise<CaseState & { statements: Array<StatementJson | null>; stixObjects: CitedObjects[] }> {
  const statements = await Promise.all(c.timeline.map(async (e) => {
    const v = await node.statement(e.party, e.index);
    return v ? statementJson(v) : null;
  }));
  return { ...c, statements, stixObjects: await citedObjects(node, c.id) };
}
