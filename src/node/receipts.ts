/**
 * Receipts: a party's signed statement, in its own log, that a statement addressed to it arrived. The receiving
 * node signs one automatically for each such statement (never for a receipt: receipts of receipts would never end),
 * and the sender keeps the receipts its peers return, after checking each one is really the peer's and really about
 * the statement it sent.
 */
import { codebookFor } from '../protocol/codebook.js';
import { toHex } from '../protocol/encoding.js';
import { ProtocolError } from '../protocol/errors.js';
import type { MerkleTree } from '../protocol/merkle-tree.js';
import { parseStatement, refTo, verifyHashedSignature, type HashedStatement, type Statement } from '../protocol/statement.js';
import { validateStatement } from '../protocol/statement-types.js';
import type { Agreement } from '../protocol/agreement.js';
import type { StoredReceipt } from '../storage/store.js';
import type { OwnDraft } from './own-log.js';
import type { NodeContext } from './node-context.js';
import type { KeyHistory } from './peer-keys.js';
import { storedOf } from './stored-form.js';

/** Whether this node must sign a receipt for `s`. */
export function needsReceipt(s: Statement, self: string): boolean {
  return s.type !== 'receipt' && s.to.includes(self);
}

/** The receipt of `received`, arrived at `at`: to its author only, in its case. */
export function receiptDraft(received: HashedStatement, at: string): OwnDraft {
  const s = received.statement;
  return { type: 'receipt', to: [s.author], case: s.case, refs: [refTo(received)], body: { received: received.hash, at } };
}

/** The store's record of a receipt `receipt` (signed by its author) for the statement it refers to. */
export function receiptRecord(receipt: HashedStatement, storedAt: string): StoredReceipt {
  const ref = receipt.statement.refs[0]!;
  return {
    author: ref.party, index: ref.index, party: receipt.statement.author,
    receiptIndex: receipt.statement.index, receiptHash: receipt.hash, text: storedOf(receipt, storedAt).text, storedAt,
  };
}

/**
 * Whether `s` (from a peer's log) is a receipt of an own statement this node holds, with the same hash: such a
 * receipt proves delivery as well as one returned by a push, and is the same statement.
 */
export function isReceiptOfOwn(s: HashedStatement, self: string, ownTree: MerkleTree): boolean {
  const st = s.statement;
  const ref = st.refs[0];
  if (st.type !== 'receipt' || ref === undefined || ref.party !== self || ref.index >= ownTree.size) return false;
  return toHex(ownTree.leafHash(ref.index)) === ref.hash && st.body?.received === ref.hash;
}

/**
 * Receipts a peer returned for a push and this node checked, by hash, with the verifier key that checked them. The
 * same statements reach the node again when the peer pushes its log: the same hash is the same signed bytes, so
 * with the same key in force the signature needs no second check (a third of the cost of mirroring a receipt).
 * Memory only, and bounded: a receipt not found here is simply checked again.
 */
const checkedReceipts = new WeakMap<NodeContext, Map<string, string>>();
const CHECKED_RECEIPTS_LIMIT = 10_000;

/** Notes that the receipt with hash `hash` verified with `vkey`. */
export function noteCheckedReceipt(ctx: NodeContext, hash: string, vkey: string): void {
  let checked = checkedReceipts.get(ctx);
  if (!checked) checkedReceipts.set(ctx, (checked = new Map()));
  if (checked.size >= CHECKED_RECEIPTS_LIMIT) checked.clear();
  checked.set(hash, vkey);
}

/** Whether the statement with hash `hash` is a returned receipt already verified with `vkey` (asked once: it is forgotten). */
export function takeCheckedReceipt(ctx: NodeContext, hash: string, vkey: string): boolean {
  const checked = checkedReceipts.get(ctx);
  const by = checked?.get(hash);
  if (by === undefined) return false;
  checked!.delete(hash);
  return by === vkey;
}

/** A receipt a peer returned that this node cannot accept. */
export class BadReceiptError extends Error {
  constructor(readonly peer: string, message: string) {
    super(message);
    this.name = 'BadReceiptError';
  }
}

/**
 * Checks a receipt `peer` returned for a push: the peer's own statement, signed with its key, a valid receipt of one
 * of this node's statements with the hash this node holds.
 */
export function checkReturnedReceipt(value: unknown, peer: string, keys: KeyHistory, agreement: Agreement, self: string, ownTree: MerkleTree): HashedStatement {
  let h: HashedStatement;
  try {
    h = parseStatement(value);
    const s = h.statement;
    if (s.author !== peer) throw new BadReceiptError(peer, `a receipt from ${peer} signed as ${s.author}`);
    verifyHashedSignature(h, keys.keyAt(s.index).publicKey);
    validateStatement(s, { agreement, codebook: codebookFor(agreement.codebook) });
  } catch (e) {
    if (e instanceof ProtocolError) throw new BadReceiptError(peer, `${peer} returned a receipt that does not hold: ${e.rule}: ${e.message}`);
    throw e;
  }
  if (!isReceiptOfOwn(h, self, ownTree)) throw new BadReceiptError(peer, `${peer} returned a receipt that is not of a statement of ${self} as ${self} holds it`);
  return h;
}
