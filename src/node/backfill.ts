/**
 * Backfill: pulling the part of a peer's log this node has not mirrored yet. Pushes are the normal way statements
 * arrive; a pull covers what pushes missed — this node was down, or a checkpoint (from gossip or witnessing) shows
 * the log is longer than the mirror. Pulled statements go through the same checks as pushed ones (receiving.ts),
 * and statements addressed to this party get their receipts, which the own log's delivery then pushes.
 */
import { MAX_BATCH, statementsPath } from '../federation/paths.js';
import type { NodeContext } from './node-context.js';
import { Receiving } from './receiving.js';

/** A pull that did not get a usable answer. */
export class BackfillError extends Error {
  constructor(readonly log: string, readonly source: string, message: string) {
    super(message);
    this.name = 'BackfillError';
  }
}

const running = new WeakMap<NodeContext, Map<string, Promise<number>>>();

/**
 * Mirrors `log` up to `wanted` statements (or as far as `source` has it), pulling from `source` (by default the log's
 * own party; any party mirrors every log). Concurrent calls for one log share one pull. Resolves with the mirror's size.
 */
export function backfill(ctx: NodeContext, log: string, wanted?: number, source = log): Promise<number> {
  let pulls = running.get(ctx);
  if (!pulls) running.set(ctx, (pulls = new Map()));
  const current = pulls.get(log);
  if (current) return current;
  const pull = pullLog(ctx, log, wanted, source).finally(() => pulls.delete(log));
  pulls.set(log, pull);
  return pull;
}

async function pullLog(ctx: NodeContext, log: string, wanted: number | undefined, source: string): Promise<number> {
  const transport = ctx.peers.get(source);
  if (!transport) throw new BackfillError(log, source, `"${source}" is not a peer of this node`);
  const receiving = new Receiving(ctx);
  for (;;) {
    const from = ctx.tree(log).size;
    if (wanted !== undefined && from >= wanted) break;
    const res = await transport.request({ method: 'GET', path: statementsPath(log, from, MAX_BATCH), accept: 'application/json' });
    if (res.status !== 200) throw new BackfillError(log, source, `${source} answered ${res.status} for ${log}'s statements from ${from}: ${res.text.slice(0, 200)}`);
    const statements = rangeOf(res.text, log, source);
    if (statements.length === 0) break;
    await receiving.receive(log, statements, source);
  }
  return ctx.tree(log).size;
}

function rangeOf(text: string, log: string, source: string): unknown[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BackfillError(log, source, `${source} answered a range of ${log}'s log that is not JSON`);
  }
  const statements = (body as { statements?: unknown } | null)?.statements;
  if (!Array.isArray(statements)) throw new BackfillError(log, source, `${source} answered a range of ${log}'s log without a statements list`);
  return statements;
}

/** Resolves when no pull of this node is in flight (failed ones included): for an orderly stop. */
export async function backfillsSettled(ctx: NodeContext): Promise<void> {
  await Promise.allSettled([...(running.get(ctx)?.values() ?? [])]);
}
