/**
 * The federation application without its transport: routes, the caller's identity, limits and error answers.
 * server.ts serves it over mutual TLS; tests may inject requests with a stand-in for the caller's identity.
 */
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { PartyNode } from '../node/party-node.js';
import { registerErrorHandling } from './errors.js';
import { registerLogRoutes } from './log-routes.js';
import { registerStatementRoutes } from './statement-routes.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The party whose pinned TLS certificate the caller presented: the only thing that identifies it. */
    peerParty: string;
  }
}

/** A push carries at most MAX_BATCH statements of a few KiB each; anything far larger is not a push. */
export const FEDERATION_BODY_LIMIT = 8 * 1024 * 1024;

export interface FederationAppOptions {
  node: PartyNode;
  /** The party the request comes from, or undefined when the caller is not a pinned party. */
  peerOf: (request: FastifyRequest) => string | undefined;
  /** Further routes (the witness endpoints), registered after the node's own. */
  extraRoutes?: Array<(app: FastifyInstance) => void>;
  fastify?: FastifyServerOptions & Record<string, unknown>;
}

export function buildFederationApp(o: FederationAppOptions): FastifyInstance {
  const app = Fastify({ bodyLimit: FEDERATION_BODY_LIMIT, logger: false, ...o.fastify }) as unknown as FastifyInstance;
  app.decorateRequest('peerParty', '');
  registerErrorHandling(app);
  // A callback hook, not an async one: it runs on every push, and has nothing to wait for.
  app.addHook('onRequest', (request, reply, done) => {
    const party = o.peerOf(request);
    if (party === undefined || party === o.node.party) {
      void reply.code(403).send({ error: 'peer.unpinned', message: 'the client certificate is not one the agreement pins for another party' });
      return;
    }
    request.peerParty = party;
    done();
  });
  registerStatementRoutes(app, o.node);
  registerLogRoutes(app, o.node);
  for (const register of o.extraRoutes ?? []) register(app);
  return app;
}
