/**
 * The own log: what this party says, signed, numbered and stored durably before anyone is told it was said.
 * The log is also the outbox: delivery sends every own statement to every peer, so appending is all `send` does
 * besides checking the draft (delivery and checkpointing follow the 'appended' event).
 */
import { checkJson } from '../protocol/canonical.js';
import { codebookFor } from '../protocol/codebook.js';
import { FormatError, ValidationError } from '../protocol/errors.js';
import { checkEnvelope, signStatement, type HashedStatement, type StatementBody, type StatementRef, type UnsignedStatement } from '../protocol/statement.js';
import { statementType, validateStatement } from '../protocol/statement-types.js';
import type { Agreement } from '../protocol/agreement.js';
import { DraftRejectedError, type StatementDraft } from './node-api.js';
import type { NodeContext } from './node-context.js';
import { withBody } from './sealing.js';
import { POOL_MIN_GROUP, SigningPool } from './signing-pool.js';
import { storedOf } from './stored-form.js';

/** An own statement before the node numbers, dates and signs it. */
export interface OwnDraft {
  type: string;
  to: string[];
  case: string | null;
  refs: StatementRef[];
  body: StatementBody;
}

/** The addressees a type's rule gives when the draft names none; undefined when the rule cannot tell. */
export function defaultAddressees(draft: StatementDraft, agreement: Agreement, author: string): string[] | undefined {
  const rule = statementType(draft.type)?.to;
  if (rule === 'all-others' || rule === 'others') return agreement.parties.map((p) => p.id).filter((p) => p !== author).sort();
  const referenced = draft.refs?.[0]?.party;
  if ((rule === 'referenced-author' || rule === 'includes-referenced-author') && referenced !== undefined) return [referenced];
  return undefined;
}

function completeDraft(draft: StatementDraft, agreement: Agreement, author: string): OwnDraft {
  const to = draft.to ?? defaultAddressees(draft, agreement, author);
  if (to === undefined) throw new DraftRejectedError('statement.to', 'to', `name the addressees of this ${draft.type}`);
  return { type: draft.type, to: [...new Set(to)].sort(), case: draft.case ?? null, refs: draft.refs ?? [], body: draft.body };
}

/**
 * The time for the next own statements: now, or the last own statement's time if the clock stepped backwards
 * (the log's times must never decrease). The last time comes from memory, not the store, or is `after`: the time of
 * a group signed but not yet written.
 */
function nextOwnTime(ctx: NodeContext, time?: string, after?: string): string {
  const last = after ?? ctx.statements.last(ctx.party)?.statement.time;
  const now = time ?? ctx.clock.nowIso();
  return last !== undefined && last > now ? last : now;
}

/**
 * Signs the next own statements: consecutive indices from the own log's size, and a time that never goes back.
 * Caller holds ctx.exclusive, writes them, then calls ownAppended.
 */
export function signNextOwn(ctx: NodeContext, drafts: OwnDraft[], time?: string): HashedStatement[] {
  const at = nextOwnTime(ctx, time);
  const first = ctx.tree(ctx.party).size;
  return drafts.map((d, i) => signStatement(ownUnsigned(ctx, d, first + i, at), ctx.signingKey));
}

function ownUnsigned(ctx: NodeContext, d: OwnDraft, index: number, time: string): UnsignedStatement {
  return { v: 1, agreement: ctx.agreement.id, author: ctx.party, index, time, to: d.to, type: d.type, case: d.case, refs: d.refs, body: d.body };
}

/** After the store wrote them: the own tree grows, and delivery and checkpointing hear of it. */
export function ownAppended(ctx: NodeContext, appended: HashedStatement[]): void {
  const tree = ctx.tree(ctx.party);
  for (const h of appended) {
    tree.append(h.leafHash);
    ctx.statements.add(h);
    ctx.events.emit('appended', h);
  }
}

