/**
 * Receiving a peer's log: the push endpoint's logic, also used for ranges pulled by backfill. Each statement is
 * checked against the mirror as it stands — next index, signed by the author's key in force, under this agreement —
 * and mirrored; statements addressed to this party get a receipt in the own log, written in the same transaction
 * as the mirrored statement, so that a statement is never held without its receipt nor receipted without being held.
 *
 * Misbehaviour is refused and kept as evidence: a forged signature, or a second statement at an index (a fork).
 * A signed statement that breaks an agreement rule is still mirrored — the author did say it, the log must stay
 * contiguous, and the case fold reports it — with evidence 'invalid-statement'.
 */
import { codebookFor } from '../protocol/codebook.js';
import { toHex } from '../protocol/encoding.js';
import { FormatError, SignatureError, ValidationError } from '../protocol/errors.js';
import { parseStatement, verifyHashedSignature, type HashedStatement, type Statement } from '../protocol/statement.js';
import { validateStatement } from '../protocol/statement-types.js';
import type { Evidence, StoredReceipt } from '../storage/store.js';
import { MAX_BATCH } from '../federation/paths.js';
import type { NodeContext } from './node-context.js';
import { ownAppended, signNextOwn } from './own-log.js';
import { keyHistory, type KeyHistory } from './peer-keys.js';
import { isReceiptOfOwn, needsReceipt, receiptDraft, receiptRecord, takeCheckedReceipt } from './receipts.js';
import { hasRecoveredReceipt } from './own-log-recovery.js';
import { Refusal } from './refusal.js';
import type { Settling } from './settling.js';
import { signedForm } from './sealing.js';
import { hashedOf, storedOf } from './stored-form.js';

/** The answer to a push: the mirror's size after it, and this party's receipts for the statements addressed to it. */
export interface ReceiveResult {
  size: number;
  receipts: Statement[];
}

/** The body of a push: `{ "statements": [ ... ] }`, at most MAX_BATCH. */
export function batchOf(body: unknown): unknown[] {
  const statements = (body as { statements?: unknown } | null)?.statements;
  if (typeof body !== 'object' || body === null || !Array.isArray(statements)) {
    throw new Refusal(400, 'push.body', 'the body must be a JSON object {"statements": [...]}');
  }
  if (statements.length > MAX_BATCH) throw new Refusal(400, 'push.body', `at most ${MAX_BATCH} statements per push, got ${statements.length}`);
  return statements;
}

/** What one batch adds, written in one transaction at the end (also when a statement of it is refused). */
class Batch {
  readonly mirrored: HashedStatement[] = [];
  readonly receiptsToSign: HashedStatement[] = [];
  readonly peerReceipts: StoredReceipt[] = [];
  readonly evidence: Evidence[] = [];
  /** Receipts already issued in an earlier push, for statements repeated in this one. */
  readonly repeatedReceipts: Statement[] = [];

  constructor(private readonly ctx: NodeContext, readonly author: string, readonly reportedBy: string, private readonly keys: KeyHistory) {}

  private get tree() {
    return this.ctx.tree(this.author);
  }

  private get size(): number {
    return this.tree.size + this.mirrored.length;
  }

  private heldHash(index: number): string {
    return index < this.tree.size ? toHex(this.tree.leafHash(index)) : this.mirrored[index - this.tree.size]!.hash;
  }

  private keep(kind: Evidence['kind'], summary: string, material: unknown): void {
    this.evidence.push({ kind, party: this.author, reportedBy: this.reportedBy, summary, material, storedAt: this.ctx.clock.nowIso() });
  }

  async take(item: unknown, position: number): Promise<void> {
    const h = this.parse(item, position);
    const s = h.statement;
    if (s.index < this.size && this.heldHash(s.index) === h.hash) return this.repeated(h);
    this.verifySignature(h);
    if (s.index < this.size) await this.fork(h);
    if (s.index > this.size) throw new Refusal(409, 'log.gap', `${this.author}'s log here has ${this.size} statements: index ${s.index} leaves a gap`, { expected: this.size });
    await this.mirror(h);
  }

  private parse(item: unknown, position: number): HashedStatement {
    let h: HashedStatement;
    try {
      h = parseStatement(item);
    } catch (e) {
      if (e instanceof FormatError) throw new Refusal(400, e.rule, `statements[${position}]: ${e.message}`);
      throw e;
    }
    if (h.statement.author !== this.author) {
      throw new Refusal(400, 'statement.author', `statements[${position}]: by ${h.statement.author}, in a batch of ${this.author}'s log`);
    }
    if (h.statement.agreement !== this.ctx.agreement.id) {
      throw new Refusal(400, 'statement.agreement', `statements[${position}]: under agreement "${h.statement.agreement}", not "${this.ctx.agreement.id}"`);
    }
    return h;
  }

  private async repeated(h: HashedStatement): Promise<void> {
    if (!needsReceipt(h.statement, this.ctx.party)) return;
    const issued = await this.ctx.store.receipt(this.author, h.statement.index, this.ctx.party);
    if (issued) this.repeatedReceipts.push(parseStatement(issued.text).statement);
  }

