/**
 * Recovering the own log from peers. Every peer mirrors every log, so when this node's store holds fewer own
 * statements than a peer does — it was restored from a backup, or a power cut took the last commits of a disk that
 * lied about fsync — the missing tail is still out there, signed by this node's key. The node takes it back before
 * it signs anything: signing a new statement at an index a peer already holds would be a fork, which every witness
 * would report as equivocation.
 *
 * Nothing from a peer is trusted: each statement must be this party's, under this agreement, at the next index,
 * and signed by this node's own key. Receipts among them (this node's receipts for peers' statements) are recorded
 * too, so that mirroring those statements again does not sign a second receipt for them (receiving.ts).
 */
import { MAX_BATCH, statementsPath } from '../federation/paths.js';
import { FormatError, SignatureError } from '../protocol/errors.js';
import { parseStatement, verifyStatementSignature, type HashedStatement } from '../protocol/statement.js';
import type { NodeContext, PeerTransport } from './node-context.js';
import { ownAppended } from './own-log.js';
import { receiptRecord } from './receipts.js';
import { storedOf } from './stored-form.js';

/** A peer answered with own statements this node cannot take back. */
export class OwnLogRecoveryError extends Error {
  constructor(readonly peer: string, message: string) {
    super(message);
    this.name = 'OwnLogRecoveryError';
  }
}

/** How long the node waits for a peer's answer before starting without it. */
export const RECOVERY_WAIT_MS = 5_000;

/** Own receipts taken back from peers, as "author/index" of the statement each receipts. */
const recoveredReceipts = new WeakMap<NodeContext, Set<string>>();

/** Whether this node's log already holds a receipt, taken back from a peer, for `author`'s statement at `index`. */
export function hasRecoveredReceipt(ctx: NodeContext, author: string, index: number): boolean {
  return recoveredReceipts.get(ctx)?.has(`${author}/${index}`) ?? false;
}

/**
 * Asks every peer for own statements beyond the store's and takes back the longest tail any of them holds.
 * Holds the node's writer lock throughout, so no send is signed meanwhile. Peers that do not answer within
 * `waitMs` are passed over (they may be down: then they hold nothing newer that anyone else lacks, or will tell
 * through gossip, which the node logs). Resolves with the number of statements taken back.
 */
export async function recoverOwnLog(ctx: NodeContext, waitMs = RECOVERY_WAIT_MS): Promise<number> {
  return ctx.exclusive(async () => {
    const before = ctx.tree(ctx.party).size;
    const peers = [...ctx.peers.values()];
    const heads = await Promise.all(peers.map((p) => firstBeyond(ctx, p, before, waitMs)));
    for (const [i, peer] of peers.entries()) {
      if (heads[i] !== true) continue;
      const from = ctx.tree(ctx.party).size;
      try {
        while ((await takeBack(ctx, peer)) > 0);
      } catch (e) {
        // Not this peer's copy, then: what it gave that checked out is kept, and the next peer is asked.
        if (!(e instanceof OwnLogRecoveryError)) throw e;
        ctx.logger.warn({ peer: peer.party, error: e.message }, 'a peer answered own statements this node cannot take back');
      }
      const taken = ctx.tree(ctx.party).size - from;
      if (taken > 0) ctx.logger.warn({ peer: peer.party, from, taken }, `took back ${taken} own statements from ${peer.party} that this node's store had lost (restored from a backup, or a power cut)`);
    }
    return ctx.tree(ctx.party).size - before;
  });
}

/** Whether `peer` holds an own statement at `index` (false when it does not, or does not answer in time). */
async function firstBeyond(ctx: NodeContext, peer: PeerTransport, index: number, waitMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMs);
  });
  try {
    const res = await Promise.race([peer.request({ method: 'GET', path: statementsPath(ctx.party, index, 1), accept: 'application/json' }), timeout]);
    return res !== undefined && res.status === 200 && statementsIn(res.text, peer.party).length > 0;
  } catch (e) {
    ctx.logger.info({ peer: peer.party, error: (e as Error).message }, 'could not ask the peer for own statements this node may have lost; the peer may be down');
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Pulls one batch of own statements from `peer`, checks and stores them; resolves with how many it took. */
async function takeBack(ctx: NodeContext, peer: PeerTransport): Promise<number> {
  const from = ctx.tree(ctx.party).size;
  const res = await peer.request({ method: 'GET', path: statementsPath(ctx.party, from, MAX_BATCH), accept: 'application/json' });
  if (res.status !== 200) throw new OwnLogRecoveryError(peer.party, `${peer.party} answered ${res.status} for own statements from ${from}`);
  const taken = statementsIn(res.text, peer.party).map((item, i) => checkedOwn(ctx, peer.party, item, from + i));
  if (taken.length === 0) return 0;
  const storedAt = ctx.clock.nowIso();
  const receipts = taken.filter((h) => h.statement.type === 'receipt').map((h) => receiptRecord(h, storedAt));
  await ctx.store.write({ statements: taken.map((h) => storedOf(h, storedAt)), receipts });
  let recorded = recoveredReceipts.get(ctx);
  if (!recorded) recoveredReceipts.set(ctx, (recorded = new Set()));
  for (const r of receipts) recorded.add(`${r.author}/${r.index}`);
  // The node reads its own sealed bodies (the author is a recipient); delivery then pushes them to peers lacking them.
  ownAppended(ctx, await Promise.all(taken.map((h) => ctx.sealing.open(h))));
  return taken.length;
}

function statementsIn(text: string, peer: string): unknown[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new OwnLogRecoveryError(peer, `${peer} answered a range of the own log that is not JSON`);
  }
  const statements = (body as { statements?: unknown } | null)?.statements;
  if (!Array.isArray(statements)) throw new OwnLogRecoveryError(peer, `${peer} answered a range of the own log without a statements list`);
  return statements;
}

/** A statement of the own log as a peer holds it: this party's, this agreement's, at `index`, signed by the own key. */
function checkedOwn(ctx: NodeContext, peer: string, item: unknown, index: number): HashedStatement {
  let h: HashedStatement;
  try {
    h = parseStatement(item);
  } catch (e) {
    if (e instanceof FormatError) throw new OwnLogRecoveryError(peer, `${peer}'s copy of own statement ${index}: ${e.message}`);
    throw e;
  }
  const s = h.statement;
  if (s.author !== ctx.party || s.agreement !== ctx.agreement.id || s.index !== index) {
    throw new OwnLogRecoveryError(peer, `${peer} answered ${s.author}#${s.index} under "${s.agreement}" where own statement ${index} was asked for`);
  }
  try {
    verifyStatementSignature(s, ctx.signingKey.publicKey);
  } catch (e) {
    if (e instanceof SignatureError) throw new OwnLogRecoveryError(peer, `${peer}'s copy of own statement ${index} is not signed by this node's key`);
    throw e;
  }
  return h;
}