/** Checks a draft as every peer will check the statement, so that the node never signs what the others refuse. */
function checkDraft(ctx: NodeContext, unsigned: UnsignedStatement): void {
  if (unsigned.type === 'key-rotation') {
    throw new DraftRejectedError('key-rotation.unsupported', 'type', 'this node cannot rotate its own key yet: a key-rotation would leave it signing with the old key');
  }
  try {
    validateStatement({ ...unsigned, sig: '' }, { agreement: ctx.agreement, codebook: codebookFor(ctx.agreement.codebook) });
  } catch (e) {
    if (e instanceof ValidationError) throw new DraftRejectedError(e.rule, e.path, e.message);
    throw e;
  }
}

/** A send waiting for the next group commit. */
interface QueuedSend {
  draft: OwnDraft;
  resolve: (h: HashedStatement) => void;
  reject: (e: unknown) => void;
}

/** Sends checked, numbered and signed together, waiting to be written in one transaction. */
interface SignedGroup {
  sends: QueuedSend[];
  signed: HashedStatement[];
  time: string;
}

/** The most statements one group commit writes (a bound on one transaction, and on one 'appended' burst). */
const MAX_GROUP = 256;
/** Groups written back to back before the own log lets other writers (receipts, checkpoints) have their turn. */
const MAX_ROUNDS = 8;

/**
 * How many of `queued` sends the next group takes. When no group is being written yet, many at once are split in
 * two, so that one half is signed while the other is written: senders that wait for their answer before sending
 * again would otherwise all sit in one group, and the signing threads and the writer would take turns instead of
 * working together. Behind a group being written, the next takes all that wait.
 */
function groupSize(queued: number, first: boolean): number {
  return Math.min(MAX_GROUP, first && queued >= 2 * POOL_MIN_GROUP ? Math.ceil(queued / 2) : queued);
}

/**
 * Checks one draft at `index` as every peer will check the statement (the body in clear, as its addressees will read
 * it) and seals it when it is addressed to some parties but not all; throws DraftRejectedError.
 */
async function draftToSign(ctx: NodeContext, draft: OwnDraft, index: number, time: string): Promise<UnsignedStatement> {
  const unsigned = ownUnsigned(ctx, draft, index, time);
  try {
    checkEnvelope(unsigned, false);
    checkJson(unsigned); // here, so that a signing thread is never given what it cannot sign
  } catch (e) {
    // A malformed case id, ref or addressee list; a value JSON cannot carry.
    if (e instanceof FormatError) throw new DraftRejectedError(e.rule, e.rule.replace(/^statement\./, ''), e.message);
    throw e;
  }
  checkDraft(ctx, unsigned);
  return ctx.sealing.sealIfNeeded(unsigned);
}

/**
 * The own log's writer. Sends are group-committed: while one transaction is being written and flushed, the sends
 * that arrive queue, and the next transaction carries all of them — numbered in arrival order, each signed. Every
 * caller's promise resolves only after the transaction holding its statement is durable, so durability is the same
 * as one transaction per statement, at a fraction of the flushes.
 *
 * Under load the groups are pipelined: the next group is checked and handed to the signing threads
 * (signing-pool.ts) as soon as the current one is signed, so it is signed while the current one is written. It is
 * numbered after the current one; if that write fails, its sends go back to the head of the queue to be numbered
 * again, and nothing signed for them is ever shown to anyone.
 */
export class OwnLog {
  private readonly queue: QueuedSend[] = [];
  private flushing = false;
  private readonly signing: SigningPool;

  constructor(private readonly ctx: NodeContext, signingThreads?: number) {
    this.signing = new SigningPool(ctx.signingKey, signingThreads);
  }

  /** Validates, signs and appends durably; resolves only once the store has written it. */
  send(draft: StatementDraft): Promise<HashedStatement> {
    let own: OwnDraft;
    try {
      own = completeDraft(draft, this.ctx.agreement, this.ctx.party);
    } catch (e) {
      return Promise.reject(e); // a refused draft is a rejected promise, like every other refusal
    }
    return new Promise<HashedStatement>((resolve, reject) => {
      this.queue.push({ draft: own, resolve, reject });
      this.flush();
    });
  }

