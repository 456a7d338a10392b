/**
 * What the API shows of statements and cases: plain JSON. `statement` is the statement exactly as its author signed
 * it — for a sealed statement, with `sealed` and without any body — so that anyone may re-check the signature over
 * that JSON. What this node reads of it is beside it, never inside: `body` (the body in clear, or the opened body
 * when this node is a recipient of a sealed one; null when it may not read it) and `sealedTo` (who may read it).
 */
import type { CaseState } from '../protocol/case-state.js';
import type { HashedStatement, Statement, StatementBody } from '../protocol/statement.js';
import type { NodeApi, StatementView } from '../node/node-api.js';
import { signedForm } from '../node/sealing.js';
import { citedObjects, type CitedObjects } from '../taxii/case-citations.js'; // issue 5: STIX objects a case cites

export interface SentView {
  author: string;
  index: number;
  hash: string;
  /** As signed: never an opened body. */
  statement: Statement;
  /** The body as this node reads it; null when the body is sealed and this node is not a recipient (or it does not open). */
  body: StatementBody | null;
  /** The parties the body is sealed to (the addressees and the author), or null when it is in clear. */
  sealedTo: string[] | null;
}

export function sentView(h: HashedStatement): SentView {
  const s = h.statement;
  const sealedTo = s.sealed ? Object.keys(s.sealed.recipients).sort() : null;
  return { author: s.author, index: s.index, hash: h.hash, statement: signedForm(h), body: s.body ?? null, sealedTo };
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

/**
 * A case with each timeline entry's statement, as far as this node holds it, and the STIX objects it cites. The case
 * state is the node's fold, which reads only the bodies this node can open: a sealed case of others shows its
 * category and severity as null.
 */
export async function caseJson(node: NodeApi, c: CaseState): Promise<CaseState & { statements: Array<StatementJson | null>; stixObjects: CitedObjects[] }> {
  const statements = await Promise.all(c.timeline.map(async (e) => {
    const v = await node.statement(e.party, e.index);
    return v ? statementJson(v) : null;
  }));
  return { ...c, statements, stixObjects: await citedObjects(node, c.id) };
}
