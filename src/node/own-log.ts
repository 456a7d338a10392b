/**
 * The own log: what this party says, signed, numbered and stored durably before anyone is told it was said.
 * The log is also the outbox: delivery sends every own statement to every peer, so appending is all `send` does
 * besides checking the draft (delivery and checkpointing follow the 'appended' event).
 */
import { codebookFor } from '../protocol/codebook.js';
import { FormatError, ValidationError } from '../protocol/errors.js';
import { signStatement, type HashedStatement, type StatementBody, type StatementRef, type UnsignedStatement } from '../protocol/statement.js';
import { statementType, validateStatement } from '../protocol/statement-types.js';
import type { Agreement } from '../protocol/agreement.js';
import { DraftRejectedError, type StatementDraft } from './node-api.js';
import type { NodeContext } from './node-context.js';
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

/** The time of the last own statement, or undefined for an empty log. Caller holds ctx.exclusive. */
async function lastOwnTime(ctx: NodeContext): Promise<string | undefined> {
  const size = ctx.tree(ctx.party).size;
  return size === 0 ? undefined : (await ctx.store.statement(ctx.party, size - 1))?.time;
}

/**
 * Signs the next own statements: consecutive indices from the own log's size, and a time that never goes back
 * (a clock stepped backwards must not make the log's times decrease). Caller holds ctx.exclusive, writes them,
 * then calls ownAppended.
 */
export async function signNextOwn(ctx: NodeContext, drafts: OwnDraft[], time?: string): Promise<HashedStatement[]> {
  const last = await lastOwnTime(ctx);
  const now = time ?? ctx.clock.nowIso();
  const at = last !== undefined && last > now ? last : now;
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

export class OwnLog {
  constructor(private readonly ctx: NodeContext) {}

  /** Validates, signs and appends durably; resolves only once the store has written it. */
  async send(draft: StatementDraft): Promise<HashedStatement> {
    const own = completeDraft(draft, this.ctx.agreement, this.ctx.party);
    return this.ctx.exclusive(async () => {
      let signed: HashedStatement;
      try {
        [signed] = (await signNextOwn(this.ctx, [own])) as [HashedStatement];
      } catch (e) {
        // The envelope check inside signStatement: a malformed case id, ref or addressee list.
        if (e instanceof FormatError) throw new DraftRejectedError(e.rule, e.rule.replace(/^statement\./, ''), e.message);
        throw e;
      }
      checkDraft(this.ctx, signed.statement);
      await this.ctx.store.write({ statements: [storedOf(signed, this.ctx.clock.nowIso())] });
      ownAppended(this.ctx, [signed]);
      return signed;
    });
  }
}