  /** Stops the signing threads (sends still work: small groups sign inline, and a new thread starts if needed). */
  close(): Promise<void> {
    return this.signing.close();
  }

  /** Starts writing groups unless that is under way (it starts again when it ends, if sends are waiting). */
  private flush(): void {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    void this.ctx.exclusive(() => this.writeGroups()).finally(() => {
      this.flushing = false;
      this.flush();
    });
  }

  /**
   * Writes up to MAX_ROUNDS groups, signing each next group while the one before it is committed. A group is
   * committed without waiting for the disk; its flush runs in the background while the next groups are signed and
   * committed, and once it is done the group joins the tree and its senders are answered, group after group in order.
   * Nobody hears of a statement before its flush: not its sender, not delivery or checkpoints (which follow the tree),
   * not a peer pulling the log (served up to the tree). The session holds the own log's lock until every flush is
   * done, so that receipts and other own statements are numbered after these.
   */
  private async writeGroups(): Promise<void> {
    let size = this.ctx.tree(this.ctx.party).size;
    let answered: Promise<void> = Promise.resolve();
    let next: Promise<SignedGroup> | undefined = this.signGroup(size, nextOwnTime(this.ctx), true);
    for (let round = 1; next; round++) {
      const group: SignedGroup = await next;
      size += group.signed.length;
      next = this.queue.length > 0 && round < MAX_ROUNDS ? this.signGroup(size, nextOwnTime(this.ctx, undefined, group.time), false) : undefined;
      if (!(await this.commitGroup(group))) {
        // Numbered after a group that is not in the log: number these again, from where the log really ends.
        if (next) this.queue.unshift(...(await next).sends);
        break;
      }
      answered = this.answerAfter(answered, group);
    }
    await answered;
  }

  /** Takes the next sends off the queue, checks them and signs them at `base`, `base + 1`, … A refused draft fails alone. */
  private async signGroup(base: number, time: string, first: boolean): Promise<SignedGroup> {
    const taken = this.queue.splice(0, groupSize(this.queue.length, first));
    const sends: QueuedSend[] = [];
    const toSign: UnsignedStatement[] = [];
    for (const send of taken) {
      try {
        toSign.push(await draftToSign(this.ctx, send.draft, base + toSign.length, time));
        sends.push(send);
      } catch (e) {
        send.reject(e);
      }
    }
    let signed: HashedStatement[];
    try {
      signed = await this.signing.sign(toSign);
    } catch (e) {
      for (const send of sends) send.reject(e);
      return { sends: [], signed: [], time };
    }
    // What the sends resolve with carries the body beside the sealed form: the node that said it can read it.
    return { sends, signed: signed.map((h, i) => ('sealed' in toSign[i]! ? withBody(h, sends[i]!.draft.body) : h)), time };
  }

  /** Commits one group in one transaction, not waiting for the disk; false if the store refused it (its sends are rejected). */
  private async commitGroup(group: SignedGroup): Promise<boolean> {
    if (group.signed.length === 0) return true;
    try {
      const storedAt = this.ctx.clock.nowIso();
      await this.ctx.store.write({ statements: group.signed.map((h) => storedOf(h, storedAt)), flushLater: true });
      return true;
    } catch (e) {
      for (const send of group.sends) send.reject(e);
      return false;
    }
  }

  /**
   * Once the groups before it are answered and its own commit is on the disk: the group joins the tree (delivery and
   * checkpointing hear of it) and its senders are answered. A failed flush rejects them instead. Never rejects.
   */
  private async answerAfter(before: Promise<void>, group: SignedGroup): Promise<void> {
    if (group.signed.length === 0) return before;
    // Asked now, so that the disk flushes this group together with the ones before it if it can.
    const flushed = this.ctx.store.flush().then(() => undefined, (e: unknown) => ({ error: e }));
    await before;
    const failure = await flushed;
    try {
      if (failure) throw failure.error;
      ownAppended(this.ctx, group.signed);
    } catch (e) {
      for (const send of group.sends) send.reject(e);
      return;
    }
    group.sends.forEach((send, i) => send.resolve(group.signed[i]!));
  }
}
