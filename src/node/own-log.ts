/**
 * The own log: what this party says, signed, numbered and stored durably before anyone is told it was said.
 * The log is also the outbox: delivery sends every own statement to every peer, so appending is all `send` does
 * besides checking the draft (delivery and checkpointing follow the 'appended' event).
 */
import { codebookFor } from '../protocol/codebook.js';
import { FormatError, ValidationError } from '../protocol/errors.js';
import { checkEnvelope, signStatement, type HashedStatement, type StatementBody, type StatementRef, type UnsignedStatement } from '../protocol/statement.js';
import { statementType, validateStatement } from '../protocol/statement-types.js';
import type { Agreement } from '../protocol/agreement.js';
import { DraftRejectedError, type StatementDraft } from './node-api.js';
import type { NodeContext } from './node-context.js';
import { withBody } from './sealing.js';
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
 * (the log's times must never decrease). The last time comes from memory, not the store.
 */
function nextOwnTime(ctx: NodeContext, time?: string): string {
  const last = ctx.statements.last(ctx.party)?.statement.time;
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

/** The most statements one group commit writes (a bound on one transaction, and on one 'appended' burst). */
const MAX_GROUP = 256;

/**
 * Signs one draft at `index`, checked as every peer will check it (the body in clear, as its addressees will read
 * it), sealed when it is addressed to some parties but not all; throws DraftRejectedError. What it resolves with
 * carries the body beside the sealed form: the node that said it can read it.
 */
async function signDraft(ctx: NodeContext, draft: OwnDraft, index: number, time: string): Promise<HashedStatement> {
  const unsigned = ownUnsigned(ctx, draft, index, time);
  try {
    checkEnvelope(unsigned, false);
  } catch (e) {
    // A malformed case id, ref or addressee list.
    if (e instanceof FormatError) throw new DraftRejectedError(e.rule, e.rule.replace(/^statement\./, ''), e.message);
    throw e;
  }
  checkDraft(ctx, unsigned);
  const toSign = await ctx.sealing.sealIfNeeded(unsigned);
  const signed = signStatement(toSign, ctx.signingKey);
  return toSign === unsigned ? signed : withBody(signed, draft.body);
}

/**
 * The own log's writer. Sends are group-committed: while one transaction is being written (fsynced), the sends that
 * arrive queue, and the next transaction carries all of them — numbered in arrival order, each signed. Every caller's
 * promise resolves only after the transaction holding its statement is durable, so durability is the same as one
 * transaction per statement, at a fraction of the fsyncs.
 */
export class OwnLog {
  private readonly queue: QueuedSend[] = [];
  private flushing = false;

  constructor(private readonly ctx: NodeContext) {}

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

  /** Starts a group commit unless one is under way (that one starts the next when it ends). */
  private flush(): void {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = true;
    void this.ctx.exclusive(() => this.commitGroup()).finally(() => {
      this.flushing = false;
      this.flush();
    });
  }

  /** Signs and writes the queued sends in one transaction. A rejected draft fails alone; a failed write fails them all. */
  private async commitGroup(): Promise<void> {
    const group = this.queue.splice(0, MAX_GROUP);
    const time = nextOwnTime(this.ctx);
    const signed: { send: QueuedSend; h: HashedStatement }[] = [];
    for (const send of group) {
      try {
        signed.push({ send, h: await signDraft(this.ctx, send.draft, this.ctx.tree(this.ctx.party).size + signed.length, time) });
      } catch (e) {
        send.reject(e);
      }
    }
    if (signed.length === 0) return;
    try {
      const storedAt = this.ctx.clock.nowIso();
      await this.ctx.store.write({ statements: signed.map(({ h }) => storedOf(h, storedAt)) });
      ownAppended(this.ctx, signed.map(({ h }) => h));
    } catch (e) {
      for (const { send } of signed) send.reject(e);
      return;
    }
    for (const { send, h } of signed) send.resolve(h);
  }
}
