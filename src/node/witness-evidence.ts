/**
 * Evidence that witnessing and gossip find, kept once. Gossip sees the same contradiction again every round, and a
 * refused checkpoint may be offered again after a backoff: a repeat is not news, so it is neither stored twice nor
 * raised as a second alarm.
 */
import type { Evidence, Store } from '../storage/store.js';
import type { NodeContext } from './node-context.js';

/** What makes two pieces of evidence the same: who is accused of what, with which material (not who reported it). */
function identity(e: Evidence): string {
  return JSON.stringify([e.kind, e.party, e.material]);
}

/** The candidates that the store does not hold yet, each once. Call under ctx.exclusive, then write them. */
export async function unseenEvidence(store: Store, candidates: readonly Evidence[]): Promise<Evidence[]> {
  if (candidates.length === 0) return [];
  const seen = new Set((await store.evidence()).map(identity));
  const fresh: Evidence[] = [];
  for (const e of candidates) {
    const id = identity(e);
    if (!seen.has(id)) fresh.push(e);
    seen.add(id);
  }
  return fresh;
}

/** Stores the new ones among `candidates` in one write and raises an alarm for each. Takes ctx.exclusive itself. */
export async function keepEvidence(ctx: NodeContext, candidates: readonly Evidence[]): Promise<Evidence[]> {
  const fresh = await ctx.exclusive(async () => {
    const unseen = await unseenEvidence(ctx.store, candidates);
    if (unseen.length > 0) await ctx.store.write({ evidence: unseen });
    return unseen;
  });
  raiseAlarms(ctx, fresh);
  return fresh;
}

export function raiseAlarms(ctx: NodeContext, kept: readonly Evidence[]): void {
  for (const e of kept) {
    ctx.logger.warn({ kind: e.kind, party: e.party, reportedBy: e.reportedBy }, `evidence kept: ${e.summary}`);
    ctx.events.emit('alarm', e);
  }
}
