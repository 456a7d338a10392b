/**
 * The log endpoints: the latest checkpoint of a log this node holds (with the cosignatures it has collected), and
 * consistency and inclusion proofs from its Merkle tree, so that peers and witnesses can check what they hold
 * against what this node holds.
 */
import type { FastifyInstance } from 'fastify';
import { toBase64 } from '../protocol/encoding.js';
import type { PartyNode } from '../node/party-node.js';
import { Refusal } from '../node/refusal.js';
import { knownLog, sizeParam } from './statement-routes.js';

const proofText = (hashes: Uint8Array[]): string => hashes.map((h) => toBase64(h) + '\n').join('');

/** The signed note followed by the cosignature lines collected on it: one note, as C2SP signed notes allow. */
export async function checkpointWithCosignatures(node: PartyNode, party: string): Promise<string | undefined> {
  const cp = await node.store.latestCheckpoint(party);
  if (!cp) return undefined;
  const lines = (await node.store.cosignatures(party, cp.size)).map((c) => c.line + '\n');
  const known = new Set(cp.note.split('\n'));
  return cp.note + lines.filter((l) => !known.has(l.slice(0, -1))).join('');
}

export function registerLogRoutes(app: FastifyInstance, node: PartyNode): void {
  app.get<{ Params: { party: string } }>('/v1/logs/:party/checkpoint', async (request, reply) => {
    const party = knownLog(node, request.params.party);
    const note = await checkpointWithCosignatures(node, party);
    if (note === undefined) throw new Refusal(404, 'checkpoint.none', `no checkpoint of ${party}'s log here yet`);
    return reply.type('text/plain; charset=utf-8').send(note);
  });

  app.get<{ Params: { party: string } }>('/v1/logs/:party/consistency', async (request, reply) => {
    const tree = node.ctx.tree(knownLog(node, request.params.party));
    const oldSize = sizeParam(request.query, 'old');
    const newSize = sizeParam(request.query, 'new');
    if (oldSize > newSize || newSize > tree.size) {
      throw new Refusal(400, 'proof.sizes', `a consistency proof needs old <= new <= ${tree.size} (the log's size here), got old=${oldSize} new=${newSize}`);
    }
    return reply.type('text/plain; charset=utf-8').send(proofText(tree.consistencyProof(oldSize, newSize)));
  });

  app.get<{ Params: { party: string } }>('/v1/logs/:party/inclusion', async (request, reply) => {
    const tree = node.ctx.tree(knownLog(node, request.params.party));
    const index = sizeParam(request.query, 'index');
    const size = sizeParam(request.query, 'size');
    if (index >= size || size > tree.size) {
      throw new Refusal(400, 'proof.sizes', `an inclusion proof needs index < size <= ${tree.size} (the log's size here), got index=${index} size=${size}`);
    }
    return reply.type('text/plain; charset=utf-8').send(proofText(tree.inclusionProof(index, size)));
  });
}
