/**
 * The witness endpoints of the federation API: C2SP add-checkpoint (a peer asks this node to cosign a checkpoint of
 * its own log) and the gossip view. The caller is `request.peerParty`, which the federation server sets from the
 * pinned TLS certificate; nothing in the request itself can claim to be another party.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CheckpointsView } from '../node/gossip.js';
import type { Witnessing } from '../node/witnessing.js';
import { ADD_CHECKPOINT_PATH, CHECKPOINTS_PATH } from './paths.js';

/** The party of the pinned certificate, as the server's onRequest hook set it. */
function callerOf(request: FastifyRequest): string | undefined {
  const party = (request as FastifyRequest & { peerParty?: unknown }).peerParty;
  return typeof party === 'string' && party.length > 0 ? party : undefined;
}

function refuse(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send({ error, message });
}

export function registerWitnessRoutes(app: FastifyInstance, witnessing: Witnessing): void {
  // The add-checkpoint body is text (C2SP); Fastify parses text/plain as a string unless the server replaced it.
  if (!app.hasContentTypeParser('text/plain')) {
    app.addContentTypeParser('text/plain', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  }

  app.post(ADD_CHECKPOINT_PATH, async (request, reply) => {
    const caller = callerOf(request);
    if (!caller) return refuse(reply, 403, 'peer.unpinned', 'the caller did not present a pinned peer certificate');
    if (typeof request.body !== 'string') return refuse(reply, 400, 'witness.request', 'the add-checkpoint request must be a text/plain body');
    const answer = await witnessing.addCheckpoint(caller, request.body);
    return reply.code(answer.status).type(answer.contentType).send(answer.body);
  });

  app.get(CHECKPOINTS_PATH, async (): Promise<CheckpointsView> => ({ checkpoints: await witnessing.latestCheckpoints() }));
}
