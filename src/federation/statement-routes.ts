/**
 * The statement endpoints: a peer pushes its own log here (and gets receipts back), and anyone of the agreement reads
 * ranges of any log this node holds — its own, or its mirror of a peer's — to backfill.
 */
import type { FastifyInstance } from 'fastify';
import { MAX_BATCH } from './paths.js';
import type { PartyNode } from '../node/party-node.js';
import { Refusal } from '../node/refusal.js';
import { statementsJson } from '../node/stored-form.js';

/** A non-negative integer query parameter, or `fallback` when absent. */
export function sizeParam(query: unknown, name: string, fallback?: number): number {
  const raw = (query as Record<string, unknown> | undefined)?.[name];
  if (raw === undefined && fallback !== undefined) return fallback;
  if (typeof raw !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
    throw new Refusal(400, 'query.size', `query parameter "${name}" must be a non-negative integer`);
  }
  return Number(raw);
}

export function knownLog(node: PartyNode, party: string): string {
  if (!node.agreement.parties.some((p) => p.id === party)) throw new Refusal(404, 'log.unknown', `no log of "${party}" here: not a party to the agreement`);
  return party;
}

export function registerStatementRoutes(app: FastifyInstance, node: PartyNode): void {
  app.post<{ Params: { party: string } }>('/v1/logs/:party/statements', async (request) => {
    return node.receiving.push(request.peerParty, knownLog(node, request.params.party), request.body);
  });

  app.get<{ Params: { party: string } }>('/v1/logs/:party/statements', async (request, reply) => {
    const party = knownLog(node, request.params.party);
    const from = sizeParam(request.query, 'from', 0);
    const limit = Math.min(sizeParam(request.query, 'limit', MAX_BATCH), MAX_BATCH);
    // Up to the log's tree, not the store: a transaction is visible in the store a moment before it is flushed to
    // the disk, and a statement a peer held that a power cut then took from this node could be signed over (a fork).
    const stored = await node.store.statements(party, from, Math.min(from + limit, node.ctx.tree(party).size));
    return reply.type('application/json').send(`{"statements":${statementsJson(stored.map((s) => s.text))}}`);
  });
}