  private verifySignature(h: HashedStatement): void {
    // A receipt this node already checked when it came back in a push answer: same bytes, same key, same verdict.
    if (takeCheckedReceipt(this.ctx, h.hash, this.keys.vkeyAt(h.statement.index))) return;
    try {
      verifyHashedSignature(h, this.keys.keyAt(h.statement.index).publicKey);
    } catch (e) {
      if (!(e instanceof SignatureError)) throw e;
      this.keep('forged-statement', `${this.author}#${h.statement.index} is not signed by ${this.author}'s key`, { statement: h.statement });
      throw new Refusal(422, 'statement.signature', e.message);
    }
  }

  private async fork(h: HashedStatement): Promise<never> {
    const index = h.statement.index;
    const held = index < this.tree.size ? hashedOf((await this.ctx.store.statement(this.author, index))!) : this.mirrored[index - this.tree.size]!;
    this.keep('fork', `${this.author} signed two different statements at index ${index}`, { held: held.statement, received: h.statement });
    throw new Refusal(409, 'log.fork', `${this.author}'s log here holds a different statement at index ${index} (hash ${held.hash})`, { index, hash: held.hash });
  }

  /** Opens the body if it is sealed to this party, and validates what this party can read of it. */
  private async mirror(signed: HashedStatement): Promise<void> {
    const h = await this.ctx.sealing.open(signed);
    const s = h.statement;
    let valid = true;
    try {
      validateStatement(s, { agreement: this.ctx.agreement, codebook: codebookFor(this.ctx.agreement.codebook) });
    } catch (e) {
      if (!(e instanceof ValidationError)) throw e;
      valid = false;
      // Evidence is stored: it carries the statement as signed, and for a sealed body only the rule, never its text.
      const message = s.sealed === undefined ? e.message : `the sealed body breaks ${e.rule} at ${e.path}`;
      this.keep('invalid-statement', `${this.author}#${s.index} breaks ${e.rule}: ${message}`, { statement: signedForm(h), rule: e.rule, path: e.path, message });
    }
    this.mirrored.push(h);
    if (valid) this.keys.follow(s);
    // A receipt taken back from a peer (own-log-recovery.ts) already answers it: a second one would say nothing new.
    if (needsReceipt(s, this.ctx.party) && !hasRecoveredReceipt(this.ctx, this.author, s.index)) this.receiptsToSign.push(h);
    if (valid && isReceiptOfOwn(h, this.ctx.party, this.ctx.tree(this.ctx.party))) this.notePeerReceipt(receiptRecord(h, this.ctx.clock.nowIso()));
  }

  /** The first receipt of an own statement counts; a second one by the same peer (it lost its log) proves nothing new. */
  private notePeerReceipt(r: StoredReceipt): void {
    if (!this.peerReceipts.some((p) => p.author === r.author && p.index === r.index && p.party === r.party)) this.peerReceipts.push(r);
  }

  /** Writes everything in one transaction, then updates the trees and tells the listeners. */
  async commit(): Promise<Statement[]> {
    const now = this.ctx.clock.nowIso();
    const receipts = signNextOwn(this.ctx, this.receiptsToSign.map((h) => receiptDraft(h, now)), now);
    const known = await Promise.all(this.peerReceipts.map((r) => this.ctx.store.receipt(r.author, r.index, r.party)));
    await this.ctx.store.write({
      statements: [...this.mirrored, ...receipts].map((h) => storedOf(h, now)),
      receipts: [...receipts.map((r) => receiptRecord(r, now)), ...this.peerReceipts.filter((_, i) => known[i] === undefined)],
      evidence: this.evidence,
    });
    for (const h of this.mirrored) {
      this.tree.append(h.leafHash);
      this.ctx.statements.add(h);
      this.ctx.events.emit('mirrored', h);
    }
    ownAppended(this.ctx, receipts);
    for (const e of this.evidence) this.ctx.events.emit('alarm', e);
    return receipts.map((r) => r.statement);
  }
}

export class Receiving {
  /** `settling`: the node's, to which answering a push is activity (background work waits for it to end). */
  constructor(private readonly ctx: NodeContext, private readonly settling?: Settling) {}

  /** A push by `caller` of statements of `author`'s log: only the author pushes its own log. */
  async push(caller: string, author: string, body: unknown): Promise<ReceiveResult> {
    if (caller !== author) throw new Refusal(403, 'push.not-author', `${caller} cannot push ${author}'s log: each party pushes only its own`);
    const receive = (): Promise<ReceiveResult> => this.receive(author, batchOf(body), caller);
    return this.settling ? this.settling.during(receive) : receive();
  }

  /** Checks and mirrors consecutive statements of `author`'s log, shown to this node by `reportedBy`. */
  async receive(author: string, items: readonly unknown[], reportedBy: string): Promise<ReceiveResult> {
    if (author === this.ctx.party) throw new Refusal(403, 'log.own', `${author}'s log is this node's own: nobody else writes it`);
    if (!this.ctx.peers.has(author)) throw new Refusal(404, 'log.unknown', `"${author}" is not a party to the agreement`);
    return this.ctx.exclusive(async () => {
      const batch = new Batch(this.ctx, author, reportedBy, keyHistory(this.ctx.statements, this.ctx.agreement, author));
      try {
        for (const [i, item] of items.entries()) await batch.take(item, i);
      } catch (e) {
        if (e instanceof Refusal) await batch.commit(); // what came before the refused statement, and the evidence
        throw e;
      }
      const issued = await batch.commit();
      return { size: this.ctx.tree(author).size, receipts: [...batch.repeatedReceipts, ...issued] };
    });
  }
}
